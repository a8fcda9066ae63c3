import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { storageCmkEnabled } from "../../../policy/storage/cmkEnabled";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { storageInputs, vaultInputs } from "../fixtures";

describe("storage-cmk-enabled", () => {
  it("passes an account encrypted with a Key Vault key", async () => {
    assert.deepEqual(
      (await runResourcePolicy(storageCmkEnabled, TYPES.storageAccount, storageInputs())).messages,
      [],
    );
  });

  it("compares keySource case-insensitively", async () => {
    const r = await runResourcePolicy(
      storageCmkEnabled,
      TYPES.storageAccount,
      withPath(storageInputs(), "encryption.keySource", "microsoft.keyvault"),
    );
    assert.deepEqual(r.messages, []);
  });

  it("fails when keySource is the SDK default Microsoft.Storage", async () => {
    const r = await runResourcePolicy(
      storageCmkEnabled,
      TYPES.storageAccount,
      withPath(storageInputs(), "encryption.keySource", "Microsoft.Storage"),
    );
    assert.deepEqual(r.messages, [
      'encryption.keySource is "Microsoft.Storage"; it must be "Microsoft.Keyvault".',
    ]);
  });

  it("fails when the account has no encryption block", async () => {
    const r = await runResourcePolicy(
      storageCmkEnabled,
      TYPES.storageAccount,
      withPath(storageInputs(), "encryption", undefined),
    );
    assert.deepEqual(r.messages, [
      'encryption.keySource is null; it must be "Microsoft.Keyvault".',
    ]);
  });

  it("fails when the key name or vault URI is missing", async () => {
    const r = await runResourcePolicy(
      storageCmkEnabled,
      TYPES.storageAccount,
      withPath(storageInputs(), "encryption.keyVaultProperties", undefined),
    );
    assert.deepEqual(r.messages, [
      "encryption.keyVaultProperties.keyName is not set.",
      "encryption.keyVaultProperties.keyVaultUri is not set.",
    ]);
  });

  it("reports the preview diagnostic instead of crashing when the vault URI is unknown", async () => {
    const r = await runResourcePolicy(
      storageCmkEnabled,
      TYPES.storageAccount,
      withPath(storageInputs(), "encryption.keyVaultProperties.keyVaultUri", UNKNOWN.string),
    );
    assert.deepEqual(r.messages, []);
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to vaults", async () => {
    assert.deepEqual(
      (await runResourcePolicy(storageCmkEnabled, TYPES.vault, vaultInputs())).notApplicable,
      ["Policy only applies to resources of type 'azure-native:storage:StorageAccount'"],
    );
  });
});
