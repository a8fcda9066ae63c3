import * as assert from "node:assert/strict";
import { CmkStorageAccount } from "../../components/cmkStorageAccount";
import { ManagedKeyRotation } from "../../components/managedKeyRotation";
import { SecureVault } from "../../components/secureVault";
import { recorder, runtimeWarnings } from "../support/mocks";

/** Every weakened security default is announced in the deployment log (and nothing is announced otherwise). */
describe("warnings for weakened defaults", () => {
  beforeEach(async () => {
    recorder.reset();
    await runtimeWarnings();
  });

  it("says nothing when every default is kept", async () => {
    const vault = new SecureVault("kv", { resourceGroupName: "rg", location: "westeurope" });
    const key = new ManagedKeyRotation("cmk", { vault: vault.reference() });
    new CmkStorageAccount("sa", {
      resourceGroupName: "rg",
      location: "westeurope",
      key: key.reference(),
    });
    assert.deepEqual(await runtimeWarnings(), []);
  });

  it("announces a public vault endpoint, an unprotected or disabled key, shared keys and a pinned key version", async () => {
    const vault = new SecureVault("kv", {
      resourceGroupName: "rg",
      location: "westeurope",
      publicNetworkAccess: "Enabled",
    });
    const key = new ManagedKeyRotation("cmk", {
      vault: vault.reference(),
      protectKey: false,
      enabled: false,
    });
    new CmkStorageAccount("sa", {
      resourceGroupName: "rg",
      location: "westeurope",
      key: key.reference(),
      allowSharedKeyAccess: true,
      keyVersion: "0123456789abcdef0123456789abcdef",
    });
    assert.deepEqual((await runtimeWarnings()).sort(), [
      'CmkStorageAccount "sa": allowSharedKeyAccess is true; account keys and SAS work, with key and SAS expiration policies set',
      'CmkStorageAccount "sa": keyVersion is pinned; the account will not pick up rotated key versions',
      'ManagedKeyRotation "cmk": protectKey is false; deleting this key makes every account encrypted with it unreadable',
      'ManagedKeyRotation "cmk": the key is disabled; storage accounts encrypted with it answer HTTP 403 until it is enabled again',
      'SecureVault "kv": publicNetworkAccess is Enabled; the firewall still denies by default and allows only the configured IP ranges and subnets',
    ]);
  });

  it("announces an explicit vault name on the purge-protected vault, with the retention period and the random-suffix alternative", async () => {
    new SecureVault("kv", {
      resourceGroupName: "rg",
      location: "westeurope",
      vaultName: "kv-payments-prod",
      softDeleteRetentionInDays: 30,
    });
    assert.deepEqual(await runtimeWarnings(), [
      'SecureVault "kv": vaultName "kv-payments-prod" is explicit and the vault is purge-protected: after a delete or replacement the name stays reserved for the 30-day soft-delete retention period (it cannot be purged), so redeploying it fails with VaultAlreadyExists until then; leave vaultName unset to derive the name from namePrefix and a random suffix',
    ]);
  });
});
