import * as assert from "node:assert/strict";
import { runPolicyAdapter } from "../../preview/policyAdapter";
import type { RecordedResource } from "../../preview/recorder";
import { parseTeamConfig } from "../../stacks/fleetConfig";
import type { PlatformKeyReference } from "../../stacks/platformProgram";
import { deployTeamStack, pickPlatformKey } from "../../stacks/teamProgram";
import { byType, deploymentErrors, errorOf, promiseOf, recorder, settled } from "../support/mocks";
import { useProviderSubscription } from "../support/providerSubscription";
import { clearStackOutputs, fleetStackConfig, setStackOutputs } from "../support/stackReferences";

/** The guardrails policy/config/fleet/team.json makes mandatory, as policy/config/prod.json does. */
const GUARDRAILS = [
  "storage-account-reachable",
  "private-endpoint-dns-zone",
  "storage-audit-logs-enabled",
  "resource-lock-present",
  "storage-blob-soft-delete",
  "storage-container-soft-delete",
  "storage-blob-versioning",
];
const PLATFORM_SUB = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d";
const VAULT_ID = `/subscriptions/${PLATFORM_SUB}/resourceGroups/rg-cmk-platform-weu/providers/Microsoft.KeyVault/vaults/cmkpweu-kv-a1b2c3`;

function keyRef(keyName: string, overrides: Partial<PlatformKeyReference["vault"]> = {}) {
  return {
    vault: {
      vaultId: VAULT_ID,
      vaultUri: "https://cmkpweu-kv-a1b2c3.vault.azure.net/",
      permissionModel: "rbac",
      sku: "premium",
      location: "westeurope",
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      ...overrides,
    },
    keyName,
    keyId: `${VAULT_ID}/keys/${keyName}`,
    keyUri: `https://cmkpweu-kv-a1b2c3.vault.azure.net/keys/${keyName}`,
    keyType: "RSA-HSM",
    keySize: 4096,
    rotation: { rotateAfter: "P90D", expiresAfter: "P1Y", notifyBefore: "P30D" },
    enabled: true,
  };
}

async function build(
  keys: Record<string, unknown>,
  stack = "team-payments",
  overrides: Record<string, string | undefined> = {},
) {
  // Forget what earlier specs left behind (their late rejections), so deploymentErrors() reports this build's only.
  await deploymentErrors();
  recorder.reset();
  clearStackOutputs();
  setStackOutputs("acme/cmk-storage/platform-weu", { keys });
  const { raw, provider, file } = fleetStackConfig(stack);
  const out = deployTeamStack(
    parseTeamConfig({ ...raw, ...overrides }, "cmk-storage", file, provider),
  );
  await settled();
  return out;
}

describe("team stack program (stacks/fleet/Pulumi.team-*.yaml)", () => {
  // The team's provider: team-payments' own subscription, where its private endpoint's subnet is.
  let restore: () => void;
  before(() => (restore = useProviderSubscription("2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e")));
  after(() => {
    restore();
    clearStackOutputs();
  });

  it("reads the platform's keys through a StackReference named by cmk-storage:platformStack", async () => {
    await build({ storage: keyRef("cmkpweu-storage-cmk") });
    // The read is not a registration: the recorder sees what the program builds from it.
    const account = byType("azure-native:storage:StorageAccount");
    assert.equal(account.length, 1);
    assert.deepEqual(account[0].inputs.encryption.keyVaultProperties, {
      keyName: "cmkpweu-storage-cmk",
      keyVaultUri: "https://cmkpweu-kv-a1b2c3.vault.azure.net",
    });
  });

  it("creates the team's resource group, identity and account, and no vault or key", async () => {
    const out = await build({ storage: keyRef("cmkpweu-storage-cmk") });
    assert.equal(byType("azure-native:keyvault:Vault").length, 0);
    assert.equal(byType("azure-native:keyvault:Key").length, 0);
    assert.equal(byType("azure-native:keyvault:AccessPolicy").length, 0);
    const rg = byType("azure-native:resources:ResourceGroup");
    assert.deepEqual(
      rg.map((r) => [r.inputs.resourceGroupName, r.inputs.location]),
      [["rg-payments-storage-weu", "westeurope"]],
    );
    const account = byType("azure-native:storage:StorageAccount")[0];
    assert.equal(account.inputs.resourceGroupName, "rg-payments-storage-weu");
    assert.equal(account.protect, true);
    assert.deepEqual(Object.keys(out.accounts), ["payments"]);
    assert.equal(out.platformStack, "acme/cmk-storage/platform-weu");
    assert.equal(await promiseOf(out.platformKey), "storage");
  });

  it("grants the account's identity Key Vault Crypto Service Encryption User on the platform's key, across subscriptions", async () => {
    await build({ storage: keyRef("cmkpweu-storage-cmk") });
    const grants = byType("azure-native:authorization:RoleAssignment");
    assert.equal(grants.length, 1);
    const identity = byType("azure-native:managedidentity:UserAssignedIdentity")[0];
    assert.equal(grants[0].inputs.principalId, identity.outputs.principalId);
    assert.equal(grants[0].inputs.principalType, "ServicePrincipal");
    assert.equal(grants[0].inputs.scope, `${VAULT_ID}/keys/cmkpweu-storage-cmk`);
    // The role definition of the vault's subscription (the platform's), not the team's.
    assert.equal(
      grants[0].inputs.roleDefinitionId,
      `/subscriptions/${PLATFORM_SUB}/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6`,
    );
    const account = byType("azure-native:storage:StorageAccount")[0];
    const sleep = byType("time:index/sleep:Sleep");
    assert.equal(sleep.length, 1, "the account waits for RBAC propagation");
    assert.ok(account.dependencies.includes(sleep[0].urn));
  });

  it("tags the account with the platform stack and key it uses", async () => {
    await build({ storage: keyRef("cmkpweu-storage-cmk"), archive: keyRef("cmkpweu-archive-cmk") });
    const account = byType("azure-native:storage:StorageAccount")[0];
    assert.equal(account.inputs.tags.cmkPlatformStack, "acme/cmk-storage/platform-weu");
    assert.equal(account.inputs.tags.cmkPlatformKey, "storage");
    assert.equal(account.inputs.tags.team, "payments");
  });

  it("uses the key named by cmk-storage:platformKey when the platform exports several", async () => {
    await build(
      { storage: keyRef("cmkpweu-storage-cmk"), archive: keyRef("cmkpweu-archive-cmk") },
      "team-analytics",
    );
    const account = byType("azure-native:storage:StorageAccount")[0];
    assert.equal(account.inputs.encryption.keyVaultProperties.keyName, "cmkpweu-archive-cmk");
  });

  it("fails when the platform's key is in another region than the team, naming both regions", async () => {
    await build({ storage: keyRef("cmkpweu-storage-cmk", { location: "northeurope" }) });
    const errors = await deploymentErrors();
    assert.ok(
      errors.some((e) =>
        /location: must match the key vault's region "northeurope", got "westeurope"/.test(e),
      ),
      errors.join("\n"),
    );
    assert.equal(byType("azure-native:storage:StorageAccount").length, 0);
  });

  it("fails when cmk-storage:platformKey names no key of the platform, listing its keys", async () => {
    await build({ other: keyRef("cmkpweu-other-cmk") });
    const errors = await deploymentErrors();
    assert.ok(
      errors.some((e) =>
        e.includes(
          'cmk-storage:platformKey "storage" is not a key of platform stack acme/cmk-storage/platform-weu; its keys are other',
        ),
      ),
      errors.join("\n"),
    );
    assert.equal(byType("azure-native:storage:StorageAccount").length, 0);
  });
});

describe("team stack under the fleet policy config (policy/config/fleet/team.json)", () => {
  // The team's provider: its own subscription (team-payments'), where its private endpoint's subnet is.
  let restore: () => void;
  before(() => (restore = useProviderSubscription("2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e")));
  after(() => {
    restore();
    clearStackOutputs();
  });

  /** The StackReference read as the engine records it: `{ name, outputs, secretOutputNames }`. */
  function stackReference(keys: Record<string, unknown>): RecordedResource {
    const props = {
      name: "acme/cmk-storage/platform-weu",
      outputs: { keys },
      secretOutputNames: [],
    };
    return {
      urn: "urn:pulumi:test::cmk-storage::pulumi:pulumi:StackReference::platform",
      type: "pulumi:pulumi:StackReference",
      name: "platform",
      custom: true,
      id: "acme/cmk-storage/platform-weu",
      parent: undefined,
      inputs: { name: props.name },
      outputs: props,
      dependencies: [],
      propertyDependencies: {},
      protect: false,
      retainOnDelete: false,
      aliases: [],
    };
  }

  async function verdict(keys: Record<string, unknown>) {
    await build(keys);
    return runPolicyAdapter(
      [...recorder.resources, stackReference(keys)],
      "policy/config/fleet/team.json",
    );
  }

  it("passes every mandatory policy, cmk-cross-stack-key included, with the platform's HSM key", async () => {
    const outcome = await verdict({ storage: keyRef("cmkpweu-storage-cmk") });
    assert.deepEqual(
      outcome.mandatory.map((v) => `${v.policy}: ${v.message}`),
      [],
    );
    assert.ok(
      outcome.policies.some((p) => p.name === "cmk-cross-stack-key" && p.level === "mandatory"),
    );
    for (const guardrail of GUARDRAILS) {
      assert.ok(
        outcome.policies.some((p) => p.name === guardrail && p.level === "mandatory"),
        `${guardrail} is mandatory for team stacks`,
      );
    }
    assert.equal(byType("azure-native:network:PrivateEndpoint").length, 1, "the blob endpoint");
    assert.equal(byType("azure-native:authorization:ManagementLockByScope").length, 1);
  });

  it("fails storage-account-reachable when the team has no private endpoint (and the firewall lets nothing in)", async () => {
    await build({ storage: keyRef("cmkpweu-storage-cmk") }, "team-payments", {
      teams: JSON.stringify({ payments: {} }),
      accountPrivateEndpoints: "[]",
    });
    const outcome = await runPolicyAdapter(
      [...recorder.resources, stackReference({ storage: keyRef("cmkpweu-storage-cmk") })],
      "policy/config/fleet/team.json",
    );
    assert.deepEqual(
      outcome.mandatory.map((v) => v.policy),
      ["storage-account-reachable"],
    );
    assert.match(outcome.mandatory[0].message, /is unreachable: publicNetworkAccess is "Disabled"/);
  });

  it("fails cmk-cross-stack-key when the platform's key is a software key (the team config allows HSM keys only)", async () => {
    const outcome = await verdict({
      storage: { ...keyRef("cmkpweu-storage-cmk"), keyType: "RSA", keySize: 3072 },
    });
    assert.deepEqual(
      outcome.mandatory.map((v) => v.policy),
      ["cmk-cross-stack-key"],
    );
    assert.match(outcome.mandatory[0].message, /kty "RSA" is not allowed; use one of "RSA-HSM"/);
  });
});

describe("pickPlatformKey", () => {
  const keys = { storage: keyRef("a"), archive: keyRef("b") };

  it("picks the only key when none is named", () => {
    assert.equal(pickPlatformKey({ storage: keyRef("a") }, undefined, "o/p/s").id, "storage");
  });

  it("fails when several keys are exported and none is named, listing them", () => {
    assert.match(
      errorOf(() => pickPlatformKey(keys, undefined, "o/p/s")).message,
      /cmk-storage:platformKey is required: platform stack o\/p\/s exports 2 keys \(storage, archive\)/,
    );
  });

  it("fails when the platform exports no keys (not deployed yet, or the wrong stack)", () => {
    assert.match(
      errorOf(() => pickPlatformKey(undefined, undefined, "o/p/s")).message,
      /platform stack o\/p\/s \(cmk-storage:platformStack\) exports no keys/,
    );
  });

  it("fails when the key's vault is not RBAC, since no other grant can be made from another stack", () => {
    assert.match(
      errorOf(() =>
        pickPlatformKey(
          { storage: keyRef("a", { permissionModel: "accessPolicy" as "rbac" }) },
          "storage",
          "o/p/s",
        ),
      ).message,
      /permission model "accessPolicy"; a team stack in another subscription can only be granted with an Azure role assignment/,
    );
  });

  it("fails when the reference lacks the fields an account needs", () => {
    assert.match(
      errorOf(() => pickPlatformKey({ storage: { keyName: "a" } }, "storage", "o/p/s")).message,
      /keys\.storage of platform stack o\/p\/s is not a key reference \(missing vault, keyId\)/,
    );
  });

  it("fails when the reference lacks the key id (the grant's scope) or the vault's location and tenant (the colocation checks)", () => {
    const ref = keyRef("a") as unknown as Record<string, unknown>;
    const { keyId: _keyId, ...withoutKeyId } = ref;
    const vault = ref.vault as Record<string, unknown>;
    const { location: _location, ...vaultWithoutLocation } = vault;
    assert.match(
      errorOf(() =>
        pickPlatformKey(
          { storage: { ...withoutKeyId, vault: { ...vaultWithoutLocation, tenantId: "" } } },
          "storage",
          "o/p/s",
        ),
      ).message,
      /keys\.storage of platform stack o\/p\/s is not a key reference \(missing vault\.location, vault\.tenantId, keyId\)/,
    );
  });
});
