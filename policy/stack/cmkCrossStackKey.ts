import { type PolicyResource, type StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { isoDurationDays } from "../lib/duration";
import { StackGraph, encryptionOf } from "../lib/graph";
import {
  DEFAULT_ALLOWED_KEY_TYPES,
  DEFAULT_MAX_DAYS_TO_ROTATE,
  DEFAULT_MIN_RSA_KEY_SIZE,
  checkKeyTypeAndSize,
  formatDays,
} from "../lib/keyChecks";
import {
  type ExportedKey,
  PLATFORM_STACK_TAG,
  exportedKeys,
  normaliseVaultUri,
} from "../lib/stackReferences";
import { lower, normaliseLocation, obj, str } from "../lib/text";
import { MIN_KEY_EXPIRY_DAYS } from "../lib/constants";
import { keyTypeSchema } from "../keyvault/keyTypeAndSize";
import { maxDaysToRotateSchema } from "../keyvault/keyRotationPolicy";

export interface CmkCrossStackKeyConfig {
  allowedKeyTypes?: string[];
  minRsaKeySize?: number;
  maxDaysToRotate?: number;
}

function label(k: ExportedKey): string {
  return `key "${k.id}" (${k.keyName ?? "?"}) of platform stack ${k.stack}`;
}

/** The exported key an account's encryption names (vault URI and key name), among the keys the stack references. */
function consumedKey(
  account: PolicyResource,
  keys: readonly ExportedKey[],
): { key?: ExportedKey; taggedStack?: string } {
  const enc = encryptionOf(account);
  const uri = normaliseVaultUri(enc.keyVaultUri);
  const taggedStack = str(obj(account.props?.["tags"])?.[PLATFORM_STACK_TAG]);
  const key = keys.find(
    (k) =>
      (taggedStack === undefined || k.stack === taggedStack) &&
      uri !== undefined &&
      normaliseVaultUri(k.vaultUri) === uri &&
      lower(k.keyName) === lower(enc.keyName),
  );
  return { key, ...(taggedStack !== undefined ? { taggedStack } : {}) };
}

/**
 * Rule (stack, fleet layout): a team stack's CMK storage account is checked against the key reference it consumes from
 * a platform stack, although the vault and key are in another stack. Policies see no component inputs, so the rule reads
 * what the stack can see: the `pulumi:pulumi:StackReference` resources (their `outputs.keys`, the platform's plain key
 * references) and the account's encryption (vault URI and key name) and `cmkPlatformStack` tag. It checks the region
 * (the account's against the key's vault), the tenant (the encryption identity's against the vault's), the key type
 * and size, the rotation (a rotate within `maxDaysToRotate`, an expiry of at least 28 days) and that the vault uses
 * RBAC (the only grant a team stack can make). An account tagged with a platform stack whose key it cannot find
 * there fails too.
 */
export const cmkCrossStackKey: StackValidationPolicy = {
  name: "cmk-cross-stack-key",
  description:
    "A team stack's CMK storage account must match the platform key reference it consumes: region, tenant, key type and size, rotation, RBAC vault.",
  configSchema: { properties: { ...keyTypeSchema, maxDaysToRotate: maxDaysToRotateSchema } },
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Point the team stack (cmk-storage:platformStack, cmk-storage:platformKey) at a platform stack of the team's region and tenant whose key has an allowed type, size and rotation; or fix the key in the platform stack.",
  url: URLS.storageCmkOverview,
  validateStack: (args, reportViolation) => {
    const {
      allowedKeyTypes = DEFAULT_ALLOWED_KEY_TYPES,
      minRsaKeySize = DEFAULT_MIN_RSA_KEY_SIZE,
      maxDaysToRotate = DEFAULT_MAX_DAYS_TO_ROTATE,
    } = args.getConfig<CmkCrossStackKeyConfig>();
    const keys = exportedKeys(args.resources);
    const graph = new StackGraph(args.resources);
    const matched: [PolicyResource, ExportedKey][] = [];
    // Pass 1: what is known during preview (the reference is read, the account's encryption and location are inputs).
    for (const account of graph.cmkAccounts()) {
      const { key, taggedStack } = consumedKey(account, keys);
      if (key === undefined) {
        if (taggedStack !== undefined) {
          const enc = encryptionOf(account);
          reportViolation(
            `Storage account "${account.name}" is tagged ${PLATFORM_STACK_TAG}=${taggedStack} but its key ${JSON.stringify(enc.keyName ?? null)} in vault ${JSON.stringify(enc.keyVaultUri ?? null)} is not among the keys that stack exports${keys.some((k) => k.stack === taggedStack) ? "" : " (the stack does not reference it)"}.`,
            account.urn,
          );
        }
        continue;
      }
      matched.push([account, key]);
      const accountLocation = normaliseLocation(account.props?.["location"]);
      const keyLocation = normaliseLocation(key.location);
      if (
        accountLocation !== undefined &&
        keyLocation !== undefined &&
        accountLocation !== keyLocation
      ) {
        reportViolation(
          `Storage account "${account.name}" is in "${accountLocation}" but ${label(key)} is in a vault in "${keyLocation}"; a team stack must use the platform stack of its own region.`,
          account.urn,
        );
      }
      if (key.permissionModel !== "rbac") {
        reportViolation(
          `Storage account "${account.name}" uses ${label(key)} in a vault with permission model ${JSON.stringify(key.permissionModel ?? null)}; a team stack can only be granted with a role assignment on the key, which needs an rbac vault.`,
          account.urn,
        );
      }
      for (const m of checkKeyTypeAndSize(
        { kty: key.keyType, keySize: key.keySize },
        { allowedKeyTypes, minRsaKeySize },
      )) {
        reportViolation(`Storage account "${account.name}" uses ${label(key)}: ${m}`, account.urn);
      }
      const rotate = isoDurationDays(key.rotation?.rotateAfter);
      const expires = isoDurationDays(key.rotation?.expiresAfter);
      if (rotate === undefined) {
        reportViolation(
          `Storage account "${account.name}" uses ${label(key)}, whose reference states no rotation (rotation.rotateAfter); the platform's key must rotate within ${maxDaysToRotate} days.`,
          account.urn,
        );
      } else if (rotate > maxDaysToRotate) {
        reportViolation(
          `Storage account "${account.name}" uses ${label(key)}, which rotates after ${formatDays(rotate)} days, more than the maximum of ${maxDaysToRotate}.`,
          account.urn,
        );
      }
      if (expires !== undefined && expires < MIN_KEY_EXPIRY_DAYS) {
        reportViolation(
          `Storage account "${account.name}" uses ${label(key)}, whose versions expire after ${formatDays(expires)} days, less than Key Vault's minimum of ${MIN_KEY_EXPIRY_DAYS}.`,
          account.urn,
        );
      }
    }
    // Pass 2: the encryption identity's tenant is an output, unknown during the first preview (reading it then ends the
    // run with the engine's "can't run during preview" advisory, after pass 1's findings).
    for (const [account, key] of matched) {
      const { identity } = graph.resolveCmk(account);
      const keyTenant = lower(key.tenantId);
      if (identity === undefined || keyTenant === undefined) continue;
      const identityTenant = lower(str(identity.props?.["tenantId"]));
      if (identityTenant !== undefined && identityTenant !== keyTenant) {
        reportViolation(
          `Storage account "${account.name}" has its encryption identity "${identity.name}" in tenant "${identityTenant}" but ${label(key)} is in a vault of tenant "${keyTenant}"; cross-tenant keys are not allowed.`,
          account.urn,
        );
      }
    }
  },
};
