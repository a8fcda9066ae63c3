import { type StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { StackGraph, readProp } from "../lib/graph";
import { accountList, obj } from "../lib/text";

/**
 * Rule (stack, advisory): names every storage account whose customer-managed key is disabled
 * (`attributes.enabled: false`). A disabled key permits no wrapKey/unwrapKey
 * (learn.microsoft.com key-vault/keys/about-keys-details#key-attributes): the accounts answer HTTP 403 until it is
 * enabled again, and a new account cannot be created with it. That is also the documented revocation switch
 * (`ManagedKeyRotation` `enabled: false`), so this is advisory: it makes the effect visible, it does not block it.
 */
export const cmkKeyDisabled: StackValidationPolicy = {
  name: "cmk-key-disabled",
  description:
    "Reports customer-managed keys that are disabled, naming the storage accounts that cannot read or write their data until the key is enabled again.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    "If the revocation is deliberate, nothing to fix. Otherwise set the key's properties.attributes.enabled to true (ManagedKeyRotation enabled: true, cmk-storage:keyEnabled: true).",
  url: URLS.storageCmkOverview,
  validateStack: (args, reportViolation) => {
    const graph = new StackGraph(args.resources);
    for (const [key, accounts] of graph.cmkAccountsBy("key")) {
      if (obj(readProp(key, "attributes"))?.["enabled"] === false) {
        reportViolation(
          `Key "${key.name}" is disabled: ${accountList(accounts.map((a) => a.name))} cannot read or write data (HTTP 403) until it is enabled again, and no new account can be created with it.`,
          key.urn,
        );
      }
    }
  },
};
