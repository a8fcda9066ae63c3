import { type StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { StackGraph } from "../lib/graph";
import { arr, lower, obj } from "../lib/text";

/**
 * Rule 3 (stack): a vault's access policies are managed one way only. A vault with inline
 * `properties.accessPolicies` must not also be the target of standalone `keyvault.AccessPolicy`
 * resources: each update of one overwrites the other.
 *
 * Stack policies see OUTPUTS, and after a refresh a vault's outputs also list the entries that
 * standalone resources created. So an inline entry whose `objectId` matches a standalone
 * AccessPolicy of the same vault is treated as that resource's reflection; the vault violates only
 * when it also has inline entries no standalone resource accounts for.
 */
export const accessPolicySingleSource: StackValidationPolicy = {
  name: "kv-access-policy-single-source",
  description:
    "A Key Vault's access policies must be managed either inline or by standalone AccessPolicy resources, not both.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Move every access-policy entry of the vault to standalone `keyvault.AccessPolicy` resources (or all of them inline); never mix the two on one vault.",
  url: URLS.kvAccessPolicy,
  validateStack: (args, reportViolation) => {
    const graph = new StackGraph(args.resources);
    if (graph.accessPolicies.length === 0) {
      return;
    }
    for (const vault of graph.vaults) {
      const standalone = graph.accessPoliciesOf(vault);
      if (standalone.length === 0) {
        continue;
      }
      const inline = arr(obj(vault.props?.["properties"])?.["accessPolicies"]);
      if (inline.length === 0) {
        continue;
      }
      const managed = new Set<string>();
      for (const ap of standalone) {
        const objectId = lower(obj(ap.props?.["policy"])?.["objectId"]);
        if (objectId !== undefined) {
          managed.add(objectId);
        }
      }
      const unmanaged = inline.filter((e) => !managed.has(lower(obj(e)?.["objectId"]) ?? ""));
      if (unmanaged.length > 0) {
        const names = standalone.map((ap) => `"${ap.name}"`).join(", ");
        reportViolation(
          `Vault "${vault.name}" has ${unmanaged.length} inline access polic${unmanaged.length === 1 ? "y" : "ies"} and is also the target of standalone AccessPolicy resource(s) ${names}; they overwrite each other. Manage the vault's access policies one way only.`,
          vault.urn,
        );
      }
    }
  },
};
