import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { vaultSoftDeleteRetention } from "../../../policy/keyvault/vaultSoftDeleteRetention";
import {
  UNKNOWN,
  makeResourceArgs,
  runResourcePolicy,
  withPath,
} from "../../support/policyHarness";
import { keyInputs, vaultInputs } from "../fixtures";

describe("kv-soft-delete-retention", () => {
  it("passes the SDK default retention of 90 days", async () => {
    const r = await runResourcePolicy(vaultSoftDeleteRetention, TYPES.vault, vaultInputs());
    assert.deepEqual(r.messages, []);
  });

  it("fails when softDeleteRetentionInDays is below the default minimum of 90", async () => {
    const r = await runResourcePolicy(
      vaultSoftDeleteRetention,
      TYPES.vault,
      withPath(vaultInputs(), "properties.softDeleteRetentionInDays", 30),
    );
    assert.deepEqual(r.messages, [
      "properties.softDeleteRetentionInDays is 30; it must be at least 90 days.",
    ]);
  });

  it("treats an absent softDeleteRetentionInDays as Azure's 90 days", async () => {
    const r = await runResourcePolicy(
      vaultSoftDeleteRetention,
      TYPES.vault,
      withPath(vaultInputs(), "properties.softDeleteRetentionInDays", undefined),
    );
    assert.deepEqual(r.messages, []);
  });

  it("accepts a shorter retention when minRetentionDays is configured", async () => {
    const props = withPath(vaultInputs(), "properties.softDeleteRetentionInDays", 7);
    assert.deepEqual(
      (
        await runResourcePolicy(vaultSoftDeleteRetention, TYPES.vault, props, {
          config: { minRetentionDays: 7 },
        })
      ).messages,
      [],
    );
    assert.deepEqual(
      (
        await runResourcePolicy(vaultSoftDeleteRetention, TYPES.vault, props, {
          config: { minRetentionDays: 30 },
        })
      ).messages,
      ["properties.softDeleteRetentionInDays is 7; it must be at least 30 days."],
    );
  });

  it("applies the default minimum when no config is supplied at all", async () => {
    const args = makeResourceArgs({
      type: TYPES.vault,
      name: "v",
      props: withPath(vaultInputs(), "properties.softDeleteRetentionInDays", 89),
    });
    const messages: string[] = [];
    const validate = vaultSoftDeleteRetention.validateResource;
    assert.ok(typeof validate === "function");
    await validate(args, (m) => messages.push(m));
    assert.deepEqual(messages, [
      "properties.softDeleteRetentionInDays is 89; it must be at least 90 days.",
    ]);
  });

  it("reports the preview diagnostic instead of crashing when the retention is unknown", async () => {
    const r = await runResourcePolicy(
      vaultSoftDeleteRetention,
      TYPES.vault,
      withPath(vaultInputs(), "properties.softDeleteRetentionInDays", UNKNOWN.number),
    );
    assert.deepEqual(r.messages, []);
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to keys", async () => {
    const r = await runResourcePolicy(vaultSoftDeleteRetention, TYPES.key, keyInputs());
    assert.equal(r.notApplicable.length, 1);
  });
});
