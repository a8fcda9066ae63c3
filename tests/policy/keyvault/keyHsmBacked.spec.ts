import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { keyHsmBacked } from "../../../policy/keyvault/keyHsmBacked";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { keyInputs, vaultInputs } from "../fixtures";

describe("kv-key-hsm-backed", () => {
  it("passes RSA-HSM and EC-HSM keys, case-insensitively", async () => {
    for (const kty of ["RSA-HSM", "ec-hsm"]) {
      assert.deepEqual(
        (
          await runResourcePolicy(
            keyHsmBacked,
            TYPES.key,
            withPath(keyInputs(), "properties.kty", kty),
          )
        ).messages,
        [],
        kty,
      );
    }
  });

  it("fails when the key is a software RSA key, as an advisory by default", async () => {
    const r = await runResourcePolicy(keyHsmBacked, TYPES.key, keyInputs());
    assert.deepEqual(r.messages, [
      'properties.kty is "RSA"; use an HSM-backed type ("RSA-HSM" or "EC-HSM").',
    ]);
    assert.equal(r.violations[0]?.enforcementLevel, "advisory");
  });

  it("fails when kty is not set", async () => {
    const r = await runResourcePolicy(
      keyHsmBacked,
      TYPES.key,
      withPath(keyInputs(), "properties.kty", undefined),
    );
    assert.deepEqual(r.messages, [
      'properties.kty is null; use an HSM-backed type ("RSA-HSM" or "EC-HSM").',
    ]);
  });

  it("becomes mandatory with the prod config level", async () => {
    const r = await runResourcePolicy(keyHsmBacked, TYPES.key, keyInputs(), {
      config: { enforcementLevel: "mandatory" },
    });
    assert.equal(r.violations[0]?.enforcementLevel, "mandatory");
  });

  it("reports the preview diagnostic instead of crashing when kty is unknown", async () => {
    const r = await runResourcePolicy(
      keyHsmBacked,
      TYPES.key,
      withPath(keyInputs(), "properties.kty", UNKNOWN.string),
    );
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to vaults", async () => {
    assert.equal(
      (await runResourcePolicy(keyHsmBacked, TYPES.vault, vaultInputs())).notApplicable.length,
      1,
    );
  });
});
