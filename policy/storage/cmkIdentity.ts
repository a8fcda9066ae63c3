import * as storage from "@pulumi/azure-native/storage";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { arr, ciEquals, lower, normaliseId, str } from "../lib/text";

export interface StorageCmkIdentityConfig {
  allowCrossTenant?: boolean;
}

/**
 * Rule 5c: a CMK account uses a user-assigned identity for encryption: `identity.type` includes
 * `UserAssigned`, `encryption.encryptionIdentity.encryptionUserAssignedIdentity` is set and is one
 * of `identity.userAssignedIdentities` (an array of ids in inputs; a map keyed by id in outputs),
 * and `encryptionFederatedIdentityClientId` (cross-tenant CMK) is only set when `allowCrossTenant`.
 * Non-CMK accounts pass (see `storage-cmk-enabled`).
 */
export const storageCmkIdentity: ResourceValidationPolicy = {
  name: "storage-cmk-identity",
  description:
    "CMK storage accounts must encrypt with their own user-assigned identity; cross-tenant keys only when allowed.",
  configSchema: {
    properties: {
      allowCrossTenant: {
        type: "boolean",
        default: false,
        description:
          "Allow encryption.encryptionIdentity.encryptionFederatedIdentityClientId (cross-tenant CMK).",
      },
    },
  },
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Set `identity: { type: "UserAssigned", userAssignedIdentities: [uai.id] }` and `encryption.encryptionIdentity.encryptionUserAssignedIdentity: uai.id`.',
  url: URLS.storageCmk,
  validateResource: validateResourceOfType(
    storage.StorageAccount,
    (account, args, reportViolation) => {
      const { allowCrossTenant = false } = args.getConfig<StorageCmkIdentityConfig>();
      const enc = account.encryption;
      if (!ciEquals(enc?.keySource, "Microsoft.Keyvault")) {
        return;
      }
      const type = lower(account.identity?.type);
      if (type === undefined || !type.split(",").some((t) => t.trim() === "userassigned")) {
        reportViolation(
          `identity.type is ${JSON.stringify(account.identity?.type ?? null)}; it must include "UserAssigned".`,
        );
      }
      const encryptionIdentity = str(enc?.encryptionIdentity?.encryptionUserAssignedIdentity);
      if (encryptionIdentity === undefined) {
        reportViolation("encryption.encryptionIdentity.encryptionUserAssignedIdentity is not set.");
      } else {
        const raw: unknown = account.identity?.userAssignedIdentities;
        const ids = Array.isArray(raw) ? arr(raw) : Object.keys((raw as object | undefined) ?? {});
        if (!ids.some((id) => normaliseId(id) === normaliseId(encryptionIdentity))) {
          reportViolation(
            `encryption.encryptionIdentity.encryptionUserAssignedIdentity "${encryptionIdentity}" is not one of identity.userAssignedIdentities.`,
          );
        }
      }
      const federated = str(enc?.encryptionIdentity?.encryptionFederatedIdentityClientId);
      if (federated !== undefined && !allowCrossTenant) {
        reportViolation(
          `encryption.encryptionIdentity.encryptionFederatedIdentityClientId is set ("${federated}") but cross-tenant keys are not allowed (allowCrossTenant: false).`,
        );
      }
    },
  ),
};
