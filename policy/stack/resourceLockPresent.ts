import { type StackValidationPolicy } from "@pulumi/policy";
import { GUARDRAIL_URLS, GuardrailIndex, nameOf } from "../lib/guardrails";
import { ciEquals } from "../lib/text";

/**
 * Guardrail (stack; advisory, mandatory in prod): every vault and storage account carries an Azure delete lock
 * (CanNotDelete, or ReadOnly, on the resource or a scope above it), so a portal or CLI delete cannot bypass Pulumi's
 * `protect`.
 */
export const resourceLockPresent: StackValidationPolicy = {
  name: "resource-lock-present",
  description: "Key Vaults and storage accounts should carry a CanNotDelete resource lock.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Add an authorization.ManagementLockByScope with level CanNotDelete and the resource's id as scope (the components' `lock` argument); remove it first when the resource is to be deleted.",
  url: GUARDRAIL_URLS.locks,
  validateStack: (args, reportViolation) => {
    const index = new GuardrailIndex(args.resources);
    for (const r of [...index.vaults, ...index.accounts]) {
      const locked = index
        .locksOn(r)
        .some(
          (l) =>
            ciEquals(l.props?.["level"], "CanNotDelete") ||
            ciEquals(l.props?.["level"], "ReadOnly"),
        );
      if (locked) continue;
      reportViolation(
        `${r.type.endsWith("Vault") ? "Key vault" : "Storage account"} ${JSON.stringify(nameOf(r))} has no CanNotDelete lock: anyone with delete rights can remove it outside Pulumi.`,
        r.urn,
      );
    }
  },
};
