import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";

/**
 * Rule 2: purge protection is explicitly `true`. Absent is a violation (the SDK has no default and
 * Azure leaves it off); Azure rejects `false`, so the only compliant value is `true`.
 */
export const vaultPurgeProtection: ResourceValidationPolicy = {
  name: "kv-purge-protection-enabled",
  description: "Key Vaults must have purge protection explicitly enabled.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set `properties.enablePurgeProtection: true` on the vault. It is irreversible and blocks the vault name for the retention period after deletion, so derive vault names with a random suffix.",
  url: URLS.azPolicy("0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"),
  validateResource: validateResourceOfType(keyvault.Vault, (vault, _args, reportViolation) => {
    const value = vault.properties?.enablePurgeProtection;
    if (value === undefined || value === null) {
      reportViolation("properties.enablePurgeProtection is not set; it must be true.");
    } else if (value !== true) {
      reportViolation(
        `properties.enablePurgeProtection is ${JSON.stringify(value)}; it must be true.`,
      );
    }
  }),
};
