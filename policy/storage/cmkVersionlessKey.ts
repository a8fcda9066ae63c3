import * as storage from "@pulumi/azure-native/storage";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { ciEquals, str } from "../lib/text";

export interface StorageCmkVersionlessKeyConfig {
  allowPinnedKeyVersion?: boolean;
}

/**
 * Rule 5b: no pinned `encryption.keyVaultProperties.keyVersion` (a pinned version stops the account
 * from following key rotation) unless `allowPinnedKeyVersion` is true. Non-CMK accounts pass.
 */
export const storageCmkVersionlessKey: ResourceValidationPolicy = {
  name: "storage-cmk-versionless-key",
  description:
    "Storage accounts must reference the customer-managed key without a version so rotation takes effect.",
  configSchema: {
    properties: {
      allowPinnedKeyVersion: {
        type: "boolean",
        default: false,
        description:
          "Allow encryption.keyVaultProperties.keyVersion (disables automatic key-version updates).",
      },
    },
  },
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Remove `encryption.keyVaultProperties.keyVersion` so Azure Storage picks up new key versions automatically.",
  url: URLS.storageCmkOverview,
  validateResource: validateResourceOfType(
    storage.StorageAccount,
    (account, args, reportViolation) => {
      const { allowPinnedKeyVersion = false } = args.getConfig<StorageCmkVersionlessKeyConfig>();
      const enc = account.encryption;
      if (allowPinnedKeyVersion || !ciEquals(enc?.keySource, "Microsoft.Keyvault")) {
        return;
      }
      const version = str(enc?.keyVaultProperties?.keyVersion);
      if (version !== undefined) {
        reportViolation(
          `encryption.keyVaultProperties.keyVersion is pinned to "${version}"; remove it so the account follows key rotation.`,
        );
      }
    },
  ),
};
