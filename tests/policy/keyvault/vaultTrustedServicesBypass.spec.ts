import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { vaultTrustedServicesBypass } from "../../../policy/keyvault/vaultTrustedServicesBypass";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { keyInputs, vaultInputs } from "../fixtures";

describe("kv-network-trusted-services-bypass", () => {
  it("passes a denying firewall with the AzureServices bypass", async () => {
    assert.deepEqual(
      (await runResourcePolicy(vaultTrustedServicesBypass, TYPES.vault, vaultInputs())).messages,
      [],
    );
  });

  it("passes an open vault without networkAcls", async () => {
    const r = await runResourcePolicy(
      vaultTrustedServicesBypass,
      TYPES.vault,
      withPath(vaultInputs(), "properties.networkAcls", undefined),
    );
    assert.deepEqual(r.messages, []);
  });

  it("fails when the firewall denies and bypass is None", async () => {
    const r = await runResourcePolicy(
      vaultTrustedServicesBypass,
      TYPES.vault,
      withPath(vaultInputs(), "properties.networkAcls.bypass", "None"),
    );
    assert.deepEqual(r.messages, [
      'properties.networkAcls.defaultAction is "Deny" but properties.networkAcls.bypass is "None"; set it to "AzureServices" so Azure Storage can reach the key.',
    ]);
  });

  it("fails when public network access is disabled and no bypass is set", async () => {
    let props = withPath(vaultInputs(), "properties.networkAcls", undefined);
    props = withPath(props, "properties.publicNetworkAccess", "Disabled");
    const r = await runResourcePolicy(vaultTrustedServicesBypass, TYPES.vault, props);
    assert.deepEqual(r.messages, [
      'public network access is disabled but properties.networkAcls.bypass is null; set it to "AzureServices" so Azure Storage can reach the key.',
    ]);
  });

  it("compares the bypass case-insensitively", async () => {
    const r = await runResourcePolicy(
      vaultTrustedServicesBypass,
      TYPES.vault,
      withPath(vaultInputs(), "properties.networkAcls.bypass", "azureservices"),
    );
    assert.deepEqual(r.messages, []);
  });

  it("reports the preview diagnostic instead of crashing when the bypass is unknown", async () => {
    const r = await runResourcePolicy(
      vaultTrustedServicesBypass,
      TYPES.vault,
      withPath(vaultInputs(), "properties.networkAcls.bypass", UNKNOWN.string),
    );
    assert.equal(r.previewUnknown.length, 1);
  });

  it("is not applicable to keys", async () => {
    assert.equal(
      (await runResourcePolicy(vaultTrustedServicesBypass, TYPES.key, keyInputs())).notApplicable
        .length,
      1,
    );
  });
});
