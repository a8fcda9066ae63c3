import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { keyRotationPolicy } from "../../../policy/keyvault/keyRotationPolicy";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { keyInputs, vaultInputs } from "../fixtures";

const ACTIONS = "properties.rotationPolicy.lifetimeActions";

describe("kv-key-rotation-policy", () => {
  it("passes a key that rotates 90 days after creation", async () => {
    assert.deepEqual(
      (await runResourcePolicy(keyRotationPolicy, TYPES.key, keyInputs())).messages,
      [],
    );
  });

  it("passes a rotate action expressed as expiryTime minus timeBeforeExpiry, with months as 30 days", async () => {
    const props = withPath(keyInputs(), ACTIONS, [
      { action: { type: "Rotate" }, trigger: { timeBeforeExpiry: "P2M" } },
    ]);
    // P1Y - P2M = 365 - 60 = 305 days
    assert.deepEqual((await runResourcePolicy(keyRotationPolicy, TYPES.key, props)).messages, []);
    const r = await runResourcePolicy(keyRotationPolicy, TYPES.key, props, {
      config: { maxDaysToRotate: 300 },
    });
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy: rotate action fires 305 days after creation (expiryTime "P1Y" minus timeBeforeExpiry "P2M"), later than the maximum of 300 days.',
    ]);
  });

  it("fails when the key has no rotation policy", async () => {
    const r = await runResourcePolicy(
      keyRotationPolicy,
      TYPES.key,
      withPath(keyInputs(), "properties.rotationPolicy", undefined),
    );
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy is not set; add a rotation policy with a "rotate" lifetime action.',
    ]);
  });

  it("fails when the rotation policy has only a notify action", async () => {
    const props = withPath(keyInputs(), ACTIONS, [
      { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
    ]);
    const r = await runResourcePolicy(keyRotationPolicy, TYPES.key, props);
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy has no "rotate" lifetime action, so the key is never rotated automatically.',
    ]);
  });

  it("fails when the rotation fires later than the default 365 days", async () => {
    const props = withPath(keyInputs(), ACTIONS, [
      { action: { type: "rotate" }, trigger: { timeAfterCreate: "P1Y1M" } },
    ]);
    const r = await runResourcePolicy(keyRotationPolicy, TYPES.key, props);
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy: rotate action fires 395 days after creation (timeAfterCreate "P1Y1M"), later than the maximum of 365 days.',
    ]);
  });

  it("fails when the trigger is not an ISO-8601 duration", async () => {
    const props = withPath(keyInputs(), ACTIONS, [
      { action: { type: "rotate" }, trigger: { timeAfterCreate: "90 days" } },
    ]);
    const r = await runResourcePolicy(keyRotationPolicy, TYPES.key, props);
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy: rotate trigger timeAfterCreate "90 days" is not a valid ISO-8601 duration.',
    ]);
  });

  it("fails when the rotate action has no trigger", async () => {
    const props = withPath(keyInputs(), ACTIONS, [{ action: { type: "rotate" } }]);
    const r = await runResourcePolicy(keyRotationPolicy, TYPES.key, props);
    assert.deepEqual(r.messages, [
      "properties.rotationPolicy: rotate lifetime action has no trigger; set timeAfterCreate or timeBeforeExpiry.",
    ]);
  });

  it("fails when timeBeforeExpiry is used without an expiryTime", async () => {
    let props = withPath(keyInputs(), ACTIONS, [
      { action: { type: "rotate" }, trigger: { timeBeforeExpiry: "P30D" } },
    ]);
    props = withPath(props, "properties.rotationPolicy.attributes", undefined);
    const r = await runResourcePolicy(keyRotationPolicy, TYPES.key, props);
    assert.deepEqual(r.messages, [
      "properties.rotationPolicy: rotate trigger uses timeBeforeExpiry but the rotation policy has no valid expiryTime.",
    ]);
  });

  it("reports the preview diagnostic instead of crashing when the trigger is unknown", async () => {
    const props = withPath(keyInputs(), ACTIONS, [
      { action: { type: "rotate" }, trigger: { timeAfterCreate: UNKNOWN.string } },
    ]);
    const r = await runResourcePolicy(keyRotationPolicy, TYPES.key, props);
    assert.equal(r.previewUnknown.length, 1);
    assert.deepEqual(r.messages, []);
  });

  it("is not applicable to vaults", async () => {
    assert.equal(
      (await runResourcePolicy(keyRotationPolicy, TYPES.vault, vaultInputs())).notApplicable.length,
      1,
    );
  });
});
