/**
 * The scope a management lock covers, as a lowercase ARM id, computed one way for the whole preview (the access lines
 * of the security summary and the ScopeLocked check of `--previous`). A `ManagementLockByScope` names its scope; the
 * other lock types are addressed by their inputs, and their ARM id is `<scope>/providers/Microsoft.Authorization/locks/
 * <name>` (learn.microsoft.com azure-resource-manager/management/lock-resources; locks.json 2020-05-01 paths):
 *
 * - `ManagementLockAtSubscriptionLevel`: `/subscriptions/<sub>`
 * - `ManagementLockAtResourceGroupLevel`: `/subscriptions/<sub>/resourceGroups/<resourceGroupName>`
 * - `ManagementLockAtResourceLevel`: `/subscriptions/<sub>/resourceGroups/<rg>/providers/<resourceProviderNamespace>/
 *   [<parentResourcePath>/]<resourceType>/<resourceName>`
 *
 * The policy pack mirrors this in policy/lib/guardrails.ts `lockScope` (it must install on its own, so it cannot
 * import preview/).
 */
import { T } from "./armTypes";

const LOCK_SUFFIX = /\/providers\/microsoft\.authorization\/locks\/[^/]+$/i;
const trim = (v: string): string => v.toLowerCase().replace(/\/+$/, "");
const seg = (v: unknown): string | undefined =>
  typeof v === "string" && v.replace(/^\/+|\/+$/g, "") !== ""
    ? v.replace(/^\/+|\/+$/g, "")
    : undefined;

/** The scope a lock of `type` with `inputs` covers in subscription `subscriptionId` (original case), or undefined. */
export function lockScopeFromInputs(
  type: string,
  inputs: Record<string, any>,
  subscriptionId: string | undefined,
): string | undefined {
  if (type === T.lockByScope) return seg(inputs.scope) && String(inputs.scope).replace(/\/+$/, "");
  if (subscriptionId === undefined || subscriptionId === "") return undefined;
  const sub = `/subscriptions/${subscriptionId}`;
  if (type === T.lockAtSubscription) return sub;
  const rg = seg(inputs.resourceGroupName);
  if (rg === undefined) return undefined;
  if (type === T.lockAtResourceGroup) return `${sub}/resourceGroups/${rg}`;
  if (type !== T.lockAtResource) return undefined;
  const ns = seg(inputs.resourceProviderNamespace);
  const rt = seg(inputs.resourceType);
  const name = seg(inputs.resourceName);
  if (ns === undefined || rt === undefined || name === undefined) return undefined;
  const parent = seg(inputs.parentResourcePath);
  return `${sub}/resourceGroups/${rg}/providers/${ns}/${parent ? `${parent}/` : ""}${rt}/${name}`;
}

/**
 * The scope `lock` covers (lowercase, no trailing slash): its `scope` input, else its ARM id without the lock suffix,
 * else derived from its inputs and the subscription of its ARM id; undefined when unknown.
 */
export function lockScope(lock: {
  type: string;
  id?: string | undefined;
  inputs: Record<string, any>;
}): string | undefined {
  if (typeof lock.inputs.scope === "string" && lock.inputs.scope.trim() !== "") {
    return trim(lock.inputs.scope);
  }
  const id = typeof lock.id === "string" ? lock.id : "";
  if (/^\/subscriptions\/[^/]+/i.test(id) && LOCK_SUFFIX.test(id)) {
    return trim(id.replace(LOCK_SUFFIX, ""));
  }
  const sub = /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
  const derived = lockScopeFromInputs(lock.type, lock.inputs, sub);
  return derived === undefined ? undefined : trim(derived);
}

/** True when the lowercase ARM id `id` is `scope` or below it. */
export const scopeCovers = (scope: string, id: string): boolean =>
  id === scope || id.startsWith(`${scope}/`);
