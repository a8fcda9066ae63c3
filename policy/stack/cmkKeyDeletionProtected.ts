import { StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { StackGraph } from "../lib/graph";

/**
 * Rule 14 (stack; advisory, mandatory in prod): the key behind every CMK has the `protect` resource
 * option, so `pulumi destroy` or a refactor cannot delete it (deleting it makes every account
 * encrypted with it unreadable). `retainOnDelete` is not visible to policies (PolicyResourceOptions
 * carries `protect` but not `retainOnDelete`), so only `protect` is checked.
 */
export const cmkKeyDeletionProtected: StackValidationPolicy = {
  name: "cmk-key-deletion-protected",
  description: "The key behind every customer-managed key should be protected against deletion.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps: "Create the key with the `protect: true` resource option (ManagedKeyRotation does this by default) and `retainOnDelete: true`.",
  url: URLS.pulumiProtect,
  validateStack: (args, reportViolation) => {
    const graph = new StackGraph(args.resources);
    const reported = new Set<string>();
    for (const account of graph.cmkAccounts()) {
      const { key } = graph.resolveCmk(account);
      if (key === undefined || key.opts?.protect === true || reported.has(key.urn)) {
        continue;
      }
      reported.add(key.urn);
      reportViolation(
        `Key "${key.name}" encrypts storage account "${account.name}" but is not protected (protect: false); deleting it makes the account's data unreadable.`,
        key.urn,
      );
    }
  },
};
