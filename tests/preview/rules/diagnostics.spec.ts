import { strict as assert } from "node:assert";
import {
  accepts,
  created,
  pending,
  RG,
  rejects,
  SUB,
  withAccount,
} from "../../support/storageWorld";
import { T, type AzureState, type PendingResource } from "../../../preview/simulatedAzure";
import { DIAGNOSTIC_RULES } from "../../../preview/rules/diagnostics";

/** Pure-function tests of the diagnostic-settings family: each rule has a passing and a failing case. */

const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/stdata01`;
const VAULT = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/kv-data`;
const WORKSPACE = `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-platform`;
const OTHER_WORKSPACE = `${WORKSPACE}-2`;

let n = 0;
const setting = (resourceUri: string, over: Record<string, any> = {}): PendingResource =>
  pending(T.diagnosticSetting, `diag-${n++}`, {
    resourceUri,
    name: "platform",
    workspaceId: WORKSPACE,
    logs: [],
    metrics: [],
    ...over,
  });
const audit = {
  logs: [{ category: "AuditEvent", enabled: true }],
  metrics: [{ category: "AllMetrics", enabled: true }],
};
const storageLogs = {
  logs: ["StorageRead", "StorageWrite", "StorageDelete"].map((category) => ({
    category,
    enabled: true,
  })),
  metrics: [{ category: "Transaction", enabled: true }],
};
const stateWith = (...settings: PendingResource[]): AzureState => {
  const { state } = withAccount();
  return { ...state, created: [...state.created, ...settings.map(created)] };
};

describe("simulated Azure: diagnostic settings (preview/rules/diagnostics.ts)", () => {
  it("registers every rule with a source", () => {
    for (const r of DIAGNOSTIC_RULES) assert.match(r.source, /\w{8,}/, r.id);
  });

  describe("diagnostic-category-unsupported", () => {
    it("fails when a storage account (not its blob service) is asked for StorageRead", () => {
      rejects(
        setting(ACCOUNT, storageLogs),
        stateWith(),
        "diagnostic-category-unsupported",
        "BadRequest",
        /^Category 'StorageRead' is not supported\. Microsoft\.Storage\/storageAccounts emits no log categories at all.*blobServices\/default/,
      );
    });
    it("fails when a vault is asked for StorageWrite, or for the metric Transaction", () => {
      rejects(
        setting(VAULT, { logs: [{ category: "StorageWrite", enabled: true }] }),
        stateWith(),
        "diagnostic-category-unsupported",
        "BadRequest",
        /Category 'StorageWrite' is not supported\. Microsoft\.KeyVault\/vaults emits log categories AuditEvent, AzurePolicyEvaluationDetails/,
      );
      rejects(
        setting(VAULT, { metrics: [{ category: "Transaction", enabled: true }] }),
        stateWith(),
        "diagnostic-category-unsupported",
        "BadRequest",
        /Category 'Transaction' is not supported.*AllMetrics/,
      );
    });
    it("accepts AuditEvent and the audit group on a vault, account metrics, and storage logs on each service", () => {
      accepts(setting(VAULT, audit), stateWith());
      accepts(setting(VAULT, { logs: [{ categoryGroup: "audit", enabled: true }] }), stateWith());
      accepts(
        setting(ACCOUNT, {
          metrics: [
            { category: "Transaction", enabled: true },
            { category: "Capacity", enabled: true },
          ],
        }),
        stateWith(),
      );
      for (const svc of ["blob", "file", "queue", "table"]) {
        accepts(setting(`${ACCOUNT}/${svc}Services/default`, storageLogs), stateWith());
      }
    });
  });

  describe("diagnostic-destination-missing", () => {
    it("fails when a setting names no workspace, storage account or event hub", () => {
      rejects(
        setting(VAULT, { ...audit, workspaceId: undefined }),
        stateWith(),
        "diagnostic-destination-missing",
        "BadRequest",
        /has no destination\. Fix: set workspaceId/,
      );
    });
    it("accepts a setting that only archives to a storage account", () => {
      accepts(
        setting(VAULT, { ...audit, workspaceId: undefined, storageAccountId: `${ACCOUNT}x` }),
        stateWith(),
      );
    });
  });

  describe("diagnostic-setting-name-taken", () => {
    it("fails when the same resource gets two settings named platform", () => {
      rejects(
        setting(VAULT, audit),
        stateWith(setting(VAULT, audit)),
        "diagnostic-setting-name-taken",
        "AlreadyExists",
        /cannot create already existing resource '.*\/vaults\/kv-data\/providers\/Microsoft\.Insights\/diagnosticSettings\/platform'/,
      );
    });
    it("accepts settings of one name on different resources", () => {
      accepts(
        setting(`${ACCOUNT}/blobServices/default`, storageLogs),
        stateWith(setting(`${ACCOUNT}/fileServices/default`, storageLogs)),
      );
    });
  });

  describe("diagnostic-settings-limit", () => {
    const five = (): PendingResource[] =>
      [1, 2, 3, 4, 5].map((i) =>
        setting(VAULT, {
          name: `s${i}`,
          workspaceId: `${WORKSPACE}-${i}`,
          ...{ logs: audit.logs },
        }),
      );
    it("fails when a sixth setting goes on the vault", () => {
      rejects(
        setting(VAULT, { ...audit, name: "s6", workspaceId: `${WORKSPACE}-6` }),
        stateWith(...five()),
        "diagnostic-settings-limit",
        "BadRequest",
        /already has 5 diagnostic settings \(s1, s2, s3, s4, s5\); at most 5/,
      );
    });
    it("accepts a fifth", () => {
      accepts(
        setting(VAULT, { ...audit, name: "s5", workspaceId: `${WORKSPACE}-5` }),
        stateWith(...five().slice(0, 4)),
      );
    });
  });

  describe("diagnostic-data-sink-reused", () => {
    it("fails when two settings send AuditEvent of the vault to the same workspace", () => {
      rejects(
        setting(VAULT, { ...audit, name: "second" }),
        stateWith(setting(VAULT, audit)),
        "diagnostic-data-sink-reused",
        "Conflict",
        /Data sink '.*law-platform' is already used in diagnostic setting 'platform' for category 'auditevent'/i,
      );
    });
    it("fails when the second setting uses the category group allLogs", () => {
      rejects(
        setting(VAULT, { name: "second", logs: [{ categoryGroup: "allLogs", enabled: true }] }),
        stateWith(setting(VAULT, audit)),
        "diagnostic-data-sink-reused",
        "Conflict",
        /category 'auditevent'/i,
      );
    });
    it("accepts a second setting to another workspace", () => {
      accepts(
        setting(VAULT, { ...audit, name: "second", workspaceId: OTHER_WORKSPACE }),
        stateWith(setting(VAULT, audit)),
      );
    });
  });
});
