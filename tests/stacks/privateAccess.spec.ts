import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../stacks/config";
import {
  deployCmkPlatform,
  teamBlobServices,
  teamLock,
  teamPrivateEndpoints,
} from "../../stacks/program";
import { byType, recorder, runtimeWarnings, settled } from "../support/mocks";

/**
 * The stack keys of going private, logs, locks and blob protection (stacks/config.ts, stacks/program.ts): each rule
 * runs before anything is registered and names the key to set; the program turns the keys into component arguments.
 */
const FILE = "stacks/Pulumi.test.yaml";
const SUB = "3f2b6c1e-8d4a-4c2e-9b1f-0a7e5d6c4b3a";
const HUB = "6d1f4a2b-9c3e-4f5a-8b7d-2e0c1a9f3b6d";
const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-pe`;
const zone = (z: string) =>
  `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${z}`;
const ZONES = JSON.stringify({
  vault: zone("privatelink.vaultcore.azure.net"),
  blob: zone("privatelink.blob.core.windows.net"),
});
const WORKSPACE = `/subscriptions/${HUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-platform`;
const BASE: Record<string, string> = {
  location: "westeurope",
  resourceGroupName: "rg-cmk",
  teams: '{"payments":{}}',
};
const PRIVATE = {
  privateEndpointSubnetId: SUBNET,
  privateDnsZoneIds: ZONES,
  accountPrivateEndpoints: '["blob"]',
};
const parse = (over: Record<string, string>) =>
  parseStackConfig({ ...BASE, ...over }, "cmk-storage", FILE);

function problems(over: Record<string, string>): string {
  try {
    parse(over);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("stack config: private endpoints, diagnostics, locks and blob protection", () => {
  beforeEach(() => recorder.reset());

  it("reads a private, logged, locked stack and hands each team its endpoints, lock and blob protection", () => {
    const s = parse({
      ...PRIVATE,
      logAnalyticsWorkspaceId: WORKSPACE,
      lock: "CanNotDelete",
      blobChangeFeed: "true",
      blobPointInTimeRestoreDays: "6",
      teams: JSON.stringify({
        payments: {},
        archive: { decommissioned: true },
        ledger: {
          lock: "None",
          privateEndpoints: [],
          blobProtection: { softDeleteRetentionInDays: 30, pointInTimeRestoreDays: 20 },
        },
      }),
    });
    assert.deepEqual(teamPrivateEndpoints(s.teams.payments, s), [
      {
        service: "blob",
        subnetResourceId: SUBNET,
        privateDnsZoneResourceId: zone("privatelink.blob.core.windows.net"),
      },
    ]);
    assert.deepEqual(teamPrivateEndpoints(s.teams.ledger, s), []);
    assert.deepEqual(
      [teamLock(s.teams.payments, s), teamLock(s.teams.archive, s), teamLock(s.teams.ledger, s)],
      ["CanNotDelete", "None", "None"],
      "a decommissioned team's lock is lifted (offboarding step 1)",
    );
    assert.deepEqual(teamBlobServices(s.teams.ledger, s), {
      deleteRetentionPolicyEnabled: true,
      deleteRetentionPolicyDays: 30,
      containerDeleteRetentionPolicyEnabled: true,
      containerDeleteRetentionPolicyDays: 7,
      isVersioningEnabled: true,
      changeFeedEnabled: true,
      restorePolicyEnabled: true,
      restorePolicyDays: 20,
    });
  });

  it("keeps blob soft delete and versioning on by default, with no endpoints, logs or locks", () => {
    const s = parse({});
    assert.deepEqual(teamPrivateEndpoints(s.teams.payments, s), []);
    assert.equal(teamLock(s.teams.payments, s), "None");
    assert.deepEqual(teamBlobServices(s.teams.payments, s), {
      deleteRetentionPolicyEnabled: true,
      deleteRetentionPolicyDays: 7,
      containerDeleteRetentionPolicyEnabled: true,
      containerDeleteRetentionPolicyDays: 7,
      isVersioningEnabled: true,
      changeFeedEnabled: false,
      restorePolicyEnabled: false,
    });
  });

  it("warns a decommissioned team of an RBAC stack with a locked vault that its grant cannot be deleted until the vault lock is lifted", async () => {
    deployCmkPlatform(
      parse({
        vaultPermissionModel: "rbac",
        lock: "CanNotDelete",
        teams: JSON.stringify({ payments: {}, archive: { decommissioned: true } }),
      }),
    );
    const warnings = await runtimeWarnings();
    assert.ok(
      warnings.some((w) =>
        /team "archive": its key grant is a role assignment inside the locked vault.*set cmk-storage:vaultLock: None/.test(
          w,
        ),
      ),
      warnings.join("\n"),
    );
    await settled();
    assert.deepEqual(
      byType("azure-native:authorization:ManagementLockByScope")
        .map((r) => r.name)
        .sort(),
      ["payments-lock", "platform-lock"],
      "archive's lock is lifted",
    );
  });

  const refused: [string, Record<string, string>, string][] = [
    [
      "the subnet id is a virtual network id",
      { privateEndpointSubnetId: SUBNET.replace(/\/subnets\/.*$/, "") },
      "cmk-storage:privateEndpointSubnetId must match pattern",
    ],
    [
      "a subnet is set without the vault's zone",
      { privateEndpointSubnetId: SUBNET },
      "cmk-storage:privateDnsZoneIds.vault is required when cmk-storage:privateEndpointSubnetId is set",
    ],
    [
      "services are asked for without a subnet",
      { accountPrivateEndpoints: '["blob"]', privateDnsZoneIds: ZONES },
      'cmk-storage:accountPrivateEndpoints needs a subnet: set cmk-storage:privateEndpointSubnetId or cmk-storage:teams.payments.privateEndpointSubnetId; got ["blob"]',
    ],
    [
      "a team's service has no zone",
      { ...PRIVATE, teams: '{"payments":{"privateEndpoints":["dfs"]}}' },
      "cmk-storage:privateDnsZoneIds.dfs is required for the dfs endpoints of cmk-storage:teams.payments.privateEndpoints",
    ],
    [
      "the blob zone id names the vault zone",
      {
        ...PRIVATE,
        privateDnsZoneIds: JSON.stringify({
          vault: zone("privatelink.vaultcore.azure.net"),
          blob: zone("privatelink.vaultcore.azure.net"),
        }),
      },
      'cmk-storage:privateDnsZoneIds.blob must be the zone of the "blob" group',
    ],
    [
      "a zone is given for an unknown group",
      { privateDnsZoneIds: JSON.stringify({ sql: zone("privatelink.database.windows.net") }) },
      "cmk-storage:privateDnsZoneIds.sql is not a known setting (known: vault, blob, dfs, file, queue, table, web)",
    ],
    [
      "a team asks for a secondary on a ZRS account",
      { ...PRIVATE, teams: '{"payments":{"privateEndpoints":["blob_secondary"]}}' },
      'cmk-storage:teams.payments.privateEndpoints lists blob_secondary for team "payments", which needs a read-access geo-redundant SKU',
    ],
    [
      "a service is unknown",
      { ...PRIVATE, accountPrivateEndpoints: '["vault"]' },
      "cmk-storage:accountPrivateEndpoints[0] must be one of blob, blob_secondary",
    ],
    [
      "a team subnet comes without services",
      { teams: JSON.stringify({ payments: { privateEndpointSubnetId: SUBNET } }) },
      "cmk-storage:teams.payments.privateEndpointSubnetId has no effect without services",
    ],
    [
      "the workspace id is a storage account",
      {
        logAnalyticsWorkspaceId: `/subscriptions/${HUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stlogs`,
      },
      "cmk-storage:logAnalyticsWorkspaceId must be a Log Analytics workspace resource id",
    ],
    [
      "the archive id is a workspace",
      { diagnosticsStorageAccountId: WORKSPACE },
      "cmk-storage:diagnosticsStorageAccountId must be a storage account resource id",
    ],
    [
      "an event hub name comes without its rule",
      { logAnalyticsWorkspaceId: WORKSPACE, diagnosticsEventHubName: "logs" },
      "cmk-storage:diagnosticsEventHubName needs cmk-storage:diagnosticsEventHubAuthorizationRuleId",
    ],
    [
      "the lock is ReadOnly",
      { lock: "ReadOnly" },
      'cmk-storage:lock must be one of CanNotDelete, None; got "ReadOnly"',
    ],
    [
      "a team's lock is unknown",
      { teams: '{"payments":{"lock":"Delete"}}' },
      "cmk-storage:teams.payments.lock must be one of CanNotDelete, None",
    ],
    [
      "blob soft delete is kept 400 days",
      { blobSoftDeleteRetentionInDays: "400" },
      "cmk-storage:blobSoftDeleteRetentionInDays must be <= 365",
    ],
    [
      "restore is asked for without the change feed",
      { blobPointInTimeRestoreDays: "5" },
      "cmk-storage:blobPointInTimeRestoreDays needs cmk-storage:blobChangeFeed: true",
    ],
    [
      "restore reaches as far back as soft delete",
      { blobChangeFeed: "true", blobPointInTimeRestoreDays: "7" },
      "cmk-storage:blobPointInTimeRestoreDays must be less than cmk-storage:blobSoftDeleteRetentionInDays (7)",
    ],
    [
      "a team turns versioning off under a stack restore window",
      {
        blobChangeFeed: "true",
        blobPointInTimeRestoreDays: "5",
        teams: '{"payments":{"blobProtection":{"versioning":false}}}',
      },
      "cmk-storage:blobPointInTimeRestoreDays needs cmk-storage:teams.payments.blobProtection.versioning: true",
    ],
    [
      "a team's restore window exceeds its soft delete",
      {
        blobChangeFeed: "true",
        teams:
          '{"payments":{"blobProtection":{"softDeleteRetentionInDays":10,"pointInTimeRestoreDays":12}}}',
      },
      "cmk-storage:teams.payments.blobProtection.pointInTimeRestoreDays must be less than cmk-storage:teams.payments.blobProtection.softDeleteRetentionInDays (10)",
    ],
    [
      "a change feed retention comes without the change feed",
      { blobChangeFeedRetentionInDays: "30" },
      "cmk-storage:blobChangeFeedRetentionInDays only applies with cmk-storage:blobChangeFeed: true",
    ],
    [
      "the change feed is kept shorter than the restore window",
      {
        blobChangeFeed: "true",
        blobChangeFeedRetentionInDays: "3",
        blobPointInTimeRestoreDays: "5",
      },
      "cmk-storage:blobChangeFeedRetentionInDays must be at least cmk-storage:blobPointInTimeRestoreDays (5)",
    ],
    [
      "a team's blob protection has a typo",
      { teams: '{"payments":{"blobProtection":{"versionning":true}}}' },
      "cmk-storage:teams.payments.blobProtection.versionning is not a known setting",
    ],
  ];
  for (const [what, over, message] of refused) {
    it(`fails when ${what}, naming the key`, () => {
      const text = problems(over);
      assert.ok(text.startsWith(`Invalid stack configuration in ${FILE}:`), text);
      assert.ok(text.includes(message), text);
    });
  }
});
