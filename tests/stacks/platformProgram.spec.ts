import * as assert from "node:assert/strict";
import { parsePlatformConfig } from "../../stacks/fleetConfig";
import { deployKeyPlatform } from "../../stacks/platformProgram";
import { runPolicyAdapter } from "../../preview/policyAdapter";
import { byType, deploymentErrors, promiseOf, recorder, settled } from "../support/mocks";
import { useProviderSubscription } from "../support/providerSubscription";
import { fleetStackConfig } from "../support/stackReferences";

async function build() {
  // Forget what earlier specs left behind (their late rejections), so deploymentErrors() reports this build's only.
  await deploymentErrors();
  recorder.reset();
  const { raw, provider, file } = fleetStackConfig("platform-weu");
  const out = deployKeyPlatform(parsePlatformConfig(raw, "cmk-storage", file, provider));
  const keys = await promiseOf(out.keys);
  await settled();
  return { out, keys };
}

describe("platform stack program (stacks/fleet/Pulumi.platform-weu.yaml)", () => {
  // The platform's provider: its own key subscription, where the vault's private endpoint subnet is.
  let restore: () => void;
  before(() => (restore = useProviderSubscription("1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d")));
  after(() => restore());
  it("creates a resource group, one RBAC vault and one rotating key per platform key, and no storage account", async () => {
    await build();
    const types = recorder.resources.map((r) => r.type);
    assert.equal(types.filter((t) => t === "azure-native:resources:ResourceGroup").length, 1);
    assert.equal(types.filter((t) => t === "azure-native:keyvault:Vault").length, 1);
    assert.equal(types.filter((t) => t === "azure-native:keyvault:AccessPolicy").length, 0);
    assert.equal(types.filter((t) => t === "azure-native:storage:StorageAccount").length, 0);
    const vault = byType("azure-native:keyvault:Vault")[0];
    assert.equal(vault.inputs.properties.enableRbacAuthorization, true);
    assert.equal(vault.inputs.properties.sku.name, "premium");
    assert.deepEqual(
      byType("azure-native:keyvault:Key").map((k) => [
        k.inputs.keyName,
        k.inputs.properties.kty,
        k.inputs.properties.keySize,
        k.protect,
      ]),
      [
        ["cmkpweu-storage-cmk", "RSA-HSM", 4096, true],
        ["cmkpweu-archive-cmk", "RSA-HSM", 3072, true],
      ],
    );
  });

  it("grants the platform operators Key Vault Crypto Officer on the vault with a role assignment", async () => {
    await build();
    const grants = byType("azure-native:authorization:RoleAssignment");
    assert.equal(grants.length, 1);
    assert.equal(grants[0].inputs.principalId, "9a1c3f5e-2b4d-4c6e-8f0a-1b2c3d4e5f60");
    assert.equal(grants[0].inputs.principalType, "Group");
    assert.match(grants[0].inputs.roleDefinitionId, /14b46e9e-c2b7-41b4-b07b-48a6ebf60603$/);
    assert.match(grants[0].inputs.scope, /\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/);
  });

  it("exports each key as a plain key reference with its vault, region, tenant, type and rotation", async () => {
    const { out, keys } = await build();
    assert.deepEqual(Object.keys(keys), ["storage", "archive"]);
    const k = keys.storage;
    const vault = byType("azure-native:keyvault:Vault")[0];
    assert.deepEqual(k, {
      vault: {
        vaultId: vault.id,
        vaultUri: vault.outputs.properties.vaultUri,
        permissionModel: "rbac",
        sku: "premium",
        location: "westeurope",
        tenantId: vault.outputs.properties.tenantId,
      },
      keyName: "cmkpweu-storage-cmk",
      keyId: `${vault.id}/keys/cmkpweu-storage-cmk`,
      keyUri: k.keyUri,
      keyType: "RSA-HSM",
      keySize: 4096,
      rotation: { rotateAfter: "P90D", expiresAfter: "P1Y", notifyBefore: "P30D" },
      enabled: true,
    });
    assert.match(k.keyUri, /^https:\/\/.+\.vault\.azure\.net\/keys\/cmkpweu-storage-cmk$/);
    // Plain data: it survives JSON, the way a stack output reaches another stack.
    assert.deepEqual(JSON.parse(JSON.stringify(keys)), keys);
    assert.equal(out.location, "westeurope");
    assert.equal(out.subscriptionId, "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d");
    assert.equal(await promiseOf(out.tenantId), k.vault.tenantId);
  });
});

describe("platform stack under the fleet policy config (policy/config/fleet/platform.json)", () => {
  // The platform's provider: its own key subscription, where the vault's private endpoint subnet is.
  let restore: () => void;
  before(() => (restore = useProviderSubscription("1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d")));
  after(() => restore());

  it("passes every mandatory policy with the vault's private endpoint, hub DNS zone and audit logs", async () => {
    await build();
    assert.deepEqual(await deploymentErrors(), []);
    const outcome = await runPolicyAdapter(recorder.resources, "policy/config/fleet/platform.json");
    assert.deepEqual(
      outcome.mandatory.map((v) => `${v.policy}: ${v.message}`),
      [],
    );
    for (const guardrail of ["private-endpoint-dns-zone", "kv-audit-logs-enabled"]) {
      assert.ok(outcome.policies.some((p) => p.name === guardrail && p.level === "mandatory"));
    }
    const endpoints = byType("azure-native:network:PrivateEndpoint");
    assert.equal(endpoints.length, 1, "the vault's endpoint");
    assert.match(
      endpoints[0].inputs.subnet.id,
      /^\/subscriptions\/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d\//,
    );
  });

  it("reports resource-lock-present as advisory only: the vault carries no lock, so team grants stay deletable", async () => {
    await build();
    const outcome = await runPolicyAdapter(recorder.resources, "policy/config/fleet/platform.json");
    assert.equal(byType("azure-native:authorization:ManagementLockByScope").length, 0);
    assert.deepEqual(
      outcome.advisory.map((v) => v.policy),
      ["resource-lock-present"],
    );
    assert.ok(
      outcome.policies.some((p) => p.name === "resource-lock-present" && p.level === "advisory"),
    );
  });
});
