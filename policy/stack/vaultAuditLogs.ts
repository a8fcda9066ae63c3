import { type StackValidationPolicy } from "@pulumi/policy";
import {
  GUARDRAIL_URLS,
  GuardrailIndex,
  hasDestination,
  logCategories,
  nameOf,
} from "../lib/guardrails";

/**
 * Guardrail (stack; advisory, mandatory in staging and prod): every vault sends its audit log (`AuditEvent`, or the
 * category group `audit` / `allLogs`) to a destination through a diagnostic setting, so key use (wrapKey, unwrapKey)
 * is recorded. Mirrors the Azure Security Benchmark built-in "Resource logs in Key Vault should be enabled".
 */
export const vaultAuditLogs: StackValidationPolicy = {
  name: "kv-audit-logs-enabled",
  description:
    "Key Vaults should send their AuditEvent log to a Log Analytics workspace or another destination.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    'Add a monitor.DiagnosticSetting on the vault with logs [{ category: "AuditEvent", enabled: true }] (or categoryGroup "audit") and a workspaceId, storageAccountId or eventHubAuthorizationRuleId.',
  url: GUARDRAIL_URLS.kvLogging,
  validateStack: (args, reportViolation) => {
    const index = new GuardrailIndex(args.resources);
    for (const vault of index.vaults) {
      const audited = index
        .settingsOn(vault)
        .some(
          (s) =>
            hasDestination(s) &&
            logCategories(s).some((c) => ["auditevent", "audit", "alllogs"].includes(c)),
        );
      if (audited) continue;
      reportViolation(
        `Key vault ${JSON.stringify(nameOf(vault))} has no diagnostic setting sending AuditEvent to a destination: no one can see who used its keys.`,
        vault.urn,
      );
    }
  },
};
