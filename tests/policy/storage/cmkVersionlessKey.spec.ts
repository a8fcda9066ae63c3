import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { storageCmkVersionlessKey } from "../../../policy/storage/cmkVersionlessKey";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { storageInputs, vaultInputs } from "../fixtures";

const VERSION = "encryption.keyVaultProperties.keyVersion";

describe("storage-cmk-versionless-key", () => {
  it("passes an account without a pinned key version", async () => {
    assert.deepEqual(
      (await runResourcePolicy(storageCmkVersionlessKey, TYPES.storageAccount, storageInputs()))
        .messages,
      [],
    );
  });

  it("fails when the key version is pinned", async () => {
    const r = await runResourcePolicy(
      storageCmkVersionlessKey,
      TYPES.storageAccount,
      withPath(storageInputs(), VERSION, "0123abcd"),
    );
    assert.deepEqual(r.messages, [
      'encryption.keyVaultProperties.keyVersion is pinned to "0123abcd"; remove it so the account follows key rotation.',
    ]);
  });

  it("allows a pinned version when allowPinnedKeyVersion is true", async () => {
    const r = await runResourcePolicy(
      storageCmkVersionlessKey,
      TYPES.storageAccount,
      withPath(storageInputs(), VERSION, "0123abcd"),
      {
        config: { allowPinnedKeyVersion: true },
      },
    );
    assert.deepEqual(r.messages, []);
  });

  it("ignores accounts that do not use a customer-managed key", async () => {
    const r = await runResourcePolicy(
      storageCmkVersionlessKey,
      TYPES.storageAccount,
      withPath(storageInputs(), "encryption", { keySource: "Microsoft.Storage" }),
    );
    assert.deepEqual(r.messages, []);
  });

  it("reports the preview diagnostic instead of crashing when the version is unknown", async () => {
    const r = await runResourcePolicy(
      storageCmkVersionlessKey,
      TYPES.storageAccount,
      withPath(storageInputs(), VERSION, UNKNOWN.string),
    );
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to vaults", async () => {
    assert.equal(
      (await runResourcePolicy(storageCmkVersionlessKey, TYPES.vault, vaultInputs())).notApplicable
        .length,
      1,
    );
  });
});
