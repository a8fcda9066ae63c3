import { type StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { StackGraph } from "../lib/graph";
import { accountList } from "../lib/text";

/**
 * Rule 14 (stack; advisory, mandatory in prod): the key behind every CMK has the `protect` resource
 * option, so `pulumi destroy` or a refactor cannot delete it (deleting it makes every account
 * encrypted with it unreadable). `retainOnDelete` is not visible to policies (PolicyResourceOptions
 * carries `protect` but not `retainOnDelete`), so only `protect` is checked. One finding per key, naming
 * every account it encrypts.
 */
export const cmkKeyDeletionProtected: StackValidationPolicy = {
  name: "cmk-key-deletion-protected",
  description: "The key behind every customer-managed key should be protected against deletion.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    "Create the key with the `protect: true` resource option (ManagedKeyRotation does this by default) and `retainOnDelete: true`.",
  url: URLS.pulumiProtect,
  validateStack: (args, reportViolation) => {
    const graph = new StackGraph(args.resources);
    for (const [key, accounts] of graph.cmkAccountsBy("key")) {
      if (key.opts?.protect === true) {
        continue;
      }
      reportViolation(
        `Key "${key.name}" encrypts ${accountList(accounts.map((a) => a.name))} but is not protected (protect: false); deleting it makes the encrypted data unreadable.`,
        key.urn,
      );
    }
  },
};
