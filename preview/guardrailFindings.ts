/**
 * `--previous` and the guardrails of a deployed stack:
 *
 * - `guardrailFindings`: a lock, a private endpoint or a diagnostic setting that the earlier deployment has and this
 *   one deletes, and blob versioning, blob soft delete or container soft delete turned off, each reported as an
 *   explicit "guardrail removed" finding. No data is lost, so these findings do not change the exit code (a team's
 *   offboarding removes its lock and endpoints on purpose); they make the weakening visible in review.
 * - `lockedDeletes`: what a CanNotDelete or ReadOnly lock that stays does to the deletes of this run. ARM refuses to
 *   delete anything at or below a locked scope (ScopeLocked, HTTP 409), child and extension resources included, and a
 *   private endpoint's removal deletes its connection on the target (`privateEndpointConnectionProxies`), so
 *   `pulumi up` would stop midway: these are errors of the simulated Azure (exit 2).
 */
import { ArmError, T } from "./armTypes";
import type { DiffResult, PreviousDeployment, PreviousResource, Step } from "./diff";
import type { RecordedResource } from "./recorder";
import { lockScope, scopeCovers } from "./lockScope";
import { connectionsOf, entries } from "./rules/listEntries";
import { LOCK_SOURCES, LOCK_TYPES } from "./rules/locks";
import { lc } from "./text";

export type GuardrailKind =
  | "lock-removed"
  | "private-endpoint-removed"
  | "diagnostic-setting-removed"
  | "blob-protection-off";

export interface GuardrailFinding {
  kind: GuardrailKind;
  /** The resource removed or changed. */
  urn: string;
  type: string;
  message: string;
}

/** One line per kind: what it detects (docs). */
export const GUARDRAIL_KINDS: Readonly<Record<GuardrailKind, string>> = {
  "lock-removed": "a management lock of the earlier deployment is deleted",
  "private-endpoint-removed": "a private endpoint of the earlier deployment is deleted",
  "diagnostic-setting-removed": "a diagnostic setting of the earlier deployment is deleted",
  "blob-protection-off": "blob versioning, blob soft delete or container soft delete is turned off",
};

const short = (urn: string): string => urn.split("::").pop() ?? urn;
const trim = (id: string): string => lc(id).replace(/\/+$/, "");

/** The ARM id a resource of the earlier deployment had (extension resources rebuilt from their inputs). */
export function previousArmId(r: PreviousResource): string | undefined {
  if (r.type === T.diagnosticSetting && typeof r.inputs.resourceUri === "string") {
    return trim(
      `${r.inputs.resourceUri}/providers/Microsoft.Insights/diagnosticSettings/${String(r.inputs.name ?? short(r.urn))}`,
    );
  }
  return typeof r.id === "string" && r.id.startsWith("/subscriptions/") ? trim(r.id) : undefined;
}

/** The scope a lock covers, as an ARM id (lowercase): preview/lockScope.ts, one way for every lock type. */
const scopeOf = (lock: {
  type: string;
  id?: string;
  inputs: Record<string, any>;
}): string | undefined => lockScope(lock);

const covers = scopeCovers;

/** Resources whose delete is an update of the parent, not an ARM delete (the lock does not apply). */
const NOT_A_DELETE = new Set<string>([
  T.accessPolicy,
  T.blobServiceProperties,
  T.fileServiceProperties,
  T.queueServiceProperties,
  T.tableServiceProperties,
]);

function deletes(diff: DiffResult, previous: PreviousDeployment): PreviousResource[] {
  const byUrn = new Map(previous.resources.map((r) => [r.urn, r]));
  return diff.steps
    .filter((s) => s.op === "delete")
    .map((s) => byUrn.get(s.urn))
    .filter((r): r is PreviousResource => r !== undefined);
}

/** The ScopeLocked errors of this run's deletes under a lock that stays. */
export function lockedDeletes(
  diff: DiffResult,
  current: readonly RecordedResource[],
  previous: PreviousDeployment,
): ArmError[] {
  const kept = current.filter((r) => LOCK_TYPES.includes(r.type));
  const errors: ArmError[] = [];
  for (const r of deletes(diff, previous)) {
    if (LOCK_TYPES.includes(r.type) || NOT_A_DELETE.has(r.type)) continue;
    // A private endpoint's delete also deletes its connection on each target resource.
    const targets =
      r.type === T.privateEndpoint
        ? connectionsOf(r)
            .map((c) => c.privateLinkServiceId)
            .filter((id): id is string => typeof id === "string")
            .map(
              (id) =>
                `${trim(id)}/privateendpointconnectionproxies/${lc(r.inputs.privateEndpointName ?? short(r.urn))}`,
            )
        : [previousArmId(r)].filter((id): id is string => id !== undefined);
    for (const id of targets) {
      const lock = kept.find((l) => {
        const scope = scopeOf(l);
        return scope !== undefined && covers(scope, id);
      });
      if (!lock) continue;
      errors.push(
        new ArmError(
          "ScopeLocked",
          `The scope '${id}' cannot perform delete operation because following scope(s) are locked: '${scopeOf(lock)}'. Please remove the lock and try again. (Deleting ${r.type.split(":").pop()} ${short(r.urn)} while lock ${String(lock.inputs.lockName ?? lock.name)} (${String(lock.inputs.level)}) stays.) Fix: remove the lock in an earlier pulumi up (lock: None, or decommission the team first), then delete the resource.`,
          "lock-scope-locked-delete",
          { urn: r.urn, type: r.type, name: short(r.urn) },
          id,
        ),
      );
      break;
    }
  }
  return errors;
}

/** The resource (vault, account, service) a removed guardrail protected, for messages. */
function what(id: unknown): string {
  const text = typeof id === "string" ? id : "";
  const m =
    /\/providers\/Microsoft\.(KeyVault\/vaults|Storage\/storageAccounts)\/([^/]+)(\/(\w+)Services\/default)?/i.exec(
      text,
    );
  if (!m) return text || "(unknown resource)";
  const kind = /keyvault/i.test(m[1]) ? "vault" : "storage account";
  return `${kind} ${m[2]}${m[4] ? ` (${m[4]} service)` : ""}`;
}

const stays = (id: unknown, current: readonly RecordedResource[]): boolean => {
  const target =
    typeof id === "string"
      ? trim(id).replace(/\/(blob|file|queue|table)services\/default$/, "")
      : "";
  return current.some((r) => r.id !== undefined && trim(r.id) === target);
};

/** The guardrail findings of a `--previous` comparison. */
export function guardrailFindings(
  diff: DiffResult,
  current: readonly RecordedResource[],
  previous: PreviousDeployment,
): GuardrailFinding[] {
  const out: GuardrailFinding[] = [];
  for (const r of deletes(diff, previous)) {
    if (LOCK_TYPES.includes(r.type)) {
      const scope: unknown = typeof r.inputs.scope === "string" ? r.inputs.scope : lockScope(r);
      out.push({
        kind: "lock-removed",
        urn: r.urn,
        type: r.type,
        message: `lock ${String(r.inputs.lockName ?? short(r.urn))} (${String(r.inputs.level ?? "?")}) on ${what(scope)} is removed${stays(scope, current) ? ": the resource stays and can now be deleted outside Pulumi (portal, CLI)" : " together with the resource it protected"}.`,
      });
    } else if (r.type === T.privateEndpoint) {
      const connections: { privateLinkServiceId?: unknown; groupIds?: unknown }[] =
        connectionsOf(r);
      for (const c of connections.length ? connections : [{}]) {
        const groups = Array.isArray(c.groupIds) ? c.groupIds.join(", ") : "?";
        out.push({
          kind: "private-endpoint-removed",
          urn: r.urn,
          type: r.type,
          message: `private endpoint ${String(r.inputs.privateEndpointName ?? short(r.urn))} (group ${groups}) to ${what(c.privateLinkServiceId)} is removed${stays(c.privateLinkServiceId, current) ? ": workloads in its virtual network lose their private path, and a resource with public network access disabled becomes unreachable for them" : " together with its target"}.`,
        });
      }
    } else if (r.type === T.diagnosticSetting) {
      const logs = entries(r.inputs.logs)
        .map((l) => l.category ?? l.categoryGroup)
        .filter((c): c is string => typeof c === "string" && c !== "");
      out.push({
        kind: "diagnostic-setting-removed",
        urn: r.urn,
        type: r.type,
        message: `diagnostic setting ${String(r.inputs.name ?? short(r.urn))} on ${what(r.inputs.resourceUri)} is removed${stays(r.inputs.resourceUri, current) ? `: its ${logs.length ? `logs (${logs.join(", ")})` : "metrics"} stop reaching ${String(r.inputs.workspaceId ?? r.inputs.storageAccountId ?? r.inputs.eventHubAuthorizationRuleId ?? "their destination")}` : " together with the resource it monitored"}.`,
      });
    }
  }
  // Blob protection turned off on a blob service that stays.
  const prevByUrn = new Map(previous.resources.map((r) => [r.urn, r]));
  const stepOf = new Map(diff.steps.filter((s) => s.op !== "delete").map((s) => [s.urn, s]));
  for (const r of current) {
    if (r.type !== T.blobServiceProperties) continue;
    const step: Step | undefined = stepOf.get(r.urn);
    const prev = step ? prevByUrn.get(step.previousUrn ?? step.urn) : undefined;
    if (!prev) continue;
    const off = [
      ["blob versioning", (i: Record<string, any>) => i.isVersioningEnabled === true],
      ["blob soft delete", (i: Record<string, any>) => i.deleteRetentionPolicy?.enabled === true],
      [
        "container soft delete",
        (i: Record<string, any>) => i.containerDeleteRetentionPolicy?.enabled === true,
      ],
    ] as const;
    const turnedOff = off.filter(([, on]) => on(prev.inputs) && !on(r.inputs)).map(([n]) => n);
    if (turnedOff.length === 0) continue;
    out.push({
      kind: "blob-protection-off",
      urn: r.urn,
      type: r.type,
      message: `${turnedOff.join(", ")} ${turnedOff.length > 1 ? "are" : "is"} turned off for storage account ${String(r.inputs.accountName ?? "?")}: ${turnedOff.includes("blob versioning") ? "overwritten and deleted blobs keep no previous version from now on" : "deleted data is no longer kept recoverable"} (existing versions and soft-deleted items stay until they expire).`,
    });
  }
  return out;
}

/** Source of the ScopeLocked rule (docs/offline-preview.md). */
export const LOCKED_DELETE_SOURCE = LOCK_SOURCES.scopeLocked;
