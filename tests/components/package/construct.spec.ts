import * as assert from "node:assert/strict";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { TYPES } from "../../../components/componentTypes";
import type * as HostingModule from "../../../components/hosting";
import { byType, one, promiseOf, recorder, settled } from "../../support/mocks";
import { PACKAGE_DIR, packageProvider, packageSchema } from "./support";

const ADMIN = "9a1c3f5e-2b4d-4c6e-8f0a-1b2c3d4e5f60";
/** What construct() returns as a component's state: its outputs by name. */
type State = Record<string, pulumi.Output<string>>;

/**
 * What a Python, Go, .NET, Java or YAML program makes the component provider do: `construct` with schema-shaped inputs
 * (plain values where the program wrote literals, outputs where it passed another resource's outputs), run under the
 * same mocks as the rest of the suite.
 */
describe("component package construct (other languages)", function () {
  this.timeout(120_000);
  beforeEach(() => recorder.reset());

  async function chain(permissionModel: "accessPolicy" | "rbac") {
    const provider = packageProvider();
    const opts = {} as pulumi.ComponentResourceOptions;
    const vault = await provider.construct(
      "platform",
      TYPES.SecureVault,
      {
        resourceGroupName: "rg-py",
        location: "westeurope",
        sku: "premium",
        permissionModel,
        administrators: [{ objectId: ADMIN, principalType: "Group" }],
      },
      opts,
    );
    const v: State = vault.state;
    // A Python program: vault_ref = {"vault_id": vault.vault_id, ..., "permission_model": "rbac"}
    const vaultRef = {
      vaultId: v.vaultId,
      vaultUri: v.vaultUri,
      sku: v.sku,
      location: v.location,
      tenantId: v.tenantId,
      permissionModel,
    };
    const key = await provider.construct(
      "platform-cmk",
      TYPES.ManagedKeyRotation,
      { vault: vaultRef, keyType: "RSA-HSM", keySize: 4096 },
      opts,
    );
    const k = key.state;
    const account = await provider.construct(
      "payments",
      TYPES.CmkStorageAccount,
      {
        resourceGroupName: "rg-py",
        location: "westeurope",
        key: { vault: vaultRef, keyName: k.keyName, keyId: k.keyId },
        skuName: "Standard_GZRS",
      },
      opts,
    );
    return { vault, key, account, v, k, a: account.state };
  }

  it("builds vault → key → account from plain inputs and outputs passed between components (access policies)", async () => {
    const { v, k, a } = await chain("accessPolicy");
    const [vaultName, vaultUri, keyName, principalId] = await Promise.all([
      promiseOf(v.vaultName),
      promiseOf(v.vaultUri),
      promiseOf(k.keyName),
      promiseOf(a.identityPrincipalId),
    ]);
    await settled();
    const keyRes = one("azure-native:keyvault:Key", "platform-cmk-key");
    assert.deepEqual(
      [
        keyRes.inputs.vaultName,
        keyRes.inputs.resourceGroupName,
        keyRes.inputs.properties.kty,
        keyRes.inputs.properties.keySize,
      ],
      [vaultName, "rg-py", "RSA-HSM", 4096],
    );
    const account = one("azure-native:storage:StorageAccount", "payments-account");
    assert.deepEqual(account.inputs.encryption.keyVaultProperties, {
      keyName,
      keyVaultUri: vaultUri.replace(/\/$/, ""),
    });
    assert.deepEqual(account.inputs.sku, { name: "Standard_GZRS" });
    const grant = one("azure-native:keyvault:AccessPolicy", "payments-key-access");
    assert.deepEqual(
      [grant.inputs.vaultName, grant.inputs.policy.objectId, grant.inputs.policy.permissions],
      [vaultName, principalId, { keys: ["get", "wrapKey", "unwrapKey"] }],
    );
    assert.ok(account.dependencies.includes(grant.urn), "the account waits for its grant");
    assert.ok(
      account.dependencies.includes(keyRes.urn),
      "the account waits for the key it is encrypted with",
    );
    assert.equal(
      byType("azure-native:keyvault:AccessPolicy").length,
      2,
      "the administrator's and the identity's",
    );
  });

  it("grants by role and waits for RBAC propagation when the vault uses RBAC", async () => {
    const { k } = await chain("rbac");
    const keyId = await promiseOf(k.keyId);
    await settled();
    const ra = one("azure-native:authorization:RoleAssignment", "payments-key-access");
    assert.deepEqual([ra.inputs.scope, ra.inputs.principalType], [keyId, "ServicePrincipal"]);
    const wait = one("time:index/sleep:Sleep", "payments-rbac-propagation");
    assert.ok(
      one("azure-native:storage:StorageAccount", "payments-account").dependencies.includes(
        wait.urn,
      ),
    );
    assert.equal(
      one("azure-native:authorization:RoleAssignment", `platform-admin-${ADMIN}`).inputs
        .principalType,
      "Group",
    );
  });

  it("builds private endpoints, diagnostic settings, locks and blob protection from schema-shaped inputs (a YAML program)", async () => {
    const SUB = "3f2b6c1e-8d4a-4c2e-9b1f-0a7e5d6c4b3a";
    const HUB = "6d1f4a2b-9c3e-4f5a-8b7d-2e0c1a9f3b6d";
    const subnet = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe`;
    const zone = (z: string) =>
      `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${z}`;
    const workspace = `/subscriptions/${HUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-platform`;
    const provider = packageProvider();
    const vault = await provider.construct(
      "platform",
      TYPES.SecureVault,
      {
        resourceGroupName: "rg-yaml",
        location: "westeurope",
        privateEndpoints: [
          {
            subnetResourceId: subnet,
            privateDnsZoneResourceId: zone("privatelink.vaultcore.azure.net"),
          },
        ],
        diagnosticSettings: [{ workspaceResourceId: workspace }],
        lock: { kind: "CanNotDelete" },
      },
      {},
    );
    const v: State = vault.state;
    const vaultRef = {
      vaultId: v.vaultId,
      vaultUri: v.vaultUri,
      location: v.location,
      permissionModel: "accessPolicy",
    };
    const account = await provider.construct(
      "payments",
      TYPES.CmkStorageAccount,
      {
        resourceGroupName: "rg-yaml",
        location: "westeurope",
        key: { vault: vaultRef, keyName: "k1" },
        privateEndpoints: [
          {
            service: "blob",
            subnetResourceId: subnet,
            privateDnsZoneResourceId: zone("privatelink.blob.core.windows.net"),
          },
        ],
        diagnosticSettings: [
          { workspaceResourceId: workspace, logAnalyticsDestinationType: "Dedicated" },
        ],
        lock: {},
        blobServices: {
          deleteRetentionPolicyDays: 14,
          changeFeedEnabled: true,
          restorePolicyEnabled: true,
          restorePolicyDays: 7,
        },
      },
      {},
    );
    const a: State = account.state;
    const [vaultEndpoint, accountEndpoints, accountLock] = await Promise.all([
      promiseOf(v.privateEndpointId),
      promiseOf(a.privateEndpointIds as unknown as pulumi.Output<Record<string, string>>),
      promiseOf(a.lockId),
    ]);
    await settled();
    assert.equal(
      vaultEndpoint,
      one("azure-native:network:PrivateEndpoint", "platform-pe-vault").id,
    );
    assert.deepEqual(Object.keys(accountEndpoints), ["blob"]);
    assert.equal(
      accountLock,
      one("azure-native:authorization:ManagementLockByScope", "payments-lock").id,
    );
    assert.equal(byType("azure-native:network:PrivateDnsZoneGroup").length, 2);
    assert.equal(byType("azure-native:monitor:DiagnosticSetting").length, 1 + 5);
    assert.equal(byType("azure-native:authorization:ManagementLockByScope").length, 2);
    assert.deepEqual(
      one("azure-native:storage:BlobServiceProperties", "payments-blob-service").inputs
        .restorePolicy,
      {
        enabled: true,
        days: 7,
      },
    );
  });

  it("fails when a YAML program sends a ReadOnly lock or a blob endpoint on the vault zone, before anything is registered", async () => {
    const provider = packageProvider();
    await assert.rejects(
      provider.construct(
        "payments",
        TYPES.CmkStorageAccount,
        {
          resourceGroupName: "rg",
          location: "westeurope",
          key: {
            vault: {
              vaultId:
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-shared-01",
              permissionModel: "accessPolicy",
            },
            keyName: "k1",
          },
          lock: { kind: "ReadOnly" },
          privateEndpoints: [
            {
              service: "blob",
              subnetResourceId:
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe",
              privateDnsZoneResourceId:
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net",
            },
          ],
        },
        {},
      ),
      (e: Error) =>
        pulumi.InputPropertiesError.isInstance(e) &&
        /lock\.kind: ReadOnly is not supported/.test(e.message) &&
        /privateEndpoints\[0\]\.privateDnsZoneResourceId: must be the zone of the "blob" group/.test(
          e.message,
        ),
    );
    assert.equal((await settled()).length, 0);
  });

  it("returns exactly the outputs the schema declares, each resolving to a value", async () => {
    const { vault, key, account } = await chain("accessPolicy");
    const schema = await packageSchema();
    for (const [token, result] of [
      [TYPES.SecureVault, vault],
      [TYPES.ManagedKeyRotation, key],
      [TYPES.CmkStorageAccount, account],
    ] as const) {
      const state = result.state;
      assert.deepEqual(
        Object.keys(state).sort(),
        Object.keys(schema.resources[token].properties).sort(),
        token,
      );
      for (const [name, out] of Object.entries(state)) {
        const value = await promiseOf(out);
        assert.notEqual(value, undefined, `${token}.${name}`);
      }
    }
    await settled();
  });

  it("fails when a program sends a wrong-typed input, with the component's message and nothing registered", async () => {
    const provider = packageProvider();
    await assert.rejects(
      provider.construct(
        "platform",
        TYPES.SecureVault,
        { resourceGroupName: "rg", location: 42, softDeleteRetentionInDays: "90" },
        {},
      ),
      (e: Error) =>
        pulumi.InputPropertiesError.isInstance(e) &&
        /location: must be a string, got 42/.test(e.message) &&
        /softDeleteRetentionInDays: must be a whole number/.test(e.message),
    );
    assert.equal((await settled()).length, 0);
  });

  it("fails when a program sends a misspelt argument name, naming the closest known one, with nothing registered", async () => {
    const provider = packageProvider();
    await assert.rejects(
      provider.construct(
        "platform",
        TYPES.SecureVault,
        {
          resourceGroupName: "rg",
          location: "westeurope",
          publicNetworkAccess: "Enabled",
          allowedIpRange: ["203.0.113.0/28"],
          administrators: [{ objectId: ADMIN, principalTyp: "Group" }],
        },
        {},
      ),
      (e: Error) =>
        pulumi.InputPropertiesError.isInstance(e) &&
        e.errors.some(
          (p) =>
            p.propertyPath === "allowedIpRange" &&
            /did you mean "allowedIpRanges"\?/.test(p.reason),
        ) &&
        e.errors.some(
          (p) =>
            p.propertyPath === "administrators[0].principalTyp" &&
            /did you mean "principalType"\?/.test(p.reason),
        ),
    );
    assert.equal((await settled()).length, 0);
  });

  it("accepts every input the schema declares, spelt as the schema spells it", async () => {
    const provider = packageProvider();
    const schema = await packageSchema();
    const names = Object.keys(schema.resources[TYPES.ManagedKeyRotation].inputProperties);
    const vaultId = `/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-shared-01`;
    const inputs: Record<string, unknown> = {
      vault: { vaultId, permissionModel: "accessPolicy", sku: "premium" },
      keyName: "k1",
      keyType: "RSA-HSM",
      keySize: 4096,
      rotateAfter: "P90D",
      expiresAfter: "P1Y",
      notifyBefore: "P30D",
      enabled: true,
      protectKey: false,
      tags: { team: "platform" },
    };
    assert.deepEqual(Object.keys(inputs).sort(), [...names].sort());
    await provider.construct("every-input", TYPES.ManagedKeyRotation, inputs, {});
    assert.ok((await settled()).length > 0);
  });

  it("fails when access-key rotation is asked for from another language, saying why instead of a module-not-found", async () => {
    // The compiled module the provider loads (not the source the other specs use), required by path.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { hosting } = require(path.join(PACKAGE_DIR, "bin", "hosting")) as typeof HostingModule;
    const original = hosting.isComponentProviderHost;
    hosting.isComponentProviderHost = () => true;
    try {
      const provider = packageProvider();
      const key = {
        vault: {
          vaultId:
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-shared-01",
          permissionModel: "accessPolicy",
        },
        keyName: "k1",
      };
      await assert.rejects(
        provider.construct(
          "legacy",
          TYPES.CmkStorageAccount,
          {
            resourceGroupName: "rg",
            location: "westeurope",
            key,
            allowSharedKeyAccess: true,
            rotateAccessKeys: true,
          },
          {},
        ),
        /rotateAccessKeys: is available to TypeScript and JavaScript programs only: access-key rotation runs as a Pulumi dynamic resource/,
      );
      await assert.rejects(
        provider.construct("keys", `${TYPES.StorageAccessKeyRotation}`, {}, {}),
        /Component class not found for 'StorageAccessKeyRotation'/,
      );
      assert.equal((await settled()).length, 0);
    } finally {
      hosting.isComponentProviderHost = original;
    }
  });
});
