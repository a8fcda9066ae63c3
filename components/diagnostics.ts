import type * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { enumValues, LogAnalyticsDestinationType } from "./enums";
import {
  type ArgumentProblems,
  checkArray,
  checkEnum,
  checkString,
  type InputChecker,
  show,
} from "./validation";

/**
 * Where a component sends its resource logs and metrics: a diagnostic setting, in the shape of Azure Verified Modules'
 * `diagnosticSettings` (`diagnosticSettingFullType`) without the category lists, which the component chooses per
 * resource type (see DIAGNOSTIC_CATEGORIES). At least one destination is required.
 */
export interface DiagnosticSetting {
  /**
   * Name of the setting on each monitored resource (1-260 characters without < > * % & : \ ? / #; unique among the
   * component's settings). Default: auto-named from the component name.
   */
  name?: string;
  /**
   * ARM id of the Log Analytics workspace
   * (`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>`). Default:
   * none.
   */
  workspaceResourceId?: pulumi.Input<string>;
  /**
   * ARM id of a storage account for archived logs (`…/providers/Microsoft.Storage/storageAccounts/<name>`; Azure wants
   * it in the monitored resource's region). Default: none.
   */
  storageAccountResourceId?: pulumi.Input<string>;
  /**
   * ARM id of an Event Hubs namespace authorization rule
   * (`…/providers/Microsoft.EventHub/namespaces/<namespace>/authorizationRules/<rule>`) to stream to. Default: none.
   */
  eventHubAuthorizationRuleResourceId?: pulumi.Input<string>;
  /**
   * Event hub in that namespace (needs `eventHubAuthorizationRuleResourceId`). Default: Azure creates one hub per
   * log category.
   */
  eventHubName?: pulumi.Input<string>;
  /**
   * Log Analytics table kind: "Dedicated" (resource-specific tables) or "AzureDiagnostics" (needs
   * `workspaceResourceId`). Default: Azure's (AzureDiagnostics, or the resource type's dedicated tables where that is
   * the only kind).
   */
  logAnalyticsDestinationType?: LogAnalyticsDestinationType;
}

/** The kinds of monitored resource and what each emits. */
export type MonitoredKind = "vault" | "storageAccount" | "storageService";

/**
 * Log categories and metric categories per monitored resource type. Sources: learn.microsoft.com
 * azure/key-vault/general/monitor-key-vault-reference (logs `AuditEvent`, metrics `AllMetrics`) and
 * azure/storage/blobs/monitor-blob-storage-reference (the account emits metrics only, `Transaction`; the
 * blob/file/queue/table services emit `StorageRead`, `StorageWrite`, `StorageDelete` and `Transaction`).
 */
export const DIAGNOSTIC_CATEGORIES: Record<
  MonitoredKind,
  { logs: readonly string[]; metrics: readonly string[] }
> = {
  vault: { logs: ["AuditEvent"], metrics: ["AllMetrics"] },
  storageAccount: { logs: [], metrics: ["Transaction"] },
  storageService: {
    logs: ["StorageRead", "StorageWrite", "StorageDelete"],
    metrics: ["Transaction"],
  },
};

/** Azure accepts at most 5 diagnostic settings per resource (learn.microsoft.com azure-monitor/essentials/diagnostic-settings). */
export const MAX_DIAGNOSTIC_SETTINGS = 5;

const ARM = "^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/";
const WORKSPACE_ID = new RegExp(
  `${ARM}Microsoft\\.OperationalInsights/workspaces/[a-zA-Z0-9](?:[a-zA-Z0-9-]{2,61}[a-zA-Z0-9])$`,
  "i",
);
const STORAGE_ID = new RegExp(`${ARM}Microsoft\\.Storage/storageAccounts/[a-z0-9]{3,24}$`, "i");
const EVENT_HUB_RULE_ID = new RegExp(
  `${ARM}Microsoft\\.EventHub/namespaces/[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]/authorizationRules/[^/]+$`,
  "i",
);

/** Why `value` is not a Log Analytics workspace ARM id, or undefined. */
export function workspaceIdProblem(value: unknown): string | undefined {
  return typeof value === "string" && WORKSPACE_ID.test(value)
    ? undefined
    : `must be a Log Analytics workspace resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>), got ${show(value)}`;
}

/** Why `value` is not a storage account ARM id, or undefined. */
export function diagnosticsStorageIdProblem(value: unknown): string | undefined {
  return typeof value === "string" && STORAGE_ID.test(value)
    ? undefined
    : `must be a storage account resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>), got ${show(value)}`;
}

/** Why `value` is not an Event Hubs namespace authorization rule ARM id, or undefined. */
export function eventHubRuleIdProblem(value: unknown): string | undefined {
  return typeof value === "string" && EVENT_HUB_RULE_ID.test(value)
    ? undefined
    : `must be an Event Hubs namespace authorization rule resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.EventHub/namespaces/<namespace>/authorizationRules/<rule>), got ${show(value)}`;
}

/** Why `value` is not an event hub name (1-256 letters, digits, periods, hyphens, underscores), or undefined. */
export function eventHubNameProblem(value: unknown): string | undefined {
  return typeof value === "string" &&
    /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,254}[a-zA-Z0-9])?$/.test(value)
    ? undefined
    : `must be an event hub name (1-256 letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit), got ${show(value)}`;
}

/** ARM's general rule for names of extension resources such as diagnostic settings. */
const SETTING_NAME = /^[^<>*%&:\\?/#\p{Cc}]{1,260}$/u;

/**
 * Validates `diagnosticSettings` as an untyped caller may send it: a list of at most 5 objects, each with at least one
 * destination of the right ARM id shape, an event hub name only with its authorization rule, a Log Analytics
 * destination type only with a workspace, and distinct names.
 */
export function checkDiagnosticSettings(problems: ArgumentProblems, value: unknown): void {
  const path = "diagnosticSettings";
  const list = checkArray(problems, path, value);
  if (list.length > MAX_DIAGNOSTIC_SETTINGS) {
    problems.add(
      path,
      `may hold at most ${MAX_DIAGNOSTIC_SETTINGS} settings (Azure's limit per resource), got ${list.length}`,
    );
  }
  const names = new Set<string>();
  list.forEach((entry, i) => {
    const at = `${path}[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.add(
        at,
        `must be an object with at least one of workspaceResourceId, storageAccountResourceId, eventHubAuthorizationRuleResourceId, got ${show(entry)}`,
      );
      return;
    }
    const d = entry as Partial<DiagnosticSetting>;
    const destinations: [keyof DiagnosticSetting, (v: unknown) => string | undefined][] = [
      ["workspaceResourceId", workspaceIdProblem],
      ["storageAccountResourceId", diagnosticsStorageIdProblem],
      ["eventHubAuthorizationRuleResourceId", eventHubRuleIdProblem],
    ];
    for (const [key, problem] of destinations) {
      if (checkString(problems, `${at}.${key}`, d[key])) {
        const p = problem(d[key]);
        if (p) problems.add(`${at}.${key}`, p);
      }
    }
    const given = (key: keyof DiagnosticSetting): boolean =>
      d[key] !== undefined && d[key] !== null;
    if (!destinations.some(([key]) => given(key))) {
      problems.add(
        at,
        "needs a destination: workspaceResourceId, storageAccountResourceId or eventHubAuthorizationRuleResourceId",
      );
    }
    if (checkString(problems, `${at}.eventHubName`, d.eventHubName)) {
      const p = eventHubNameProblem(d.eventHubName);
      if (p) problems.add(`${at}.eventHubName`, p);
    }
    if (given("eventHubName") && !given("eventHubAuthorizationRuleResourceId")) {
      problems.add(
        `${at}.eventHubName`,
        "needs eventHubAuthorizationRuleResourceId (the namespace the hub is in)",
      );
    }
    checkEnum(
      problems,
      `${at}.logAnalyticsDestinationType`,
      d.logAnalyticsDestinationType,
      enumValues(LogAnalyticsDestinationType),
    );
    if (given("logAnalyticsDestinationType") && !given("workspaceResourceId")) {
      problems.add(
        `${at}.logAnalyticsDestinationType`,
        "only applies with workspaceResourceId (it chooses the workspace's tables)",
      );
    }
    if (checkString(problems, `${at}.name`, d.name)) {
      if (!SETTING_NAME.test(d.name)) {
        problems.add(
          `${at}.name`,
          `must be 1-260 characters without < > * % & : \\ ? / # or control characters, got ${show(d.name)}`,
        );
      } else if (names.has(d.name.toLowerCase())) {
        problems.add(`${at}.name`, `is used twice (${d.name}); each setting needs its own name`);
      }
      names.add(d.name.toLowerCase());
    }
  });
}

/**
 * Creates one `monitor.DiagnosticSetting` per entry on `resourceUri` (`<prefix>-diag-<name or index>`), with the log
 * and metric categories of `kind`. Destination ids that are outputs are checked when they resolve.
 */
export function createDiagnosticSettings(
  prefix: string,
  resourceUri: pulumi.Input<string>,
  kind: MonitoredKind,
  settings: readonly DiagnosticSetting[],
  checked: InputChecker,
  opts: pulumi.CustomResourceOptions,
): monitor.DiagnosticSetting[] {
  const categories = DIAGNOSTIC_CATEGORIES[kind];
  return settings.map((d, i) => {
    const at = `diagnosticSettings[${i}]`;
    return new monitor.DiagnosticSetting(
      `${prefix}-diag-${d.name ?? i}`,
      {
        resourceUri,
        ...(d.name !== undefined ? { name: d.name } : {}),
        ...(d.workspaceResourceId !== undefined
          ? {
              workspaceId: checked(
                `${at}.workspaceResourceId`,
                d.workspaceResourceId,
                workspaceIdProblem,
              ),
            }
          : {}),
        ...(d.storageAccountResourceId !== undefined
          ? {
              storageAccountId: checked(
                `${at}.storageAccountResourceId`,
                d.storageAccountResourceId,
                diagnosticsStorageIdProblem,
              ),
            }
          : {}),
        ...(d.eventHubAuthorizationRuleResourceId !== undefined
          ? {
              eventHubAuthorizationRuleId: checked(
                `${at}.eventHubAuthorizationRuleResourceId`,
                d.eventHubAuthorizationRuleResourceId,
                eventHubRuleIdProblem,
              ),
            }
          : {}),
        ...(d.eventHubName !== undefined
          ? { eventHubName: checked(`${at}.eventHubName`, d.eventHubName, eventHubNameProblem) }
          : {}),
        ...(d.logAnalyticsDestinationType !== undefined
          ? { logAnalyticsDestinationType: d.logAnalyticsDestinationType }
          : {}),
        logs: categories.logs.map((category) => ({ category, enabled: true })),
        metrics: categories.metrics.map((category) => ({ category, enabled: true })),
      },
      opts,
    );
  });
}
