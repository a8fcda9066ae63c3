import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { ciEquals } from "../lib/text";

/**
 * Rule 1a: Key Vault soft delete stays on. `enableSoftDelete: false` is a violation; absent counts
 * as on (the SDK sends `true` by default and Azure no longer allows turning it off). A vault created
 * with `createMode: "recover"` inherits the deleted vault's settings and is skipped.
 */
export const vaultSoftDelete: ResourceValidationPolicy = {
  name: "kv-soft-delete-enabled",
  description: "Key Vaults must have soft delete enabled.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Remove `properties.enableSoftDelete: false` from the vault (or set it to true).",
  url: URLS.azPolicy("1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d"),
  validateResource: validateResourceOfType(keyvault.Vault, (vault, _args, reportViolation) => {
    const p = vault.properties;
    if (ciEquals(p?.createMode, "recover")) {
      return;
    }
    if (p?.enableSoftDelete === false) {
      reportViolation("properties.enableSoftDelete is false; soft delete must stay enabled.");
    }
  }),
};
