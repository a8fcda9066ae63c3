import * as storage from "@pulumi/azure-native/storage";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { ciEquals, str } from "../lib/text";

/**
 * Rule 5a: the account is encrypted with a customer-managed key: `encryption.keySource` is
 * `Microsoft.Keyvault` (case-insensitive; the SDK default is `Microsoft.Storage`) and
 * `encryption.keyVaultProperties` names the key and the vault URI.
 */
export const storageCmkEnabled: ResourceValidationPolicy = {
  name: "storage-cmk-enabled",
  description: "Storage accounts must be encrypted with a customer-managed key in Key Vault.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Set `encryption.keySource: "Microsoft.Keyvault"` and `encryption.keyVaultProperties: { keyName, keyVaultUri }` (use CmkStorageAccount).',
  url: URLS.azPolicy("6fac406b-40ca-413b-bf8e-0bf964659c25"),
  validateResource: validateResourceOfType(
    storage.StorageAccount,
    (account, _args, reportViolation) => {
      const enc = account.encryption;
      if (!ciEquals(enc?.keySource, "Microsoft.Keyvault")) {
        reportViolation(
          `encryption.keySource is ${JSON.stringify(enc?.keySource ?? null)}; it must be "Microsoft.Keyvault".`,
        );
        return;
      }
      if (str(enc?.keyVaultProperties?.keyName) === undefined) {
        reportViolation("encryption.keyVaultProperties.keyName is not set.");
      }
      if (str(enc?.keyVaultProperties?.keyVaultUri) === undefined) {
        reportViolation("encryption.keyVaultProperties.keyVaultUri is not set.");
      }
    },
  ),
};
