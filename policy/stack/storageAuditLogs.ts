import { type StackValidationPolicy } from "@pulumi/policy";
import {
  GUARDRAIL_URLS,
  GuardrailIndex,
  hasDestination,
  logCategories,
  nameOf,
} from "../lib/guardrails";

/** The blob service's log categories every account must send (StorageRead, StorageWrite, StorageDelete). */
const NEEDED = ["storageread", "storagewrite", "storagedelete"];

/**
 * Guardrail (stack; advisory, mandatory in staging and prod): the blob service of every storage account
 * (`<account>/blobServices/default`) sends StorageRead, StorageWrite and StorageDelete (or the category group allLogs)
 * to a destination. The account itself emits metrics only; its data access is logged per service. The group `audit`
 * is not counted as covering StorageRead (which categories it holds for storage is unconfirmed).
 */
export const storageAuditLogs: StackValidationPolicy = {
  name: "storage-audit-logs-enabled",
  description:
    "Storage accounts should send their blob service's StorageRead, StorageWrite and StorageDelete logs to a destination.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    "Add a monitor.DiagnosticSetting on `<account id>/blobServices/default` with logs StorageRead, StorageWrite and StorageDelete (or categoryGroup allLogs) and a workspaceId, storageAccountId or eventHubAuthorizationRuleId.",
  url: GUARDRAIL_URLS.storageMonitoring,
  validateStack: (args, reportViolation) => {
    const index = new GuardrailIndex(args.resources);
    for (const account of index.accounts) {
      const sent = new Set(
        index
          .settingsOn(account, "/blobservices/default")
          .filter(hasDestination)
          .flatMap(logCategories)
          .flatMap((c) => (c === "alllogs" ? NEEDED : [c])),
      );
      const missing = NEEDED.filter((c) => !sent.has(c));
      if (missing.length === 0) continue;
      const names = {
        storageread: "StorageRead",
        storagewrite: "StorageWrite",
        storagedelete: "StorageDelete",
      };
      reportViolation(
        `Storage account ${JSON.stringify(nameOf(account))} does not log ${missing.map((c) => names[c as keyof typeof names]).join(", ")} of its blob service to any destination: reads, writes and deletes of its data are not recorded.`,
        account.urn,
      );
    }
  },
};
