import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { storageCmkIdentity } from "../../../policy/storage/cmkIdentity";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { UAI_ID, storageInputs, vaultInputs } from "../fixtures";

const FEDERATED = "encryption.encryptionIdentity.encryptionFederatedIdentityClientId";

describe("storage-cmk-identity", () => {
  it("passes an account whose encryption identity is its user-assigned identity", async () => {
    assert.deepEqual(
      (await runResourcePolicy(storageCmkIdentity, TYPES.storageAccount, storageInputs())).messages,
      [],
    );
  });

  it("matches identity ids case-insensitively and accepts the output map shape", async () => {
    let props = withPath(storageInputs(), "identity.userAssignedIdentities", {
      [UAI_ID.toUpperCase()]: {},
    });
    props = withPath(props, "identity.type", "SystemAssigned,UserAssigned");
    assert.deepEqual(
      (await runResourcePolicy(storageCmkIdentity, TYPES.storageAccount, props)).messages,
      [],
    );
  });

  it("fails when the identity is system-assigned only", async () => {
    const props = withPath(storageInputs(), "identity", { type: "SystemAssigned" });
    const r = await runResourcePolicy(storageCmkIdentity, TYPES.storageAccount, props);
    assert.deepEqual(r.messages, [
      'identity.type is "SystemAssigned"; it must include "UserAssigned".',
      `encryption.encryptionIdentity.encryptionUserAssignedIdentity "${UAI_ID}" is not one of identity.userAssignedIdentities.`,
    ]);
  });

  it("fails when the encryption identity is not set", async () => {
    const r = await runResourcePolicy(
      storageCmkIdentity,
      TYPES.storageAccount,
      withPath(storageInputs(), "encryption.encryptionIdentity", undefined),
    );
    assert.deepEqual(r.messages, [
      "encryption.encryptionIdentity.encryptionUserAssignedIdentity is not set.",
    ]);
  });

  it("fails when the encryption identity differs from the account identity", async () => {
    const other = UAI_ID.replace("id-stcmkdev", "id-other");
    const r = await runResourcePolicy(
      storageCmkIdentity,
      TYPES.storageAccount,
      withPath(
        storageInputs(),
        "encryption.encryptionIdentity.encryptionUserAssignedIdentity",
        other,
      ),
    );
    assert.deepEqual(r.messages, [
      `encryption.encryptionIdentity.encryptionUserAssignedIdentity "${other}" is not one of identity.userAssignedIdentities.`,
    ]);
  });

  it("fails when a federated client id is set without allowCrossTenant", async () => {
    const r = await runResourcePolicy(
      storageCmkIdentity,
      TYPES.storageAccount,
      withPath(storageInputs(), FEDERATED, "f00d"),
    );
    assert.deepEqual(r.messages, [
      'encryption.encryptionIdentity.encryptionFederatedIdentityClientId is set ("f00d") but cross-tenant keys are not allowed (allowCrossTenant: false).',
    ]);
  });

  it("allows a federated client id when allowCrossTenant is true", async () => {
    const r = await runResourcePolicy(
      storageCmkIdentity,
      TYPES.storageAccount,
      withPath(storageInputs(), FEDERATED, "f00d"),
      { config: { allowCrossTenant: true } },
    );
    assert.deepEqual(r.messages, []);
  });

  it("ignores accounts that do not use a customer-managed key", async () => {
    const props = withPath(
      withPath(storageInputs(), "encryption.keySource", "Microsoft.Storage"),
      "identity",
      undefined,
    );
    assert.deepEqual(
      (await runResourcePolicy(storageCmkIdentity, TYPES.storageAccount, props)).messages,
      [],
    );
  });

  it("reports the preview diagnostic instead of crashing when the identity id is unknown", async () => {
    const props = withPath(
      storageInputs(),
      "encryption.encryptionIdentity.encryptionUserAssignedIdentity",
      UNKNOWN.string,
    );
    const r = await runResourcePolicy(storageCmkIdentity, TYPES.storageAccount, props);
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to vaults", async () => {
    assert.equal(
      (await runResourcePolicy(storageCmkIdentity, TYPES.vault, vaultInputs())).notApplicable
        .length,
      1,
    );
  });
});
