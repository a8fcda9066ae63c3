import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ManagedKeyRotation, validateManagedKeyRotationArgs, type ManagedKeyRotationArgs } from "../../components/managedKeyRotation";
import { SecureVault } from "../../components/secureVault";
import { byType, errorOf, one, promiseOf, recorder, settled } from "../support/mocks";

const VAULT_ID = "/subscriptions/8e0b9c3d-1111-4222-8333-944455556666/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01";
const KEY = "azure-native:keyvault:Key";

describe("ManagedKeyRotation", () => {
  beforeEach(() => recorder.reset());

  describe("defaults", () => {
    it("creates one protected, retained RSA-3072 key with wrapKey/unwrapKey only, parented to the component", async () => {
      const vault = new SecureVault("kv", { resourceGroupName: "rg", location: "westeurope" });
      const k = new ManagedKeyRotation("storage-cmk", { vault });
      await promiseOf(k.keyUri);
      await settled();
      assert.equal(byType(KEY).length, 1);
      const key = one(KEY, "storage-cmk-key");
      assert.equal(key.parent, "urn:pulumi:test::cmk-storage::cmk:keyvault:ManagedKeyRotation::storage-cmk");
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
      assert.deepEqual(key.propertyDependencies.vaultName, ["urn:pulumi:test::cmk-storage::cmk:keyvault:SecureVault$azure-native:keyvault:Vault::kv-vault"]);
    });

    it("exposes the versionless URI for storage and the versioned URI separately", async () => {
      const vault = new SecureVault("kv", { resourceGroupName: "rg", location: "westeurope" });
      const k = new ManagedKeyRotation("storage-cmk", { vault });
      const [uri, versioned, name, vaultName, vaultUri, keyId] = await Promise.all([
        promiseOf(k.keyUri), promiseOf(k.keyUriWithVersion), promiseOf(k.keyName), promiseOf(k.vaultName), promiseOf(k.vaultUri), promiseOf(k.keyId),
      ]);
      assert.equal(uri, `https://${vaultName}.vault.azure.net/keys/storage-cmk`);
      assert.match(versioned, new RegExp(`^${uri}/[0-9a-f]{32}$`));
      assert.equal(name, "storage-cmk");
      assert.equal(vaultUri, `https://${vaultName}.vault.azure.net`, "no trailing slash, as storage's keyVaultUri is written");
      assert.match(keyId, new RegExp(`/providers/Microsoft.KeyVault/vaults/${vaultName}/keys/storage-cmk$`));
      assert.equal(k.vaultPermissionModel, "accessPolicy");
    });
  });

  describe("secure", () => {
    it("creates an RSA-HSM 4096 key on a premium vault", async () => {
      const vault = new SecureVault("kv", { resourceGroupName: "rg", location: "westeurope", sku: "premium", permissionModel: "rbac" });
      const k = new ManagedKeyRotation("cmk", { vault, keyType: "RSA-HSM", keySize: 4096 });
      await promiseOf(k.keyUri);
      await settled();
      const p = one(KEY, "cmk-key").inputs.properties;
      assert.deepEqual([p.kty, p.keySize], ["RSA-HSM", 4096]);
      assert.equal(k.vaultPermissionModel, "rbac");
    });
  });

  describe("max", () => {
    it("works on an existing vault given by id and applies every argument", async () => {
      const k = new ManagedKeyRotation("cmk", {
        vaultId: VAULT_ID,
        vaultUri: "https://kv-shared-01.vault.azure.net/",
        vaultSku: "premium",
        vaultPermissionModel: "rbac",
        vaultLocation: "westeurope",
        vaultTenantId: "11111111-2222-4333-8444-555555555555",
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
      const [vaultUri, vaultId, vaultName] = await Promise.all([promiseOf(k.vaultUri), promiseOf(k.vaultId), promiseOf(k.vaultName)]);
      await settled();
      assert.deepEqual([vaultUri, vaultId, vaultName], ["https://kv-shared-01.vault.azure.net", VAULT_ID, "kv-shared-01"]);
      assert.equal(byType("azure-native:keyvault:Vault").length, 0, "no vault is created for an existing one");
      const key = one(KEY, "cmk-key");
      assert.deepEqual([key.protect, key.retainOnDelete], [false, false]);
      assert.deepEqual(
        { keyName: key.inputs.keyName, vaultName: key.inputs.vaultName, rg: key.inputs.resourceGroupName, tags: key.inputs.tags },
        { keyName: "shared-storage-cmk", vaultName: "kv-shared-01", rg: "rg-shared", tags: { managedBy: "pulumi", component: "ManagedKeyRotation", owner: "platform" } },
      );
      assert.deepEqual(key.inputs.properties.attributes, { enabled: false, exportable: false });
      assert.deepEqual(key.inputs.properties.rotationPolicy, {
        attributes: { expiryTime: "P180D" },
        lifetimeActions: [
          { action: { type: "rotate" }, trigger: { timeAfterCreate: "P60D" } },
          { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P14D" } },
        ],
      });
      assert.deepEqual([k.knownVaultLocation, k.knownVaultTenantId], ["westeurope", "11111111-2222-4333-8444-555555555555"]);
    });

    it("derives the public-cloud vault URI when only the id is given", async () => {
      const k = new ManagedKeyRotation("cmk", { vaultId: VAULT_ID });
      assert.equal(await promiseOf(k.vaultUri), "https://kv-shared-01.vault.azure.net");
      await settled();
    });
  });

  describe("revocation", () => {
    it("disables the key when enabled is false and enables it again when set back to true", async () => {
      const revoked = new ManagedKeyRotation("revoked", { vaultId: VAULT_ID, enabled: false });
      const restored = new ManagedKeyRotation("restored", { vaultId: VAULT_ID, enabled: true });
      await Promise.all([promiseOf(revoked.keyUri), promiseOf(restored.keyUri)]);
      await settled();
      assert.equal(one(KEY, "revoked-key").inputs.properties.attributes.enabled, false);
      assert.equal(one(KEY, "restored-key").inputs.properties.attributes.enabled, true);
    });
  });

  describe("two instances", () => {
    it("do not collide", async () => {
      const a = new ManagedKeyRotation("a", { vaultId: VAULT_ID });
      const b = new ManagedKeyRotation("b", { vaultId: VAULT_ID });
      const [ka, kb] = await Promise.all([promiseOf(a.keyName), promiseOf(b.keyName)]);
      const all = await settled();
      assert.notEqual(ka, kb);
      assert.equal(new Set(all.map((r) => r.urn)).size, all.length);
    });
  });

  describe("validation", () => {
    const base: ManagedKeyRotationArgs = { vaultId: VAULT_ID };
    const cases: [string, Record<string, unknown>, string][] = [
      ["neither vault nor vaultId is given", { vaultId: undefined }, "vault: give either vault (a SecureVault) or vaultId (the ARM id of an existing vault)"],
      ["vaultId is not a Key Vault id", { vaultId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x" }, "vaultId: must be a Key Vault resource id"],
      ["the key name has an underscore", { keyName: "my_key" }, 'keyName: must be 1-127 characters of letters, digits and hyphens, got "my_key"'],
      ["the key type is EC", { keyType: "EC" }, 'keyType: must be "RSA" or "RSA-HSM" (the key types Azure Storage accepts), got "EC"'],
      ["the key size is 1024", { keySize: 1024 }, "keySize: must be 2048, 3072 or 4096 (the RSA sizes Azure Storage accepts), got 1024"],
      ["an RSA-HSM key is put in a standard vault", { keyType: "RSA-HSM", vaultSku: "standard" }, 'keyType: RSA-HSM keys need a premium vault, but the vault\'s sku is "standard"; use sku "premium" or keyType "RSA"'],
      ["rotateAfter is not an ISO-8601 duration", { rotateAfter: "90 days" }, 'rotateAfter: must be an ISO-8601 duration such as "P90D", got "90 days"'],
      ["rotateAfter is below P7D", { rotateAfter: "P6D" }, "rotateAfter: must be at least P7D (rotate no sooner than 7 days after creation), got P6D"],
      ["rotation is less than 7 days before expiry", { rotateAfter: "P30D", expiresAfter: "P35D" }, "rotateAfter: must be at least 7 days shorter than the expiry P35D (rotate before the version expires), got P30D"],
      ["expiresAfter is below P28D", { expiresAfter: "P27D", rotateAfter: "P7D", notifyBefore: "P7D" }, "expiresAfter: must be at least P28D, got P27D"],
      ["notifyBefore is below P7D", { notifyBefore: "P6D" }, "notifyBefore: must be at least P7D, got P6D"],
    ];
    for (const [when, override, message] of cases) {
      it(`fails when ${when}`, async () => {
        const err = errorOf(() => new ManagedKeyRotation("cmk", { ...base, ...override } as ManagedKeyRotationArgs));
        assert.ok(pulumi.InputPropertiesError.isInstance(err));
        assert.ok(err.message.includes(message), `${err.message}\n  does not include\n${message}`);
        assert.equal((await settled()).length, 0, "nothing registered");
      });
    }

    it("fails when an RSA-HSM key is put in a standard SecureVault", async () => {
      const vault = new SecureVault("kv", { resourceGroupName: "rg", location: "westeurope" });
      const err = errorOf(() => new ManagedKeyRotation("cmk", { vault, keyType: "RSA-HSM" }));
      assert.match(err.message, /keyType: RSA-HSM keys need a premium vault/);
      await settled();
      assert.equal(byType(KEY).length, 0);
    });

    it("fails when both vault and vaultId are given", async () => {
      const vault = new SecureVault("kv", { resourceGroupName: "rg", location: "westeurope" });
      assert.match(errorOf(() => validateManagedKeyRotationArgs("cmk", { vault, vaultId: VAULT_ID })).message, /vaultId: give either vault or vaultId, not both/);
      await settled();
    });
  });
});
