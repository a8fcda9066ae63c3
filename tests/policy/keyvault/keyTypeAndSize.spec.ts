import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { keyTypeAndSize } from "../../../policy/keyvault/keyTypeAndSize";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { keyInputs, vaultInputs } from "../fixtures";

describe("kv-key-type-and-size", () => {
  it("passes a 3072-bit RSA key", async () => {
    assert.deepEqual(
      (await runResourcePolicy(keyTypeAndSize, TYPES.key, keyInputs())).messages,
      [],
    );
  });

  it("fails when kty is EC", async () => {
    const r = await runResourcePolicy(
      keyTypeAndSize,
      TYPES.key,
      withPath(keyInputs(), "properties.kty", "EC"),
    );
    assert.deepEqual(r.messages, [
      'properties.kty "EC" is not allowed; use one of "RSA", "RSA-HSM".',
    ]);
  });

  it("fails when kty is not set", async () => {
    const r = await runResourcePolicy(
      keyTypeAndSize,
      TYPES.key,
      withPath(keyInputs(), "properties.kty", undefined),
    );
    assert.deepEqual(r.messages, ['properties.kty is not set; set it to one of "RSA", "RSA-HSM".']);
  });

  it("fails when an RSA key is smaller than the minimum", async () => {
    let props = withPath(keyInputs(), "properties.keySize", 1024);
    const r = await runResourcePolicy(keyTypeAndSize, TYPES.key, props);
    assert.deepEqual(r.messages, [
      "properties.keySize 1024 is below the minimum RSA key size of 2048 bits.",
    ]);
    props = withPath(keyInputs(), "properties.kty", "rsa-hsm");
    assert.deepEqual((await runResourcePolicy(keyTypeAndSize, TYPES.key, props)).messages, []);
  });

  it("treats an absent keySize as Key Vault's 2048 bits", async () => {
    const props = withPath(keyInputs(), "properties.keySize", undefined);
    assert.deepEqual((await runResourcePolicy(keyTypeAndSize, TYPES.key, props)).messages, []);
    const r = await runResourcePolicy(keyTypeAndSize, TYPES.key, props, {
      config: { minRsaKeySize: 3072 },
    });
    assert.deepEqual(r.messages, [
      "properties.keySize is not set, so Key Vault creates a 2048-bit RSA key, below the minimum of 3072 bits; set keySize to at least 3072.",
    ]);
  });

  it("honours configured allowedKeyTypes and minRsaKeySize", async () => {
    const r = await runResourcePolicy(keyTypeAndSize, TYPES.key, keyInputs(), {
      config: { allowedKeyTypes: ["RSA-HSM"], minRsaKeySize: 4096 },
    });
    assert.deepEqual(r.messages, [
      'properties.kty "RSA" is not allowed; use one of "RSA-HSM".',
      "properties.keySize 3072 is below the minimum RSA key size of 4096 bits.",
    ]);
  });

  it("reports the preview diagnostic instead of crashing when keySize is unknown", async () => {
    const r = await runResourcePolicy(
      keyTypeAndSize,
      TYPES.key,
      withPath(keyInputs(), "properties.keySize", UNKNOWN.number),
    );
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to vaults", async () => {
    assert.deepEqual(
      (await runResourcePolicy(keyTypeAndSize, TYPES.vault, vaultInputs())).notApplicable,
      ["Policy only applies to resources of type 'azure-native:keyvault:Key'"],
    );
  });
});
