import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { vaultPurgeProtection } from "../../../policy/keyvault/vaultPurgeProtection";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { keyInputs, vaultInputs } from "../fixtures";

describe("kv-purge-protection-enabled", () => {
  it("passes a vault with enablePurgeProtection: true", async () => {
    assert.deepEqual(
      (await runResourcePolicy(vaultPurgeProtection, TYPES.vault, vaultInputs())).messages,
      [],
    );
  });

  it("fails when enablePurgeProtection is absent", async () => {
    const r = await runResourcePolicy(
      vaultPurgeProtection,
      TYPES.vault,
      withPath(vaultInputs(), "properties.enablePurgeProtection", undefined),
    );
    assert.deepEqual(r.messages, ["properties.enablePurgeProtection is not set; it must be true."]);
  });

  it("fails when enablePurgeProtection is false", async () => {
    const r = await runResourcePolicy(
      vaultPurgeProtection,
      TYPES.vault,
      withPath(vaultInputs(), "properties.enablePurgeProtection", false),
    );
    assert.deepEqual(r.messages, ["properties.enablePurgeProtection is false; it must be true."]);
  });

  it("fails when the vault has no properties at all", async () => {
    const r = await runResourcePolicy(vaultPurgeProtection, TYPES.vault, {});
    assert.deepEqual(r.messages, ["properties.enablePurgeProtection is not set; it must be true."]);
  });

  it("reports the preview diagnostic instead of crashing when the flag is unknown", async () => {
    const r = await runResourcePolicy(
      vaultPurgeProtection,
      TYPES.vault,
      withPath(vaultInputs(), "properties.enablePurgeProtection", UNKNOWN.boolean),
    );
    assert.deepEqual(r.messages, []);
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to keys", async () => {
    assert.equal(
      (await runResourcePolicy(vaultPurgeProtection, TYPES.key, keyInputs())).notApplicable.length,
      1,
    );
  });
});
