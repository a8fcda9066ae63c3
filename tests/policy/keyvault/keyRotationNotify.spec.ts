import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { keyRotationNotify } from "../../../policy/keyvault/keyRotationNotify";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { keyInputs, vaultInputs } from "../fixtures";

describe("kv-key-rotation-notify", () => {
  it("passes a rotation policy with a notify action", async () => {
    assert.deepEqual(
      (await runResourcePolicy(keyRotationNotify, TYPES.key, keyInputs())).messages,
      [],
    );
  });

  it("fails when the rotation policy has no notify action", async () => {
    const props = withPath(keyInputs(), "properties.rotationPolicy.lifetimeActions", [
      { action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } },
    ]);
    const r = await runResourcePolicy(keyRotationNotify, TYPES.key, props);
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy has no "notify" lifetime action; add one (for example timeBeforeExpiry "P30D") so owners hear about expiring key versions.',
    ]);
    assert.equal(r.violations[0]?.enforcementLevel, "advisory");
  });

  it("fails when there is no rotation policy at all", async () => {
    const r = await runResourcePolicy(
      keyRotationNotify,
      TYPES.key,
      withPath(keyInputs(), "properties.rotationPolicy", undefined),
    );
    assert.equal(r.messages.length, 1);
  });

  it("can be made mandatory through config", async () => {
    const props = withPath(keyInputs(), "properties.rotationPolicy", undefined);
    const r = await runResourcePolicy(keyRotationNotify, TYPES.key, props, {
      config: { enforcementLevel: "mandatory" },
    });
    assert.equal(r.violations[0]?.enforcementLevel, "mandatory");
  });

  it("reports the preview diagnostic instead of crashing when the actions are unknown", async () => {
    const r = await runResourcePolicy(
      keyRotationNotify,
      TYPES.key,
      withPath(keyInputs(), "properties.rotationPolicy.lifetimeActions", UNKNOWN.array),
    );
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to vaults", async () => {
    assert.equal(
      (await runResourcePolicy(keyRotationNotify, TYPES.vault, vaultInputs())).notApplicable.length,
      1,
    );
  });
});
