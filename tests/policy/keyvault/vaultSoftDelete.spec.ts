import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { vaultSoftDelete } from "../../../policy/keyvault/vaultSoftDelete";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { storageInputs, vaultInputs } from "../fixtures";

describe("kv-soft-delete-enabled", () => {
  it("passes a vault with the SDK default enableSoftDelete: true", async () => {
    const r = await runResourcePolicy(vaultSoftDelete, TYPES.vault, vaultInputs());
    assert.deepEqual(r.messages, []);
  });

  it("fails when enableSoftDelete is false", async () => {
    const r = await runResourcePolicy(
      vaultSoftDelete,
      TYPES.vault,
      withPath(vaultInputs(), "properties.enableSoftDelete", false),
    );
    assert.deepEqual(r.messages, [
      "properties.enableSoftDelete is false; soft delete must stay enabled.",
    ]);
  });

  it("treats an absent enableSoftDelete as enabled (Azure's default)", async () => {
    const r = await runResourcePolicy(
      vaultSoftDelete,
      TYPES.vault,
      withPath(vaultInputs(), "properties.enableSoftDelete", undefined),
    );
    assert.deepEqual(r.messages, []);
  });

  it("skips a vault created with createMode recover", async () => {
    let props = withPath(vaultInputs(), "properties.enableSoftDelete", false);
    props = withPath(props, "properties.createMode", "Recover");
    const r = await runResourcePolicy(vaultSoftDelete, TYPES.vault, props);
    assert.deepEqual(r.messages, []);
  });

  it("does not crash on a vault without properties", async () => {
    const r = await runResourcePolicy(vaultSoftDelete, TYPES.vault, { location: "westeurope" });
    assert.deepEqual(r.messages, []);
  });

  it("reports the preview diagnostic instead of crashing when enableSoftDelete is unknown", async () => {
    const r = await runResourcePolicy(
      vaultSoftDelete,
      TYPES.vault,
      withPath(vaultInputs(), "properties.enableSoftDelete", UNKNOWN.boolean),
    );
    assert.deepEqual(r.messages, []);
    assert.equal(r.previewUnknown.length, 1);
    assert.match(
      r.previewUnknown[0] ?? "",
      /can't run policy 'kv-soft-delete-enabled' from policy pack 'cmk-guard@v0\.1\.0' during preview: boolean value at \.properties\.enableSoftDelete can't be known during preview/,
    );
  });

  it("is not applicable to other resource types", async () => {
    const r = await runResourcePolicy(vaultSoftDelete, TYPES.storageAccount, storageInputs());
    assert.deepEqual(r.notApplicable, [
      "Policy only applies to resources of type 'azure-native:keyvault:Vault'",
    ]);
  });
});
