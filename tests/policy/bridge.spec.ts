/**
 * Bridge tests: the real components and each stack config, registered under mocks, fed into the real policy pack with
 * the engine's semantics (resource policies see inputs, stack policies see outputs with the dependency graph).
 */
import * as assert from "node:assert/strict";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { parseVaultId } from "../../components/armId";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import { CmkStorageAccount } from "../../components/cmkStorageAccount";
import { ManagedKeyRotation } from "../../components/managedKeyRotation";
import type { KeyReference } from "../../components/references";
import { SecureVault } from "../../components/secureVault";
import { runPolicyAdapter, type PolicyOutcome } from "../../preview/policyAdapter";
import { parseStackConfig } from "../../stacks/config";
import { deployCmkPlatform } from "../../stacks/program";
import { promiseOf, recorder, settled } from "../support/mocks";
import { rawStackConfig, REPO, STACKS } from "../support/stackFiles";

const configFor = (stack: string): string => path.join(REPO, "policy", "config", `${stack}.json`);
const mandatoryPolicies = (o: PolicyOutcome): string[] =>
  [...new Set(o.mandatory.map((v) => v.policy))].sort();

async function policiesFor(stack: string): Promise<PolicyOutcome> {
  await settled();
  return runPolicyAdapter(recorder.resources, configFor(stack));
}

const SUB = DEFAULT_ARM_CONTEXT.subscriptionId;
const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe`;
const zone = (z: string): string =>
  `/subscriptions/${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${z}`;
const LOGS = [
  {
    workspaceResourceId: `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-platform`,
  },
];
/** What prod asks of every account besides its key: a private endpoint, logs and a lock (the guardrail policies). */
const GUARDED = {
  privateEndpoints: [
    {
      service: "blob" as const,
      subnetResourceId: SUBNET,
      privateDnsZoneResourceId: zone("privatelink.blob.core.windows.net"),
    },
  ],
  diagnosticSettings: LOGS,
  lock: { kind: "CanNotDelete" as const },
};

function platform(location = "westeurope"): KeyReference {
  const vault = new SecureVault("kv", {
    resourceGroupName: "rg",
    location,
    sku: "premium",
    privateEndpoints: [
      {
        subnetResourceId: SUBNET,
        privateDnsZoneResourceId: zone("privatelink.vaultcore.azure.net"),
      },
    ],
    diagnosticSettings: LOGS,
    lock: { kind: "CanNotDelete" },
  });
  return new ManagedKeyRotation("cmk", {
    vault: vault.reference(),
    keyType: "RSA-HSM",
    keySize: 4096,
  }).reference();
}

describe("policy pack against the real components (bridge)", () => {
  beforeEach(() => recorder.reset());

  for (const stack of STACKS) {
    it(`finds zero mandatory violations in the ${stack} stack`, async () => {
      const out = deployCmkPlatform(
        parseStackConfig(rawStackConfig(stack), "cmk-storage", `stacks/Pulumi.${stack}.yaml`),
      );
      await Promise.all(Object.values(out.accounts).map((a) => promiseOf(a.accountId)));
      const outcome = await policiesFor(stack);
      assert.deepEqual(outcome.mandatory, [], JSON.stringify(outcome.mandatory, null, 2));
      assert.ok(outcome.policies.length >= 20, "the whole pack ran");
    });
  }

  it("passes a compliant premium/HSM platform under the prod config", async () => {
    new CmkStorageAccount("payments", {
      ...GUARDED,
      resourceGroupName: "rg",
      location: "westeurope",
      key: platform(),
    });
    assert.deepEqual(mandatoryPolicies(await policiesFor("prod")), []);
  });

  it("fails when a storage account is in another region than its vault (cmk-region-colocation)", async () => {
    new CmkStorageAccount("payments", {
      ...GUARDED,
      resourceGroupName: "rg",
      location: "northeurope",
      key: platform("westeurope"),
      allowCrossRegionKey: true,
    });
    const outcome = await policiesFor("prod");
    assert.deepEqual(mandatoryPolicies(outcome), ["cmk-region-colocation"]);
    assert.match(outcome.mandatory[0].message, /northeurope/);
  });

  it("fails when the encryption identity has no grant on the key (cmk-identity-key-access)", async () => {
    new CmkStorageAccount("payments", {
      ...GUARDED,
      resourceGroupName: "rg",
      location: "westeurope",
      key: platform(),
      grantKeyAccess: false,
    });
    assert.deepEqual(mandatoryPolicies(await policiesFor("prod")), ["cmk-identity-key-access"]);
  });

  it("fails when the grant lacks unwrapKey (cmk-identity-key-access)", async () => {
    const key = platform();
    const sa = new CmkStorageAccount("payments", {
      ...GUARDED,
      resourceGroupName: "rg",
      location: "westeurope",
      key,
      grantKeyAccess: false,
    });
    const vault = pulumi.output(key.vault!.vaultId).apply((id) => parseVaultId(id)!);
    new keyvault.AccessPolicy("payments-partial-grant", {
      resourceGroupName: vault.resourceGroupName,
      vaultName: vault.vaultName,
      policy: {
        tenantId: DEFAULT_ARM_CONTEXT.tenantId,
        objectId: sa.identityPrincipalId,
        permissions: { keys: ["get", "wrapKey"] },
      },
    });
    const outcome = await policiesFor("prod");
    assert.deepEqual(mandatoryPolicies(outcome), ["cmk-identity-key-access"]);
    assert.match(outcome.mandatory[0].message, /unwrapKey/);
  });

  it("fails when the vault behind the CMK is a raw vault without purge protection", async () => {
    const vault = new keyvault.Vault("raw-vault", {
      resourceGroupName: "rg",
      location: "westeurope",
      vaultName: "kv-raw-01",
      properties: {
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        sku: { family: "A", name: "premium" },
        networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
      },
    });
    const vaultId = await promiseOf(vault.id);
    const key = new ManagedKeyRotation("cmk", {
      vault: { vaultId, permissionModel: "accessPolicy", sku: "premium", location: "westeurope" },
      keyType: "RSA-HSM",
      keySize: 4096,
    });
    new CmkStorageAccount("payments", {
      ...GUARDED,
      resourceGroupName: "rg",
      location: "westeurope",
      key: key.reference(),
    });
    const names = mandatoryPolicies(await policiesFor("prod"));
    assert.ok(names.includes("kv-purge-protection-enabled"), names.join(", "));
    assert.ok(names.includes("cmk-vault-recoverable"), names.join(", "));
  });

  it("fails when the account pins a key version (storage-cmk-versionless-key)", async () => {
    new CmkStorageAccount("payments", {
      ...GUARDED,
      resourceGroupName: "rg",
      location: "westeurope",
      key: platform(),
      keyVersion: "0123456789abcdef0123456789abcdef",
    });
    assert.deepEqual(mandatoryPolicies(await policiesFor("prod")), ["storage-cmk-versionless-key"]);
  });
});
