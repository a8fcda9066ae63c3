import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  ManagedKeyRotation,
  validateManagedKeyRotationArgs,
  type ManagedKeyRotationArgs,
} from "../../components/managedKeyRotation";
import { parseVaultId } from "../../components/armId";
import { resolveVault, type VaultReference } from "../../components/references";
import { SecureVault } from "../../components/secureVault";
import {
  byType,
  deploymentErrors,
  errorOf,
  one,
  promiseOf,
  recorder,
  settled,
} from "../support/mocks";

const VAULT_ID =
  "/subscriptions/3f2b6c1e-8d4a-4c2e-9b1f-0a7e5d6c4b3a/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01";
const KEY = "azure-native:keyvault:Key";
const EXISTING: VaultReference = { vaultId: VAULT_ID, permissionModel: "accessPolicy" };

describe("ManagedKeyRotation", () => {
  beforeEach(() => recorder.reset());

  describe("defaults", () => {
    it("creates one protected, retained RSA-3072 key with wrapKey/unwrapKey only, parented to the component", async () => {
      const vault = new SecureVault("kv", { resourceGroupName: "rg", location: "westeurope" });
      const k = new ManagedKeyRotation("storage-cmk", { vault: vault.reference() });
      await promiseOf(k.keyUri);
      await settled();
      assert.equal(byType(KEY).length, 1);
      const key = one(KEY, "storage-cmk-key");
      assert.equal(
        key.parent,
        "urn:pulumi:test::cmk-storage::azure-cmk-storage:index:ManagedKeyRotation::storage-cmk",
      );
      assert.equal(key.protect, true);
      assert.equal(key.retainOnDelete, true);
      assert.equal(key.inputs.keyName, "storage-cmk");
      assert.equal(key.inputs.resourceGroupName, "rg");
      assert.deepEqual(key.inputs.properties, {
        kty: "RSA",
        keySize: 3072,
        keyOps: ["wrapKey", "unwrapKey"],
        attributes: { enabled: true, exportable: false },
        rotationPolicy: {
          attributes: { expiryTime: "P1Y" },
          lifetimeActions: [
            { action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } },
            { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
          ],
        },
      });
      assert.deepEqual(key.propertyDependencies.vaultName, [
        "urn:pulumi:test::cmk-storage::azure-cmk-storage:index:SecureVault$azure-native:keyvault:Vault::kv-vault",
      ]);
    });

    it("exposes the versionless URI for storage and the versioned URI separately", async () => {
      const vault = new SecureVault("kv", { resourceGroupName: "rg", location: "westeurope" });
      const k = new ManagedKeyRotation("storage-cmk", { vault: vault.reference() });
      const [uri, versioned, name, vaultName, keyId, keyType, keySize] = await Promise.all([
        promiseOf(k.keyUri),
        promiseOf(k.keyUriWithVersion),
        promiseOf(k.keyName),
        promiseOf(vault.vaultName),
        promiseOf(k.keyId),
        promiseOf(k.keyType),
        promiseOf(k.keySize),
      ]);
      assert.equal(uri, `https://${vaultName}.vault.azure.net/keys/storage-cmk`);
      assert.match(versioned, new RegExp(`^${uri}/[0-9a-f]{32}$`));
      assert.equal(name, "storage-cmk");
      assert.match(
        keyId,
        new RegExp(`/providers/Microsoft.KeyVault/vaults/${vaultName}/keys/storage-cmk$`),
      );
      assert.deepEqual([keyType, keySize], ["RSA", 3072]);
      const ref = k.reference();
      assert.equal(ref.vault?.permissionModel, "accessPolicy");
      assert.equal(await promiseOf(pulumi.output(ref.keyName)), "storage-cmk");
      assert.equal(await promiseOf(pulumi.output(ref.keyId!)), keyId);
    });
  });

  describe("secure", () => {
    it("creates an RSA-HSM 4096 key on a premium vault", async () => {
      const vault = new SecureVault("kv", {
        resourceGroupName: "rg",
        location: "westeurope",
        sku: "premium",
        permissionModel: "rbac",
      });
      const k = new ManagedKeyRotation("cmk", {
        vault: vault.reference(),
        keyType: "RSA-HSM",
        keySize: 4096,
      });
      await promiseOf(k.keyUri);
      await settled();
      const p = one(KEY, "cmk-key").inputs.properties;
      assert.deepEqual([p.kty, p.keySize], ["RSA-HSM", 4096]);
      assert.equal(k.reference().vault?.permissionModel, "rbac");
    });
  });

  describe("max", () => {
    it("works on an existing vault given by id and applies every argument", async () => {
      const k = new ManagedKeyRotation("cmk", {
        vault: {
          vaultId: VAULT_ID,
          vaultUri: "https://kv-shared-01.vault.azure.net/",
          sku: "premium",
          permissionModel: "rbac",
          location: "westeurope",
          tenantId: "11111111-2222-4333-8444-555555555555",
        },
        keyName: "shared-storage-cmk",
        keyType: "RSA-HSM",
        keySize: 2048,
        rotateAfter: "P60D",
        expiresAfter: "P180D",
        notifyBefore: "P14D",
        enabled: false,
        protectKey: false,
        tags: { owner: "platform" },
      });
      await promiseOf(k.keyUri);
      await settled();
      assert.equal(
        byType("azure-native:keyvault:Vault").length,
        0,
        "no vault is created for an existing one",
      );
      const key = one(KEY, "cmk-key");
      assert.deepEqual([key.protect, key.retainOnDelete], [false, false]);
      assert.deepEqual(
        {
          keyName: key.inputs.keyName,
          vaultName: key.inputs.vaultName,
          rg: key.inputs.resourceGroupName,
          tags: key.inputs.tags,
        },
        {
          keyName: "shared-storage-cmk",
          vaultName: "kv-shared-01",
          rg: "rg-shared",
          tags: { managedBy: "pulumi", component: "ManagedKeyRotation", owner: "platform" },
        },
      );
      assert.deepEqual(key.inputs.properties.attributes, { enabled: false, exportable: false });
      assert.deepEqual(key.inputs.properties.rotationPolicy, {
        attributes: { expiryTime: "P180D" },
        lifetimeActions: [
          { action: { type: "rotate" }, trigger: { timeAfterCreate: "P60D" } },
          { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P14D" } },
        ],
      });
      assert.deepEqual(
        k.reference().vault,
        {
          vaultId: VAULT_ID,
          vaultUri: "https://kv-shared-01.vault.azure.net/",
          sku: "premium",
          permissionModel: "rbac",
          location: "westeurope",
          tenantId: "11111111-2222-4333-8444-555555555555",
        },
        "the vault reference passes through unchanged to the accounts",
      );
    });

    it("addresses the key by the vault id's resource group and vault name when only the id is given", async () => {
      const k = new ManagedKeyRotation("cmk", { vault: EXISTING });
      await promiseOf(k.keyUri);
      await settled();
      assert.deepEqual(
        [one(KEY, "cmk-key").inputs.vaultName, one(KEY, "cmk-key").inputs.resourceGroupName],
        ["kv-shared-01", "rg-shared"],
      );
    });

    it("fails the deployment before the key is requested when a vault id known only at deployment is not a Key Vault id", async () => {
      const bad = pulumi.output(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x",
      );
      new ManagedKeyRotation("cmk", { vault: { vaultId: bad, permissionModel: "rbac" } });
      const resolved = resolveVault(
        { vaultId: bad, permissionModel: "rbac" },
        parseVaultId,
        'ManagedKeyRotation "cmk" vault',
      );
      await assert.rejects(
        (resolved.vaultName as unknown as { promise(): Promise<string> }).promise(),
        /ManagedKeyRotation "cmk" vault\.vaultId must be a Key Vault resource id .*got "\/subscriptions\/s\/resourceGroups\/rg\/providers\/Microsoft\.Storage/,
      );
      await settled();
      assert.equal(
        byType(KEY).length,
        0,
        "the key is never sent with a vault name parsed from a wrong id",
      );
    });
  });

  describe("revocation", () => {
    it("disables the key when enabled is false and enables it again when set back to true", async () => {
      const revoked = new ManagedKeyRotation("revoked", { vault: EXISTING, enabled: false });
      const restored = new ManagedKeyRotation("restored", { vault: EXISTING, enabled: true });
      await Promise.all([promiseOf(revoked.keyUri), promiseOf(restored.keyUri)]);
      await settled();
      assert.equal(one(KEY, "revoked-key").inputs.properties.attributes.enabled, false);
      assert.equal(one(KEY, "restored-key").inputs.properties.attributes.enabled, true);
    });
  });

  describe("two instances", () => {
    it("do not collide", async () => {
      const a = new ManagedKeyRotation("a", { vault: EXISTING });
      const b = new ManagedKeyRotation("b", { vault: EXISTING });
      const [ka, kb] = await Promise.all([promiseOf(a.keyName), promiseOf(b.keyName)]);
      const all = await settled();
      assert.notEqual(ka, kb);
      assert.equal(new Set(all.map((r) => r.urn)).size, all.length);
    });
  });

  describe("validation", () => {
    const base: ManagedKeyRotationArgs = { vault: EXISTING };
    const cases: [string, Record<string, unknown>, string][] = [
      [
        "no vault is given",
        { vault: undefined },
        "vault: is required: a vault reference { vaultId, permissionModel, ... } (TypeScript: secureVault.reference()), got undefined",
      ],
      [
        "the vault is a string",
        { vault: VAULT_ID },
        "vault: must be a vault reference object { vaultId, permissionModel, vaultUri?, sku?, location?, tenantId? }, got",
      ],
      [
        "the vault id is not a Key Vault id",
        {
          vault: {
            ...EXISTING,
            vaultId:
              "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x",
          },
        },
        "vault.vaultId: must be a Key Vault resource id",
      ],
      [
        "the vault's permission model is missing",
        { vault: { vaultId: VAULT_ID } },
        'vault.permissionModel: is required ("accessPolicy" or "rbac")',
      ],
      [
        "the vault's permission model is an output",
        { vault: { ...EXISTING, permissionModel: pulumi.output("rbac") } },
        "vault.permissionModel: must be a plain value",
      ],
      [
        "the vault URI names another vault than the vault id",
        { vault: { ...EXISTING, vaultUri: "https://kv-other-02.vault.azure.net/" } },
        'vault.vaultUri: names vault "kv-other-02" but vaultId names vault "kv-shared-01"',
      ],
      [
        "the vault's tenant is not a GUID",
        { vault: { ...EXISTING, tenantId: "contoso" } },
        'vault.tenantId: must be an Entra ID tenant id (a GUID), got "contoso"',
      ],
      [
        "the key size is a string",
        { keySize: "4096" },
        'keySize: must be 2048, 3072 or 4096 (the RSA sizes Azure Storage accepts), got "4096"',
      ],
      [
        "rotateAfter is a number",
        { rotateAfter: 90 },
        'rotateAfter: must be an ISO-8601 duration string such as "P90D", got 90',
      ],
      ["enabled is a string", { enabled: "false" }, 'enabled: must be true or false, got "false"'],
      [
        "the key name has an underscore",
        { keyName: "my_key" },
        'keyName: must be 1-127 characters of letters, digits and hyphens, got "my_key"',
      ],
      ["the key type is EC", { keyType: "EC" }, 'keyType: must be one of RSA, RSA-HSM, got "EC"'],
      [
        "the key size is 1024",
        { keySize: 1024 },
        "keySize: must be 2048, 3072 or 4096 (the RSA sizes Azure Storage accepts), got 1024",
      ],
      [
        "an RSA-HSM key is put in a standard vault",
        { keyType: "RSA-HSM", vault: { ...EXISTING, sku: "standard" } },
        'keyType: RSA-HSM keys need a premium vault, but the vault\'s sku is "standard"; use sku "premium" or keyType "RSA"',
      ],
      [
        "rotateAfter is not an ISO-8601 duration",
        { rotateAfter: "90 days" },
        'rotateAfter: must be an ISO-8601 duration such as "P90D", got "90 days"',
      ],
      [
        "rotateAfter is below P7D",
        { rotateAfter: "P6D" },
        "rotateAfter: must be at least P7D (rotate no sooner than 7 days after creation), got P6D",
      ],
      [
        "rotation is less than 7 days before expiry",
        { rotateAfter: "P30D", expiresAfter: "P35D" },
        "rotateAfter: must be at least 7 days shorter than the expiry P35D (rotate before the version expires), got P30D",
      ],
      [
        "expiresAfter is below P28D",
        { expiresAfter: "P27D", rotateAfter: "P7D", notifyBefore: "P7D" },
        "expiresAfter: must be at least P28D, got P27D",
      ],
      [
        "notifyBefore is below P7D",
        { notifyBefore: "P6D" },
        "notifyBefore: must be at least P7D, got P6D",
      ],
    ];
    for (const [when, override, message] of cases) {
      it(`fails when ${when}`, async () => {
        const err = errorOf(() => new ManagedKeyRotation("cmk", { ...base, ...override }));
        assert.ok(pulumi.InputPropertiesError.isInstance(err));
        assert.ok(err.message.includes(message), `${err.message}\n  does not include\n${message}`);
        assert.equal((await settled()).length, 0, "nothing registered");
      });
    }

    it("fails when an RSA-HSM key is put in a standard SecureVault", async () => {
      const vault = new SecureVault("kv", { resourceGroupName: "rg", location: "westeurope" });
      const err = errorOf(
        () => new ManagedKeyRotation("cmk", { vault: vault.reference(), keyType: "RSA-HSM" }),
      );
      assert.match(err.message, /keyType: RSA-HSM keys need a premium vault/);
      await settled();
      assert.equal(byType(KEY).length, 0);
    });

    it("fails when the arguments are null", async () => {
      assert.match(
        errorOf(() =>
          validateManagedKeyRotationArgs("cmk", null as unknown as ManagedKeyRotationArgs),
        ).message,
        /args: must be an object of arguments, got null/,
      );
      assert.equal((await settled()).length, 0);
    });
  });
});

describe("ManagedKeyRotation with a vault in another subscription", () => {
  beforeEach(() => recorder.reset());

  it("refuses to create the key through a provider of another subscription, saying what to do", async () => {
    const other =
      "/subscriptions/8e0b9c3d-1111-4222-8333-944455556666/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01";
    new ManagedKeyRotation("cmk", { vault: { vaultId: other, permissionModel: "rbac" } });
    const errors = await deploymentErrors();
    assert.match(
      errors.join("\n"),
      /ManagedKeyRotation "cmk" vault\.vaultId is in subscription 8e0b9c3d-1111-4222-8333-944455556666, but the Azure provider deploys to subscription .*azure-native addresses keys by resource group and vault name.*Pass an azure-native provider for subscription 8e0b9c3d-1111-4222-8333-944455556666/,
    );
    assert.equal(byType(KEY).length, 0, "the key is never sent to the wrong subscription");
  });
});
