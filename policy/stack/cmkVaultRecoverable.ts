import { type StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { StackGraph, keyStoreLabel, readProp } from "../lib/graph";
import { accountList } from "../lib/text";

/**
 * Rule 12 (stack): the vault behind every CMK has soft delete (`enableSoftDelete` not false) and
 * purge protection (`enablePurgeProtection === true`), which Azure requires for storage CMK and
 * otherwise rejects only late, when the account's encryption is configured. One finding per vault, on the
 * vault, naming every account whose key it holds.
 */
export const cmkVaultRecoverable: StackValidationPolicy = {
  name: "cmk-vault-recoverable",
  description:
    "The Key Vault behind every customer-managed key must have soft delete and purge protection enabled.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Enable `properties.enablePurgeProtection: true` (and keep soft delete on) on the vault holding the storage account's key.",
  url: URLS.storageCmk,
  validateStack: (args, reportViolation) => {
    const graph = new StackGraph(args.resources);
    for (const [vault, accounts] of graph.cmkAccountsBy("vault")) {
      const problems: string[] = [];
      if (readProp(vault, "enableSoftDelete") === false) {
        problems.push("soft delete is disabled");
      }
      if (readProp(vault, "enablePurgeProtection") !== true) {
        problems.push("purge protection is not enabled");
      }
      if (problems.length > 0) {
        reportViolation(
          `${keyStoreLabel(vault) === "key vault" ? "Key vault" : "Managed HSM"} "${vault.name}" holding the key of ${accountList(accounts.map((a) => a.name))} is not recoverable: ${problems.join(" and ")}.`,
          vault.urn,
        );
      }
    }
  },
};
