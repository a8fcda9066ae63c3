import { type StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { StackGraph, keyStoreLabel } from "../lib/graph";
import { normaliseLocation } from "../lib/text";

/**
 * Rule 9 (stack): every CMK storage account is in the same region as the vault holding its key
 * (locations normalised: "West Europe" = "westeurope"). Azure allows cross-region keys; this is an
 * organisational rule (residency, blast radius, latency). Accounts whose vault is outside the stack
 * or has no location are skipped here and reported by `cmk-references-resolvable`.
 */
export const cmkRegionColocation: StackValidationPolicy = {
  name: "cmk-region-colocation",
  description:
    "CMK-encrypted storage accounts must be in the same region as the Key Vault holding their key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Create the storage account in the vault's region, or use a vault (and key) in the account's region.",
  url: URLS.storageCmkOverview,
  validateStack: (args, reportViolation) => {
    const graph = new StackGraph(args.resources);
    for (const account of graph.cmkAccounts()) {
      const { vault } = graph.resolveCmk(account);
      if (vault === undefined) {
        continue;
      }
      const accountLocation = normaliseLocation(account.props?.["location"]);
      const vaultLocation = normaliseLocation(vault.props?.["location"]);
      if (accountLocation === undefined || vaultLocation === undefined) {
        continue;
      }
      if (accountLocation !== vaultLocation) {
        reportViolation(
          `Storage account "${account.name}" is in "${accountLocation}" but ${keyStoreLabel(vault)} "${vault.name}" holding its key is in "${vaultLocation}"; they must be in the same region.`,
          account.urn,
        );
      }
    }
  },
};
