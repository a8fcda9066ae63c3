import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { vaultNetworkRestricted } from "../../../policy/keyvault/vaultNetworkRestricted";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { keyInputs, vaultInputs } from "../fixtures";

describe("kv-network-restricted", () => {
  it("passes a vault whose firewall denies by default", async () => {
    assert.deepEqual(
      (await runResourcePolicy(vaultNetworkRestricted, TYPES.vault, vaultInputs())).messages,
      [],
    );
  });

  it("passes a vault with public network access disabled, compared case-insensitively", async () => {
    let props = withPath(vaultInputs(), "properties.networkAcls", undefined);
    props = withPath(props, "properties.publicNetworkAccess", "DISABLED");
    assert.deepEqual(
      (await runResourcePolicy(vaultNetworkRestricted, TYPES.vault, props)).messages,
      [],
    );
  });

  it("fails when the SDK default publicNetworkAccess is enabled and there is no firewall", async () => {
    const r = await runResourcePolicy(
      vaultNetworkRestricted,
      TYPES.vault,
      withPath(vaultInputs(), "properties.networkAcls", undefined),
    );
    assert.deepEqual(r.messages, [
      'properties.publicNetworkAccess is "enabled" and properties.networkAcls.defaultAction is null; disable public network access or set the firewall\'s defaultAction to "Deny".',
    ]);
  });

  it("fails when the firewall allows by default", async () => {
    const r = await runResourcePolicy(
      vaultNetworkRestricted,
      TYPES.vault,
      withPath(vaultInputs(), "properties.networkAcls.defaultAction", "Allow"),
    );
    assert.deepEqual(r.messages, [
      'properties.publicNetworkAccess is "enabled" and properties.networkAcls.defaultAction is "Allow"; disable public network access or set the firewall\'s defaultAction to "Deny".',
    ]);
  });

  it("is advisory by default", () => {
    assert.equal(vaultNetworkRestricted.enforcementLevel, "advisory");
  });

  it("reports the preview diagnostic instead of crashing when publicNetworkAccess is unknown", async () => {
    const r = await runResourcePolicy(
      vaultNetworkRestricted,
      TYPES.vault,
      withPath(vaultInputs(), "properties.publicNetworkAccess", UNKNOWN.string),
    );
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to keys", async () => {
    assert.equal(
      (await runResourcePolicy(vaultNetworkRestricted, TYPES.key, keyInputs())).notApplicable
        .length,
      1,
    );
  });
});
