/**
 * Diagnostic settings (`monitor.DiagnosticSetting`, an extension resource `<resourceUri>/providers/
 * Microsoft.Insights/diagnosticSettings/<name>`) as Azure Monitor checks them: the log categories, category groups and
 * metric categories the monitored resource type emits, at least one destination, at most five settings per resource,
 * and one destination never used twice for the same category of the same resource.
 */
import { T, type ArmRule, type PendingResource } from "../armTypes";
import type { RecordedResource } from "../recorder";
import { physicalName } from "../armState";
import { indexOf } from "../simulatedAzure";
import { lc } from "../text";
import { entries } from "./listEntries";

export { entries };

/** A value as text for a message (strings as they are, anything else as JSON). */
const txt = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

const SOURCES = {
  categories:
    "learn.microsoft.com azure/key-vault/general/monitor-key-vault-reference (logs AuditEvent, AzurePolicyEvaluationDetails; category groups audit, allLogs; metrics AllMetrics); learn.microsoft.com azure/storage/blobs/monitor-blob-storage-reference and storage/common/monitor-storage-reference (a storage account emits metrics only, Transaction and Capacity; blobServices/fileServices/queueServices/tableServices emit StorageRead, StorageWrite, StorageDelete, groups audit and allLogs); hashicorp/terraform-provider-azurerm#2985 and Azure/azure-powershell#9863 (BadRequest \"Category 'X' is not supported.\"); AllMetrics accepted everywhere as Azure Verified Modules' default metric category",
  destination:
    "learn.microsoft.com azure-monitor/essentials/diagnostic-settings (a setting sends to at least one destination: Log Analytics workspace, storage account, Event Hubs or a partner solution); the exact code and message are unconfirmed (BadRequest assumed)",
  limit:
    'learn.microsoft.com azure-monitor/essentials/diagnostic-settings ("Each resource can have up to five diagnostic settings"), a hard limit (MicrosoftDocs/azure-docs#120930); the error code is unconfirmed (BadRequest assumed)',
  sink: "Azure/bicep-registry-modules#3407 (Conflict: \"Data sink '<workspace>' is already used in diagnostic setting '<name>' for category '<category>' for this resource. Data sinks can't be reused in different settings on the same category for the same resource.\")",
  name: "pulumi-azure-native provider/pkg/provider (before a PUT, Create reads the resource and fails with \"cannot create already existing resource '<id>'\": two settings of one name on one resource are one ARM resource); the code shown is the preview's, not ARM's",
} as const;

interface Categories {
  logs: readonly string[];
  groups: readonly string[];
  metrics: readonly string[];
}

const SERVICE: Categories = {
  logs: ["StorageRead", "StorageWrite", "StorageDelete"],
  groups: ["audit", "allLogs"],
  metrics: ["Transaction", "Capacity", "AllMetrics"],
};

/** What each monitored resource type emits, by the tail of its ARM id. */
export function categoriesOf(resourceUri: unknown): { kind: string; c: Categories } | undefined {
  const id = lc(resourceUri).replace(/\/+$/, "");
  if (/\/providers\/microsoft\.keyvault\/vaults\/[^/]+$/.test(id)) {
    return {
      kind: "Microsoft.KeyVault/vaults",
      c: {
        logs: ["AuditEvent", "AzurePolicyEvaluationDetails"],
        groups: ["audit", "allLogs"],
        metrics: ["AllMetrics"],
      },
    };
  }
  if (/\/providers\/microsoft\.storage\/storageaccounts\/[^/]+$/.test(id)) {
    return {
      kind: "Microsoft.Storage/storageAccounts",
      c: { logs: [], groups: [], metrics: ["Transaction", "Capacity", "AllMetrics"] },
    };
  }
  const service =
    /\/providers\/microsoft\.storage\/storageaccounts\/[^/]+\/(blob|file|queue|table)services\/default$/.exec(
      id,
    );
  if (service) {
    return { kind: `Microsoft.Storage/storageAccounts/${service[1]}Services`, c: SERVICE };
  }
  return undefined;
}

/** The setting's name (explicit `name`, else azure-native's auto-name). */
export function settingName(r: {
  type: string;
  name: string;
  inputs: Record<string, any>;
}): string {
  return String(r.inputs.name ?? physicalName(r.type, r.name, r.inputs));
}

/** Destination ids of a setting (workspace, storage account, Event Hubs rule, partner), lowercase. */
export function destinationsOf(inputs: Record<string, any>): string[] {
  return ["workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId"]
    .map((k) => inputs[k])
    .filter((v): v is string => typeof v === "string" && v.length > 0)
    .map(lc);
}

/** The enabled log categories (groups expanded) and metric categories a setting sends. */
export function sentCategories(inputs: Record<string, any>, c: Categories): string[] {
  const out: string[] = [];
  for (const e of entries(inputs.logs)) {
    if (e.enabled === false) continue;
    if (typeof e.category === "string") out.push(e.category);
    else if (typeof e.categoryGroup === "string") out.push(...c.logs);
  }
  for (const e of entries(inputs.metrics)) {
    if (e.enabled !== false && typeof e.category === "string") out.push(e.category);
  }
  return [...new Set(out.map(lc))];
}

const uriKey = (v: unknown): string => lc(v).replace(/\/+$/, "");

/**
 * The created diagnostic settings by monitored resource, kept in step with the index's append-only list of settings
 * (one pass over new entries per check), so a stack with thousands of settings is not scanned once per setting.
 */
const settingsByUri = new WeakMap<
  readonly RecordedResource[],
  { seen: number; byUri: Map<string, RecordedResource[]> }
>();

function settingsByResource(list: readonly RecordedResource[]): Map<string, RecordedResource[]> {
  let c = settingsByUri.get(list);
  if (!c || c.seen > list.length) {
    c = { seen: 0, byUri: new Map() };
    settingsByUri.set(list, c);
  }
  for (; c.seen < list.length; c.seen++) {
    const r = list[c.seen];
    const k = uriKey(r.inputs.resourceUri);
    const on = c.byUri.get(k);
    if (on) on.push(r);
    else c.byUri.set(k, [r]);
  }
  return c.byUri;
}

/** Other created diagnostic settings on the same resource. */
const settingsOn = (p: PendingResource, s: Parameters<ArmRule["check"]>[1]): RecordedResource[] =>
  (
    settingsByResource(indexOf(s).byType.get(T.diagnosticSetting) ?? []).get(
      uriKey(p.inputs.resourceUri),
    ) ?? []
  ).filter((r) => r.urn !== p.urn);

export const DIAGNOSTIC_RULES: readonly ArmRule[] = [
  {
    id: "diagnostic-category-unsupported",
    code: "BadRequest",
    types: [T.diagnosticSetting],
    title:
      "Diagnostic setting with a log category, category group or metric category the resource type does not emit (a storage account has no logs; its services have StorageRead/Write/Delete)",
    source: SOURCES.categories,
    check(p) {
      const known = categoriesOf(p.inputs.resourceUri);
      if (!known) return undefined;
      const { kind, c } = known;
      const has = (list: readonly string[], v: unknown): boolean =>
        typeof v === "string" && list.map(lc).includes(lc(v));
      for (const e of entries(p.inputs.logs)) {
        const bad =
          e.category !== undefined && !has(c.logs, e.category)
            ? e.category
            : e.categoryGroup !== undefined && !has(c.groups, e.categoryGroup)
              ? e.categoryGroup
              : undefined;
        if (bad === undefined) continue;
        const offered = c.logs.length
          ? `log categories ${c.logs.join(", ")} (groups ${c.groups.join(", ")})`
          : "no log categories at all (its logs come from blobServices/default, fileServices/default, queueServices/default and tableServices/default)";
        return `Category '${txt(bad)}' is not supported. ${kind} emits ${offered}. Fix: ${c.logs.length ? `use one of ${c.logs.join(", ")}` : "remove logs from this setting and put a setting with StorageRead, StorageWrite and StorageDelete on each service"}.`;
      }
      for (const e of entries(p.inputs.metrics)) {
        if (e.category === undefined || has(c.metrics, e.category)) continue;
        return `Category '${txt(e.category)}' is not supported. ${kind} emits the metric categories ${c.metrics.join(", ")}. Fix: use one of them.`;
      }
      return undefined;
    },
  },
  {
    id: "diagnostic-destination-missing",
    code: "BadRequest",
    types: [T.diagnosticSetting],
    title:
      "Diagnostic setting without a destination (workspaceId, storageAccountId, eventHubAuthorizationRuleId or marketplacePartnerId)",
    source: SOURCES.destination,
    check(p) {
      return destinationsOf(p.inputs).length > 0
        ? undefined
        : `Diagnostic setting '${settingName(p)}' on ${String(p.inputs.resourceUri)} has no destination. Fix: set workspaceId (a Log Analytics workspace), storageAccountId or eventHubAuthorizationRuleId.`;
    },
  },
  {
    id: "diagnostic-setting-name-taken",
    code: "AlreadyExists",
    types: [T.diagnosticSetting],
    title:
      "Two diagnostic settings with the same name on one resource (the same ARM resource: the second create finds the first)",
    source: SOURCES.name,
    check(p, s) {
      const twin = settingsOn(p, s).find((r) => lc(settingName(r)) === lc(settingName(p)));
      return twin === undefined
        ? undefined
        : `cannot create already existing resource '${String(p.inputs.resourceUri)}/providers/Microsoft.Insights/diagnosticSettings/${settingName(p)}': ${twin.name} already creates a diagnostic setting of that name on this resource. Fix: give each setting on a resource its own name.`;
    },
  },
  {
    id: "diagnostic-settings-limit",
    code: "BadRequest",
    types: [T.diagnosticSetting],
    title: "A sixth diagnostic setting on one resource (at most five per resource)",
    source: SOURCES.limit,
    check(p, s) {
      const others = settingsOn(p, s).filter((r) => lc(settingName(r)) !== lc(settingName(p)));
      return others.length < 5
        ? undefined
        : `Resource ${String(p.inputs.resourceUri)} already has ${others.length} diagnostic settings (${others.map(settingName).join(", ")}); at most 5 are allowed per resource. Fix: send more categories or destinations through an existing setting (one setting holds one workspace, one storage account and one event hub).`;
    },
  },
  {
    id: "diagnostic-data-sink-reused",
    code: "Conflict",
    types: [T.diagnosticSetting],
    title:
      "Two diagnostic settings on one resource sending the same category to the same destination",
    source: SOURCES.sink,
    check(p, s) {
      const known = categoriesOf(p.inputs.resourceUri);
      const c = known?.c ?? { logs: [], groups: [], metrics: [] };
      const mine = sentCategories(p.inputs, c);
      const sinks = destinationsOf(p.inputs);
      for (const other of settingsOn(p, s)) {
        if (lc(settingName(other)) === lc(settingName(p))) continue;
        const sink = destinationsOf(other.inputs).find((d) => sinks.includes(d));
        const category = sentCategories(other.inputs, c).find((x) => mine.includes(x));
        if (sink === undefined || category === undefined) continue;
        return `Data sink '${sink}' is already used in diagnostic setting '${settingName(other)}' for category '${category}' for this resource. Data sinks can't be reused in different settings on the same category for the same resource. Fix: put both in one setting, or send the second setting elsewhere.`;
      }
      return undefined;
    },
  },
];
