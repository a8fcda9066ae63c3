import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { ciEquals } from "../lib/text";

/**
 * Rule 7a (advisory): public network access is disabled or the firewall denies by default. The SDK
 * sends `publicNetworkAccess: "enabled"` when unset; absent `networkAcls` means "allow all".
 */
export const vaultNetworkRestricted: ResourceValidationPolicy = {
  name: "kv-network-restricted",
  description:
    "Key Vaults should disable public network access or deny network traffic by default.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    'Set `properties.publicNetworkAccess: "Disabled"` (private endpoints only) or `properties.networkAcls: { defaultAction: "Deny", bypass: "AzureServices" }` with IP/VNet allow-lists.',
  url: URLS.azPolicy("55615ac9-af46-4a59-874e-391cc3dfb490"),
  validateResource: validateResourceOfType(keyvault.Vault, (vault, _args, reportViolation) => {
    const p = vault.properties;
    if (
      ciEquals(p?.publicNetworkAccess, "disabled") ||
      ciEquals(p?.networkAcls?.defaultAction, "deny")
    ) {
      return;
    }
    reportViolation(
      `properties.publicNetworkAccess is ${JSON.stringify(p?.publicNetworkAccess ?? null)} and properties.networkAcls.defaultAction is ${JSON.stringify(p?.networkAcls?.defaultAction ?? null)}; disable public network access or set the firewall's defaultAction to "Deny".`,
    );
  }),
};
