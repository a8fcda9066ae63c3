import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { keyRotationExpiry } from "../../../policy/keyvault/keyRotationExpiry";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { keyInputs, vaultInputs } from "../fixtures";

const EXPIRY = "properties.rotationPolicy.attributes.expiryTime";

describe("kv-key-rotation-expiry", () => {
  it("passes an expiry of one year", async () => {
    assert.deepEqual(
      (await runResourcePolicy(keyRotationExpiry, TYPES.key, keyInputs())).messages,
      [],
    );
  });

  it("passes the minimum expiry of P28D and P4W", async () => {
    for (const v of ["P28D", "P4W", "P1M"]) {
      assert.deepEqual(
        (await runResourcePolicy(keyRotationExpiry, TYPES.key, withPath(keyInputs(), EXPIRY, v)))
          .messages,
        [],
        v,
      );
    }
  });

  it("fails when expiryTime is shorter than 28 days", async () => {
    const r = await runResourcePolicy(
      keyRotationExpiry,
      TYPES.key,
      withPath(keyInputs(), EXPIRY, "P27D"),
    );
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy.attributes.expiryTime "P27D" is 27 days, shorter than Key Vault\'s minimum of 28 days.',
    ]);
  });

  it("fails when expiryTime is not set", async () => {
    const r = await runResourcePolicy(
      keyRotationExpiry,
      TYPES.key,
      withPath(keyInputs(), EXPIRY, undefined),
    );
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy.attributes.expiryTime is not set, so new key versions never expire; set it (for example "P1Y").',
    ]);
  });

  it("fails when there is no rotation policy", async () => {
    const r = await runResourcePolicy(
      keyRotationExpiry,
      TYPES.key,
      withPath(keyInputs(), "properties.rotationPolicy", undefined),
    );
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy is not set, so new key versions have no expiry; set rotationPolicy.attributes.expiryTime (for example "P1Y").',
    ]);
  });

  it("fails when expiryTime is not an ISO-8601 duration", async () => {
    const r = await runResourcePolicy(
      keyRotationExpiry,
      TYPES.key,
      withPath(keyInputs(), EXPIRY, "1 year"),
    );
    assert.deepEqual(r.messages, [
      'properties.rotationPolicy.attributes.expiryTime "1 year" is not a valid ISO-8601 duration.',
    ]);
  });

  it("reports the preview diagnostic instead of crashing when expiryTime is unknown", async () => {
    const r = await runResourcePolicy(
      keyRotationExpiry,
      TYPES.key,
      withPath(keyInputs(), EXPIRY, UNKNOWN.string),
    );
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to vaults", async () => {
    assert.equal(
      (await runResourcePolicy(keyRotationExpiry, TYPES.vault, vaultInputs())).notApplicable.length,
      1,
    );
  });
});
