import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { CmkStorageAccount, type CmkStorageAccountArgs } from "../../components/cmkStorageAccount";
import { DIAGNOSTIC_CATEGORIES } from "../../components/diagnostics";
import { SecureVault } from "../../components/secureVault";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import {
  byType,
  deploymentErrors,
  errorOf,
  one,
  promiseOf,
  recorder,
  settled,
} from "../support/mocks";

const SUB = DEFAULT_ARM_CONTEXT.subscriptionId;
const MGMT = "b8e2c4d6-1a3f-4b5c-9d7e-0f2a4c6e8b1d";
const WORKSPACE = `/subscriptions/${MGMT}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-platform`;
const ARCHIVE = `/subscriptions/${MGMT}/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stlogsarchive01`;
const HUB_RULE = `/subscriptions/${MGMT}/resourceGroups/rg-logs/providers/Microsoft.EventHub/namespaces/evhns-logs/authorizationRules/RootManageSharedAccessKey`;
const KEY = {
  vault: {
    vaultId: `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01`,
    vaultUri: "https://kv-shared-01.vault.azure.net/",
    permissionModel: "accessPolicy" as const,
  },
  keyName: "k1",
};
const DS = "azure-native:monitor:DiagnosticSetting";

function account(extra: Partial<CmkStorageAccountArgs>): CmkStorageAccount {
  return new CmkStorageAccount("payments", {
    resourceGroupName: "rg",
    location: "westeurope",
    key: KEY,
    ...extra,
  });
}

describe("diagnostic settings", () => {
  beforeEach(() => recorder.reset());

  it("sends the vault's AuditEvent log and AllMetrics to the workspace", async () => {
    const v = new SecureVault("platform", {
      resourceGroupName: "rg",
      location: "westeurope",
      diagnosticSettings: [
        {
          name: "to-law",
          workspaceResourceId: WORKSPACE,
          logAnalyticsDestinationType: "Dedicated",
        },
      ],
    });
    const vaultId = await promiseOf(v.vaultId);
    await settled();
    const d = one(DS, "platform-diag-to-law");
    assert.deepEqual(d.inputs, {
      resourceUri: vaultId,
      name: "to-law",
      workspaceId: WORKSPACE,
      logAnalyticsDestinationType: "Dedicated",
      logs: [{ category: "AuditEvent", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
  });

  it("applies each setting to the account (Transaction metrics) and to its blob, file, queue and table services (read, write, delete logs)", async () => {
    const a = account({
      diagnosticSettings: [
        {
          workspaceResourceId: WORKSPACE,
          storageAccountResourceId: ARCHIVE,
          eventHubAuthorizationRuleResourceId: HUB_RULE,
          eventHubName: "storage-logs",
        },
      ],
    });
    const accountId = await promiseOf(a.accountId);
    await settled();
    assert.deepEqual(
      byType(DS)
        .map((r) => r.name)
        .sort(),
      [
        "payments-blob-diag-0",
        "payments-diag-0",
        "payments-file-diag-0",
        "payments-queue-diag-0",
        "payments-table-diag-0",
      ],
    );
    const top = one(DS, "payments-diag-0");
    assert.equal(top.inputs.resourceUri, accountId);
    assert.deepEqual(top.inputs.logs, []);
    assert.deepEqual(top.inputs.metrics, [{ category: "Transaction", enabled: true }]);
    assert.deepEqual(
      [
        top.inputs.workspaceId,
        top.inputs.storageAccountId,
        top.inputs.eventHubAuthorizationRuleId,
        top.inputs.eventHubName,
      ],
      [WORKSPACE, ARCHIVE, HUB_RULE, "storage-logs"],
    );
    for (const svc of ["blob", "file", "queue", "table"]) {
      const d = one(DS, `payments-${svc}-diag-0`);
      assert.equal(d.inputs.resourceUri, `${accountId}/${svc}Services/default`);
      assert.deepEqual(
        d.inputs.logs.map((l: { category: string }) => l.category),
        [...DIAGNOSTIC_CATEGORIES.storageService.logs],
      );
    }
    const blobProps = one("azure-native:storage:BlobServiceProperties", "payments-blob-service");
    assert.ok(
      one(DS, "payments-blob-diag-0").dependencies.includes(blobProps.urn),
      "written after the blob service properties",
    );
  });

  it("creates none without diagnosticSettings", async () => {
    account({});
    await settled();
    assert.equal(byType(DS).length, 0);
  });

  const refused: [string, unknown, RegExp][] = [
    [
      "the list is an object",
      { workspaceResourceId: WORKSPACE },
      /diagnosticSettings: must be a list/,
    ],
    [
      "there are more than five",
      Array.from({ length: 6 }, () => ({ workspaceResourceId: WORKSPACE })),
      /diagnosticSettings: may hold at most 5 settings/,
    ],
    [
      "a setting has no destination",
      [{ name: "nowhere" }],
      /diagnosticSettings\[0\]: needs a destination/,
    ],
    [
      "the workspace id is a resource group",
      [{ workspaceResourceId: `/subscriptions/${MGMT}/resourceGroups/rg-logs` }],
      /diagnosticSettings\[0\]\.workspaceResourceId: must be a Log Analytics workspace resource id/,
    ],
    [
      "the workspace id is a storage account",
      [{ workspaceResourceId: ARCHIVE }],
      /workspaceResourceId: must be a Log Analytics workspace resource id/,
    ],
    [
      "the archive id is a workspace",
      [{ storageAccountResourceId: WORKSPACE }],
      /diagnosticSettings\[0\]\.storageAccountResourceId: must be a storage account resource id/,
    ],
    [
      "the event hub rule id is a namespace",
      [{ eventHubAuthorizationRuleResourceId: HUB_RULE.replace(/\/authorizationRules\/.*$/, "") }],
      /eventHubAuthorizationRuleResourceId: must be an Event Hubs namespace authorization rule resource id/,
    ],
    [
      "an event hub name comes without its rule",
      [{ workspaceResourceId: WORKSPACE, eventHubName: "logs" }],
      /diagnosticSettings\[0\]\.eventHubName: needs eventHubAuthorizationRuleResourceId/,
    ],
    [
      "the event hub name has a space",
      [{ eventHubAuthorizationRuleResourceId: HUB_RULE, eventHubName: "my logs" }],
      /eventHubName: must be an event hub name/,
    ],
    [
      "the destination type is unknown",
      [{ workspaceResourceId: WORKSPACE, logAnalyticsDestinationType: "Tables" }],
      /logAnalyticsDestinationType: must be one of Dedicated, AzureDiagnostics/,
    ],
    [
      "a destination type comes without a workspace",
      [{ storageAccountResourceId: ARCHIVE, logAnalyticsDestinationType: "Dedicated" }],
      /logAnalyticsDestinationType: only applies with workspaceResourceId/,
    ],
    [
      "two settings share a name",
      [
        { name: "logs", workspaceResourceId: WORKSPACE },
        { name: "LOGS", storageAccountResourceId: ARCHIVE },
      ],
      /diagnosticSettings\[1\]\.name: is used twice/,
    ],
    [
      "a name has a slash",
      [{ name: "a/b", workspaceResourceId: WORKSPACE }],
      /diagnosticSettings\[0\]\.name: must be 1-260 characters without/,
    ],
    [
      "a workspace id is a number",
      [{ workspaceResourceId: 42 }],
      /diagnosticSettings\[0\]\.workspaceResourceId: must be a string, got 42/,
    ],
  ];
  for (const [what, value, message] of refused) {
    it(`fails when ${what}, before anything is registered`, async () => {
      const e = errorOf(() => account({ diagnosticSettings: value as never }));
      assert.ok(pulumi.InputPropertiesError.isInstance(e), e.message);
      assert.match(e.message, message);
      assert.equal((await settled()).length, 0);
    });
  }

  it("fails at deployment when a workspace id output is not a workspace, before any setting is sent", async () => {
    account({ diagnosticSettings: [{ workspaceResourceId: pulumi.output(ARCHIVE) }] });
    const errors = await deploymentErrors();
    assert.ok(
      errors.some((m) =>
        /diagnosticSettings\[0\]\.workspaceResourceId: must be a Log Analytics workspace resource id/.test(
          m,
        ),
      ),
      errors.join("\n"),
    );
    assert.equal(byType(DS).length, 0);
  });
});
