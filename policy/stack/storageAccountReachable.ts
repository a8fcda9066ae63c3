import { type StackValidationPolicy } from "@pulumi/policy";
import { GUARDRAIL_URLS, GuardrailIndex, nameOf } from "../lib/guardrails";
import { arr, ciEquals, obj } from "../lib/text";

/**
 * Guardrail (stack; advisory, mandatory in staging and prod): every storage account can be reached by the workloads
 * that use it. An account is reachable through a private endpoint, through its firewall (IP or virtual-network rules
 * while public network access is on), or because it is deliberately public (`publicNetworkAccess: "Enabled"` and the
 * firewall allowing by default). Public network access Disabled, or a Deny firewall with no rules, without a private
 * endpoint leaves only trusted Azure services: no application can read the data. `SecuredByPerimeter` is not judged:
 * inbound access then follows the network security perimeter's access rules, which the stack cannot see (a policy has
 * one enforcement level, so it cannot report "cannot verify" apart); the preview's security summary names it instead.
 */
export const storageAccountReachable: StackValidationPolicy = {
  name: "storage-account-reachable",
  description:
    "Storage accounts should be reachable: through a private endpoint, a firewall rule, or deliberately public.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    'Add a private endpoint for the services the workloads use (network.PrivateEndpoint with groupIds ["blob"], …), or allow their networks through the firewall (networkRuleSet.ipRules / virtualNetworkRules), or set publicNetworkAccess: "Enabled" with defaultAction Allow on purpose.',
  url: GUARDRAIL_URLS.storageNetwork,
  validateStack: (args, reportViolation) => {
    const index = new GuardrailIndex(args.resources);
    for (const account of index.accounts) {
      const endpoints = index.endpointsTo(account);
      if (endpoints.length > 0) continue;
      const pna: unknown = account.props?.["publicNetworkAccess"];
      const rules = obj(account.props?.["networkRuleSet"]);
      const deny = ciEquals(rules?.["defaultAction"], "deny");
      const ruleCount = arr(rules?.["ipRules"]).length + arr(rules?.["virtualNetworkRules"]).length;
      let why: string | undefined;
      // The perimeter's access rules decide; the stack cannot see them (learn.microsoft.com private-link/network-security-perimeter-concepts).
      if (ciEquals(pna, "securedbyperimeter")) continue;
      if (ciEquals(pna, "disabled")) {
        why = `publicNetworkAccess is ${JSON.stringify(pna)} and no private endpoint connects to it`;
      } else if (deny && ruleCount === 0) {
        why =
          "its firewall denies by default (networkRuleSet.defaultAction Deny) with no IP or virtual-network rule, and no private endpoint connects to it";
      }
      if (why === undefined) continue;
      reportViolation(
        `Storage account ${JSON.stringify(nameOf(account))} is unreachable: ${why}; only trusted Azure services get through (bypass ${JSON.stringify(rules?.["bypass"] ?? "AzureServices")}), no application can read or write its data.`,
        account.urn,
      );
    }
  },
};
