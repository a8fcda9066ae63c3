import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../stacks/config";
import { deployCmkPlatform } from "../../stacks/program";
import { byType, promiseOf, recorder, settled } from "../support/mocks";
import { rawStackConfig } from "../support/stackFiles";

function countByType(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of recorder.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

async function build(stack: string) {
  recorder.reset();
  const settings = parseStackConfig(
    rawStackConfig(stack),
    "cmk-storage",
    `stacks/Pulumi.${stack}.yaml`,
  );
  const out = deployCmkPlatform(settings);
  await Promise.all([
    promiseOf(out.vaultUri),
    promiseOf(out.keyUri),
    ...Object.values(out.accounts).map((a) => promiseOf(a.accountId)),
  ]);
  await settled();
  return { settings, out };
}

describe("stacks build the expected graph", () => {
  it("dev: an access-policy vault, one RSA-3072 key, three accounts each with an identity and an access policy, one with access-key rotation", async () => {
    const { out } = await build("dev");
    assert.deepEqual(countByType(), {
      "azure-native:resources:ResourceGroup": 1,
      "azure-cmk-storage:index:SecureVault": 1,
      "random:index/randomString:RandomString": 4,
      "azure-native:keyvault:Vault": 1,
      "azure-native:keyvault:AccessPolicy": 5,
      "azure-cmk-storage:index:ManagedKeyRotation": 1,
      "azure-native:keyvault:Key": 1,
      "azure-cmk-storage:index:CmkStorageAccount": 3,
      "azure-native:managedidentity:UserAssignedIdentity": 3,
      "azure-native:storage:StorageAccount": 3,
      // ledger keeps shared keys, rotated: the rotation, the deployer's two account roles, its secret access policy
      // (counted above with the administrator's and the three identities') and the RBAC propagation sleep.
      "azure-cmk-storage:index:StorageAccessKeyRotation": 1,
      "pulumi-nodejs:dynamic/cmk:AccessKeyRotation": 1,
      "azure-native:authorization:RoleAssignment": 2,
      "time:index/sleep:Sleep": 1,
      // Blob soft delete, container soft delete and versioning on every account, also in dev; nothing private, no
      // diagnostics or locks.
      "azure-native:storage:BlobServiceProperties": 3,
    });
    const key = byType("azure-native:keyvault:Key")[0];
    assert.deepEqual(
      [key.inputs.properties.kty, key.inputs.properties.keySize, key.protect],
      ["RSA", 3072, false],
    );
    assert.equal(
      byType("azure-native:keyvault:Vault")[0].inputs.properties.softDeleteRetentionInDays,
      7,
    );
    assert.deepEqual(Object.keys(out.accounts), ["payments", "analytics", "ledger"]);
    for (const sa of byType("azure-native:storage:StorageAccount")) {
      assert.equal(sa.inputs.location, "westeurope");
      assert.deepEqual(
        sa.inputs.sku,
        { name: sa.name === "ledger-account" ? "Standard_ZRS" : "Standard_LRS" },
        sa.name,
      );
      assert.equal(sa.inputs.allowSharedKeyAccess, sa.name === "ledger-account", sa.name);
      assert.equal(sa.protect, false);
    }
  });

  it("staging: an RBAC vault, and four accounts each with a role assignment and a propagation wait", async () => {
    await build("staging");
    const counts = countByType();
    assert.equal(
      counts["azure-native:authorization:RoleAssignment"],
      5,
      "one administrator + four accounts",
    );
    assert.equal(counts["time:index/sleep:Sleep"], 4);
    assert.equal(counts["azure-native:keyvault:AccessPolicy"], undefined);
    assert.equal(counts["azure-native:storage:StorageAccount"], 4);
    assert.equal(
      byType("azure-native:keyvault:Vault")[0].inputs.properties.enableRbacAuthorization,
      true,
    );
  });

  it("prod: a premium vault, an RSA-HSM 4096 key, five geo-redundant accounts, and every resource protected", async () => {
    const { out } = await build("prod");
    const vault = byType("azure-native:keyvault:Vault")[0];
    assert.deepEqual(vault.inputs.properties.sku, { family: "A", name: "premium" });
    const key = byType("azure-native:keyvault:Key")[0];
    assert.deepEqual(
      [key.inputs.properties.kty, key.inputs.properties.keySize, key.retainOnDelete],
      ["RSA-HSM", 4096, true],
    );
    assert.equal(byType("azure-native:storage:StorageAccount").length, 5);
    assert.equal(
      byType("azure-native:keyvault:AccessPolicy").length,
      7,
      "two administrators + five accounts",
    );
    const locks = byType("azure-native:authorization:ManagementLockByScope");
    for (const r of recorder.resources) {
      // Locks are never Pulumi-protected, so lifting one (offboarding step 1) works in a protected stack.
      assert.equal(r.protect, !locks.includes(r), `${r.type}::${r.name} is protected`);
    }
    assert.equal(await promiseOf(out.vaultPermissionModel), "accessPolicy");
  });

  it("prod: private endpoints with DNS zone groups, diagnostic settings, CanNotDelete locks and blob protection on the vault and every account", async () => {
    await build("prod");
    const counts = countByType();
    // The vault's endpoint, one blob endpoint per account, and treasury's secondary blob endpoint.
    assert.equal(counts["azure-native:network:PrivateEndpoint"], 7);
    assert.equal(counts["azure-native:network:PrivateDnsZoneGroup"], 7);
    // The vault, and per account the account itself and its blob, file, queue and table services.
    assert.equal(counts["azure-native:monitor:DiagnosticSetting"], 1 + 5 * 5);
    assert.equal(counts["azure-native:authorization:ManagementLockByScope"], 6);
    assert.equal(counts["azure-native:storage:BlobServiceProperties"], 5);
    const endpoint = byType("azure-native:network:PrivateEndpoint").find(
      (r) => r.name === "platform-pe-vault",
    )!;
    assert.match(endpoint.inputs.subnet.id, /\/subnets\/snet-private-endpoints$/);
    assert.deepEqual(endpoint.inputs.privateLinkServiceConnections[0].groupIds, ["vault"]);
    const zone = byType("azure-native:network:PrivateDnsZoneGroup").find(
      (r) => r.name === "treasury-pe-blob_secondary-dns",
    )!;
    assert.match(
      zone.inputs.privateDnsZoneConfigs[0].privateDnsZoneId,
      /\/privateDnsZones\/privatelink\.blob\.core\.windows\.net$/,
    );
    const blob = byType("azure-native:storage:BlobServiceProperties")[0];
    assert.deepEqual(
      [
        blob.inputs.deleteRetentionPolicy,
        blob.inputs.isVersioningEnabled,
        blob.inputs.changeFeed,
        blob.inputs.restorePolicy,
      ],
      [
        { enabled: true, days: 30 },
        true,
        { enabled: true, retentionInDays: 90 },
        { enabled: true, days: 14 },
      ],
    );
    for (const lock of byType("azure-native:authorization:ManagementLockByScope")) {
      assert.equal(lock.inputs.level, "CanNotDelete", lock.name);
    }
  });

  it("staging: locks the accounts but not the RBAC vault, whose role assignments a lock would keep from being deleted", async () => {
    await build("staging");
    assert.deepEqual(
      byType("azure-native:authorization:ManagementLockByScope")
        .map((r) => r.name)
        .sort(),
      ["analytics-lock", "insights-lock", "payments-lock", "reporting-lock"],
    );
  });

  it("exports the vault URI, versionless key URI and each account's name and identity ids", async () => {
    const { out } = await build("dev");
    const vaultUri = await promiseOf(out.vaultUri);
    assert.match(vaultUri, /^https:\/\/cmkdev-kv-[a-z0-9]{6}\.vault\.azure\.net\/$/);
    assert.equal(await promiseOf(out.keyUri), `${vaultUri}keys/cmkdev-storage-cmk`);
    const payments = out.accounts.payments;
    assert.match(await promiseOf(payments.accountName), /^cmkdevpayments[a-z0-9]{6}$/);
    assert.match(await promiseOf(payments.identityPrincipalId), /^[0-9a-f-]{36}$/);
    assert.match(await promiseOf(payments.blobEndpoint), /\.blob\.core\.windows\.net\/$/);
    await settled();
  });
});
