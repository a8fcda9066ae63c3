import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { ciEquals } from "../lib/text";

/**
 * Rule 7b: whenever the vault's network is restricted (`networkAcls.defaultAction: "Deny"` or
 * `publicNetworkAccess: "disabled"`), `networkAcls.bypass` must be `AzureServices`; otherwise Azure
 * Storage (a trusted service) cannot reach the customer-managed key. An open vault passes.
 */
export const vaultTrustedServicesBypass: ResourceValidationPolicy = {
  name: "kv-network-trusted-services-bypass",
  description:
    "Key Vaults with a restricted network must let trusted Azure services (Azure Storage) bypass the firewall.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: 'Set `properties.networkAcls.bypass: "AzureServices"` on the vault.',
  url: URLS.kvNetwork,
  validateResource: validateResourceOfType(keyvault.Vault, (vault, _args, reportViolation) => {
    const p = vault.properties;
    const acls = p?.networkAcls;
    const denies = ciEquals(acls?.defaultAction, "deny");
    const publicDisabled = ciEquals(p?.publicNetworkAccess, "disabled");
    if (!denies && !publicDisabled) {
      return;
    }
    if (!ciEquals(acls?.bypass, "AzureServices")) {
      const why = denies
        ? 'properties.networkAcls.defaultAction is "Deny"'
        : "public network access is disabled";
      reportViolation(
        `${why} but properties.networkAcls.bypass is ${JSON.stringify(acls?.bypass ?? null)}; set it to "AzureServices" so Azure Storage can reach the key.`,
      );
    }
  }),
};
