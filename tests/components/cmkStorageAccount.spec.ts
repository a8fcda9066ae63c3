import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  CmkStorageAccount,
  STORAGE_CMK_KEY_PERMISSIONS,
  type CmkStorageAccountArgs,
} from "../../components/cmkStorageAccount";
import { ManagedKeyRotation } from "../../components/managedKeyRotation";
import { hosting } from "../../components/hosting";
import type { KeyReference } from "../../components/references";
import { SecureVault, type SecureVaultArgs } from "../../components/secureVault";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import {
  byType,
  deploymentErrors,
  errorOf,
  one,
  promiseOf,
  recorder,
  settled,
} from "../support/mocks";

const SA = "azure-native:storage:StorageAccount";
const VAULT_ID =
  "/subscriptions/3f2b6c1e-8d4a-4c2e-9b1f-0a7e5d6c4b3a/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01";
const VAULT_URI = "https://kv-shared-01.vault.azure.net/";
const FED_APP = "6b1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

const SLEEP = "time:index/sleep:Sleep";
const COMPONENT = "azure-cmk-storage:index:CmkStorageAccount";

/** A SecureVault and a ManagedKeyRotation in it, and the key as a reference (what CmkStorageAccount takes). */
function platform(vaultArgs: Partial<SecureVaultArgs> = {}, keyType: "RSA" | "RSA-HSM" = "RSA") {
  const vault = new SecureVault("kv", {
    resourceGroupName: "rg",
    location: "westeurope",
    ...vaultArgs,
  });
  const cmk = new ManagedKeyRotation("cmk", { vault: vault.reference(), keyType });
  return { vault, cmk, key: cmk.reference() };
}

/** An existing key, by its vault's id and the key's name. */
const EXISTING_KEY: KeyReference = {
  vault: { vaultId: VAULT_ID, vaultUri: VAULT_URI, permissionModel: "accessPolicy" },
  keyName: "k1",
};

const urn = (type: string, name: string, parentType = COMPONENT): string =>
  `urn:pulumi:test::cmk-storage::${parentType}$${type}::${name}`;

describe("CmkStorageAccount", () => {
  beforeEach(() => recorder.reset());

  describe("defaults (access-policy vault)", () => {
    it("creates exactly an identity, its access policy, a name suffix, the account and its blob service properties, parented to the component", async () => {
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform().key,
      });
      await promiseOf(sa.accountId);
      await settled();
      const children = recorder.resources.filter(
        (r) => r.parent === `urn:pulumi:test::cmk-storage::${COMPONENT}::payments`,
      );
      assert.deepEqual(children.map((r) => `${r.type}::${r.name}`).sort(), [
        "azure-native:keyvault:AccessPolicy::payments-key-access",
        "azure-native:managedidentity:UserAssignedIdentity::payments-identity",
        "azure-native:storage:BlobServiceProperties::payments-blob-service",
        "azure-native:storage:StorageAccount::payments-account",
        "random:index/randomString:RandomString::payments-name-suffix",
      ]);
      assert.equal(byType("azure-native:authorization:RoleAssignment").length, 0);
    });

    it("grants the identity exactly get, wrapKey and unwrapKey on the key's vault", async () => {
      const { vault, key } = platform();
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key,
      });
      const [principalId, vaultName] = await Promise.all([
        promiseOf(sa.identityPrincipalId),
        promiseOf(vault.vaultName),
      ]);
      await settled();
      const grant = one("azure-native:keyvault:AccessPolicy", "payments-key-access");
      assert.deepEqual(grant.inputs, {
        resourceGroupName: "rg",
        vaultName,
        policy: {
          tenantId: DEFAULT_ARM_CONTEXT.tenantId,
          objectId: principalId,
          permissions: { keys: ["get", "wrapKey", "unwrapKey"] },
        },
      });
      assert.deepEqual([...STORAGE_CMK_KEY_PERMISSIONS], ["get", "wrapKey", "unwrapKey"]);
      assert.deepEqual(grant.propertyDependencies.policy, [
        urn("azure-native:managedidentity:UserAssignedIdentity", "payments-identity"),
      ]);
    });

    it("encrypts the account at creation with the versionless key through the user-assigned identity", async () => {
      const { vault, key } = platform();
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key,
      });
      const [identityId, vaultName] = await Promise.all([
        promiseOf(sa.identityId),
        promiseOf(vault.vaultName),
      ]);
      await settled();
      const account = one(SA, "payments-account").inputs;
      assert.equal(account.kind, "StorageV2");
      assert.deepEqual(account.identity, {
        type: "UserAssigned",
        userAssignedIdentities: [identityId],
      });
      assert.deepEqual(account.encryption, {
        keySource: "Microsoft.Keyvault",
        keyVaultProperties: { keyName: "cmk", keyVaultUri: `https://${vaultName}.vault.azure.net` },
        encryptionIdentity: { encryptionUserAssignedIdentity: identityId },
        requireInfrastructureEncryption: true,
        services: {
          blob: { enabled: true, keyType: "Account" },
          file: { enabled: true, keyType: "Account" },
          queue: { enabled: true, keyType: "Account" },
          table: { enabled: true, keyType: "Account" },
        },
      });
      assert.equal(
        "keyVersion" in account.encryption.keyVaultProperties,
        false,
        "no pinned version: rotation is picked up",
      );
    });

    it("applies the secure defaults: HTTPS, TLS 1.2, no public blobs, no shared keys, OAuth, no cross-tenant replication, firewall deny", async () => {
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform().key,
      });
      await promiseOf(sa.accountId);
      await settled();
      const a = one(SA, "payments-account").inputs;
      assert.deepEqual(
        {
          https: a.enableHttpsTrafficOnly,
          tls: a.minimumTlsVersion,
          blob: a.allowBlobPublicAccess,
          sharedKey: a.allowSharedKeyAccess,
          oauth: a.defaultToOAuthAuthentication,
          xtenant: a.allowCrossTenantReplication,
          local: a.isLocalUserEnabled,
          sftp: a.isSftpEnabled,
          pna: a.publicNetworkAccess,
          net: a.networkRuleSet,
          keyPolicy: a.keyPolicy,
          sasPolicy: a.sasPolicy,
          sku: a.sku,
        },
        {
          https: true,
          tls: "TLS1_2",
          blob: false,
          sharedKey: false,
          oauth: true,
          xtenant: false,
          local: false,
          sftp: false,
          pna: "Disabled",
          net: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: [],
            virtualNetworkRules: [],
          },
          keyPolicy: undefined,
          sasPolicy: undefined,
          sku: { name: "Standard_ZRS" },
        },
      );
    });

    it("makes the account depend on the grant so Azure never sees it before the identity can use the key", async () => {
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform().key,
      });
      await promiseOf(sa.accountId);
      await settled();
      const account = one(SA, "payments-account");
      assert.ok(
        account.dependencies.includes(
          urn("azure-native:keyvault:AccessPolicy", "payments-key-access"),
        ),
      );
      const grantIndex = recorder.resources.findIndex((r) => r.name === "payments-key-access");
      const accountIndex = recorder.resources.findIndex((r) => r.name === "payments-account");
      assert.ok(grantIndex < accountIndex, "the grant finished registering before the account");
    });

    it("resolves every public output", async () => {
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform().key,
      });
      const [id, name, identityId, principal, client, uri, keyName, endpoints, grantId, secretId] =
        await Promise.all([
          promiseOf(sa.accountId),
          promiseOf(sa.accountName),
          promiseOf(sa.identityId),
          promiseOf(sa.identityPrincipalId),
          promiseOf(sa.identityClientId),
          promiseOf(sa.keyVaultUri),
          promiseOf(sa.keyName),
          promiseOf(sa.primaryEndpoints),
          promiseOf(sa.keyGrantId),
          promiseOf(sa.accessKeySecretId),
        ]);
      await settled();
      assert.match(name, /^payments[a-z0-9]{6}$/);
      assert.equal(
        id,
        `/subscriptions/${DEFAULT_ARM_CONTEXT.subscriptionId}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`,
      );
      assert.match(identityId, /\/providers\/Microsoft.ManagedIdentity\/userAssignedIdentities\//);
      assert.match(principal, /^[0-9a-f-]{36}$/);
      assert.match(client, /^[0-9a-f-]{36}$/);
      assert.match(uri, /^https:\/\/kv-[a-z0-9]{6}\.vault\.azure\.net$/);
      assert.equal(keyName, "cmk");
      assert.equal(endpoints.blob, `https://${name}.blob.core.windows.net/`);
      assert.deepEqual(Object.keys(endpoints).sort(), [
        "blob",
        "dfs",
        "file",
        "queue",
        "table",
        "web",
      ]);
      assert.equal(grantId, one("azure-native:keyvault:AccessPolicy", "payments-key-access").id);
      assert.equal(secretId, "", "no access-key rotation, so no secret");
    });

    it("aliases its 0.1.0 type token", async () => {
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform().key,
      });
      await promiseOf(sa.accountId);
      await settled();
      assert.deepEqual(one(COMPONENT, "payments").aliases, [
        { type: "cmk:storage:CmkStorageAccount" },
      ]);
    });
  });

  describe("secure (RBAC vault)", () => {
    it("assigns Key Vault Crypto Service Encryption User on the key to the identity as a service principal", async () => {
      const { cmk, key } = platform({ permissionModel: "rbac" });
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key,
      });
      const [principalId, keyId] = await Promise.all([
        promiseOf(sa.identityPrincipalId),
        promiseOf(cmk.keyId),
      ]);
      await settled();
      assert.equal(byType("azure-native:keyvault:AccessPolicy").length, 0);
      const ra = one("azure-native:authorization:RoleAssignment", "payments-key-access");
      assert.deepEqual(
        {
          principalId: ra.inputs.principalId,
          principalType: ra.inputs.principalType,
          scope: ra.inputs.scope,
          role: ra.inputs.roleDefinitionId,
        },
        {
          principalId,
          principalType: "ServicePrincipal",
          scope: keyId,
          role: `/subscriptions/${DEFAULT_ARM_CONTEXT.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6`,
        },
      );
    });

    it("waits for RBAC propagation after the role assignment and before the account", async () => {
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform({ permissionModel: "rbac" }).key,
        rbacPropagationSeconds: 90,
      });
      await promiseOf(sa.accountId);
      await settled();
      const wait = one(SLEEP, "payments-rbac-propagation");
      const ra = one("azure-native:authorization:RoleAssignment", "payments-key-access");
      assert.equal(wait.inputs.createDuration, "90s");
      assert.deepEqual(
        wait.inputs.triggers,
        { roleAssignmentIds: ra.id },
        "a replaced grant (new id) waits again",
      );
      assert.ok(wait.dependencies.includes(ra.urn));
      const account = one(SA, "payments-account");
      assert.ok(account.dependencies.includes(ra.urn));
      assert.ok(account.dependencies.includes(wait.urn));
    });
  });

  describe("max (key given by URI, shared keys on purpose)", () => {
    const MAX: CmkStorageAccountArgs = {
      resourceGroupName: "rg-data",
      location: "West Europe",
      accountName: "cmkmaxaccount01",
      key: {
        vault: {
          vaultId: VAULT_ID,
          vaultUri: VAULT_URI,
          permissionModel: "rbac",
          location: "westeurope",
          tenantId: "11111111-2222-4333-8444-555555555555",
        },
        keyName: "shared-storage-cmk",
      },
      tenantId: "99999999-2222-4333-8444-555555555555",
      allowCrossTenantKey: true,
      federatedIdentityClientId: FED_APP,
      keyVersion: "0123456789abcdef0123456789abcdef",
      rbacPropagationSeconds: 30,
      skuName: "Standard_GZRS",
      requireInfrastructureEncryption: false,
      allowSharedKeyAccess: true,
      keyExpirationPeriodInDays: 30,
      sasPolicy: { sasExpirationPeriod: "0.04:00:00", expirationAction: "Log" },
      allowedIpRanges: ["198.51.100.7"],
      allowedSubnetIds: [
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/app",
      ],
      tags: { team: "data" },
    };

    it("applies every argument", async () => {
      const sa = new CmkStorageAccount("data", MAX);
      const identityId = await promiseOf(sa.identityId);
      await settled();
      const a = one(SA, "data-account").inputs;
      assert.equal(a.accountName, "cmkmaxaccount01");
      assert.equal(byType("random:index/randomString:RandomString").length, 0);
      assert.deepEqual(a.encryption.keyVaultProperties, {
        keyName: "shared-storage-cmk",
        keyVaultUri: "https://kv-shared-01.vault.azure.net",
        keyVersion: "0123456789abcdef0123456789abcdef",
      });
      assert.deepEqual(a.encryption.encryptionIdentity, {
        encryptionUserAssignedIdentity: identityId,
        encryptionFederatedIdentityClientId: FED_APP,
      });
      assert.equal(a.encryption.requireInfrastructureEncryption, false);
      assert.deepEqual(a.sku, { name: "Standard_GZRS" });
      assert.equal(a.allowSharedKeyAccess, true);
      assert.deepEqual(a.keyPolicy, { keyExpirationPeriodInDays: 30 });
      assert.deepEqual(a.sasPolicy, { sasExpirationPeriod: "0.04:00:00", expirationAction: "Log" });
      assert.equal(a.publicNetworkAccess, "Enabled");
      assert.deepEqual(a.networkRuleSet, {
        defaultAction: "Deny",
        bypass: "AzureServices",
        ipRules: [{ iPAddressOrRange: "198.51.100.7", action: "Allow" }],
        virtualNetworkRules: [
          { virtualNetworkResourceId: MAX.allowedSubnetIds![0], action: "Allow" },
        ],
      });
      assert.deepEqual(a.tags, {
        managedBy: "pulumi",
        component: "CmkStorageAccount",
        team: "data",
      });
      const ra = one("azure-native:authorization:RoleAssignment", "data-key-access");
      assert.equal(ra.inputs.scope, `${VAULT_ID}/keys/shared-storage-cmk`);
    });

    it("sets key and SAS expiration policies with secure defaults when shared keys are enabled", async () => {
      const sa = new CmkStorageAccount("legacy", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform().key,
        allowSharedKeyAccess: true,
      });
      await promiseOf(sa.accountId);
      await settled();
      const a = one(SA, "legacy-account").inputs;
      assert.deepEqual(a.keyPolicy, { keyExpirationPeriodInDays: 90 });
      assert.deepEqual(a.sasPolicy, {
        sasExpirationPeriod: "1.00:00:00",
        expirationAction: "Block",
      });
    });

    it("grants through an access policy on a vault given by id in the access-policy model", async () => {
      const sa = new CmkStorageAccount("data", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: EXISTING_KEY,
      });
      await promiseOf(sa.accountId);
      await settled();
      const grant = one("azure-native:keyvault:AccessPolicy", "data-key-access");
      assert.deepEqual(
        [grant.inputs.vaultName, grant.inputs.resourceGroupName],
        ["kv-shared-01", "rg-shared"],
      );
    });

    it("creates no grant when grantKeyAccess is false", async () => {
      const sa = new CmkStorageAccount("data", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: EXISTING_KEY,
        grantKeyAccess: false,
      });
      await promiseOf(sa.accountId);
      await settled();
      assert.equal(
        byType("azure-native:keyvault:AccessPolicy").length +
          byType("azure-native:authorization:RoleAssignment").length,
        0,
      );
      assert.deepEqual(
        one(SA, "data-account").dependencies.filter((d) => d.includes("key-access")),
        [],
      );
      assert.equal(await promiseOf(sa.keyGrantId), "");
    });
  });

  describe("access-key rotation (shared keys on purpose)", () => {
    const ROTATION = "pulumi-nodejs:dynamic/cmk:AccessKeyRotation";
    const ROTATION_COMPONENT = "azure-cmk-storage:index:StorageAccessKeyRotation";

    it("rotates the keys with Key Vault as the store of record and grants the deployer exactly what it needs", async () => {
      const { vault, key } = platform();
      const sa = new CmkStorageAccount("legacy", {
        resourceGroupName: "rg",
        location: "westeurope",
        key,
        allowSharedKeyAccess: true,
        rotateAccessKeys: true,
        accessKeyRotationPeriodInDays: 30,
      });
      const [accountId, vaultUri, vaultId, secretId] = await Promise.all([
        promiseOf(sa.accountId),
        promiseOf(sa.keyVaultUri),
        promiseOf(vault.vaultId),
        promiseOf(sa.accessKeySecretId),
      ]);
      await settled();
      const a = one(SA, "legacy-account").inputs;
      assert.deepEqual(
        a.keyPolicy,
        { keyExpirationPeriodInDays: 30 },
        "Azure's key expiration policy follows the rotation period",
      );
      const rotation = one(ROTATION, "legacy-access-keys-rotation");
      assert.equal(rotation.inputs.storageAccountId, accountId);
      assert.equal(rotation.inputs.vaultUri, vaultUri);
      assert.equal(rotation.inputs.rotationPeriodInDays, 30);
      const roles = byType("azure-native:authorization:RoleAssignment").filter((r) =>
        r.name.startsWith("legacy-access-keys-deployer-"),
      );
      assert.deepEqual(
        roles
          .map((r) => [
            r.name,
            r.inputs.scope,
            r.inputs.principalId,
            r.inputs.principalType,
            r.inputs.roleDefinitionId.split("/").pop(),
          ])
          .sort(),
        [
          [
            "legacy-access-keys-deployer-Reader",
            accountId,
            DEFAULT_ARM_CONTEXT.objectId,
            "ServicePrincipal",
            "acdd72a7-3385-48ef-bd42-f606fba81ae7",
          ],
          [
            "legacy-access-keys-deployer-StorageAccountKeyOperatorServiceRole",
            accountId,
            DEFAULT_ARM_CONTEXT.objectId,
            "ServicePrincipal",
            "81a9662b-bebf-436f-a333-f67b29880f12",
          ],
        ],
      );
      const secrets = one(
        "azure-native:keyvault:AccessPolicy",
        "legacy-access-keys-deployer-secrets",
      );
      assert.deepEqual(secrets.inputs.policy, {
        tenantId: DEFAULT_ARM_CONTEXT.tenantId,
        objectId: DEFAULT_ARM_CONTEXT.objectId,
        permissions: { secrets: ["get", "set"] },
      });
      assert.equal(secrets.inputs.vaultName, vaultId.split("/").pop());
      const rotationComponent = one(ROTATION_COMPONENT, "legacy-access-keys");
      for (const g of [...roles, secrets]) {
        assert.equal(g.parent, rotationComponent.urn, `${g.name} belongs to the rotation`);
      }
      // 0.1.0 created these grants as children of the account component, named <account>-deployer-<role>.
      assert.deepEqual(
        secrets.aliases.map((a) => [a.name, a.parentUrn]),
        [["legacy-deployer-secrets", `urn:pulumi:test::cmk-storage::${COMPONENT}::legacy`]],
      );
      const wait = one(SLEEP, "legacy-access-keys-deployer-rbac-propagation");
      for (const g of [...roles, secrets, wait]) {
        assert.ok(rotation.dependencies.includes(g.urn), g.name);
      }
      assert.notEqual(
        secretId,
        "",
        "accessKeySecretId is the rotation's secret id, not the empty default",
      );
      assert.equal(secretId, rotation.outputs.secretId);
      assert.ok(
        roles.every((r) => wait.dependencies.includes(r.urn)),
        "the wait follows every role assignment",
      );
    });

    it("grants Key Vault Secrets Officer on an RBAC vault", async () => {
      const { vault, key } = platform({ permissionModel: "rbac" });
      const sa = new CmkStorageAccount("legacy", {
        resourceGroupName: "rg",
        location: "westeurope",
        key,
        allowSharedKeyAccess: true,
        rotateAccessKeys: true,
        deployerPrincipalType: "User",
      });
      const vaultId = await promiseOf(vault.vaultId);
      await promiseOf(sa.accountId);
      await settled();
      const officer = one(
        "azure-native:authorization:RoleAssignment",
        "legacy-access-keys-deployer-KeyVaultSecretsOfficer",
      );
      assert.deepEqual(
        [
          officer.inputs.scope,
          officer.inputs.principalType,
          officer.inputs.roleDefinitionId.split("/").pop(),
        ],
        [vaultId, "User", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"],
      );
      assert.equal(byType("azure-native:keyvault:AccessPolicy").length, 0);
      assert.deepEqual(one(SA, "legacy-account").inputs.keyPolicy, {
        keyExpirationPeriodInDays: 90,
      });
    });

    it("publishes to a separate RBAC secret vault with Key Vault Secrets Officer there, whatever the CMK vault's model", async () => {
      const secretVaultId =
        "/subscriptions/3f2b6c1e-8d4a-4c2e-9b1f-0a7e5d6c4b3a/resourceGroups/rg-secrets/providers/Microsoft.KeyVault/vaults/kv-secrets-01";
      const sa = new CmkStorageAccount("legacy", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform().key,
        allowSharedKeyAccess: true,
        rotateAccessKeys: true,
        accessKeySecretVault: {
          vaultId: secretVaultId,
          vaultUri: "https://kv-secrets-01.vault.azure.net",
          permissionModel: "rbac",
        },
      });
      await promiseOf(sa.accountId);
      await settled();
      assert.equal(
        one(
          "azure-native:authorization:RoleAssignment",
          "legacy-access-keys-deployer-KeyVaultSecretsOfficer",
        ).inputs.scope,
        secretVaultId,
      );
      assert.equal(
        one("pulumi-nodejs:dynamic/cmk:AccessKeyRotation", "legacy-access-keys-rotation").inputs
          .vaultUri,
        "https://kv-secrets-01.vault.azure.net",
      );
      assert.equal(
        byType("azure-native:keyvault:AccessPolicy").filter(
          (p) => p.name === "legacy-access-keys-deployer-secrets",
        ).length,
        0,
      );
    });

    it("creates no deployer grants when grantDeployerAccessKeyRotation is false", async () => {
      const sa = new CmkStorageAccount("legacy", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform().key,
        allowSharedKeyAccess: true,
        rotateAccessKeys: true,
        grantDeployerAccessKeyRotation: false,
      });
      await promiseOf(sa.accountId);
      await settled();
      assert.equal(recorder.resources.filter((r) => r.name.includes("-deployer-")).length, 0);
      assert.equal(byType(ROTATION).length, 1);
    });

    it("creates no rotation unless asked", async () => {
      const sa = new CmkStorageAccount("legacy", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: platform().key,
        allowSharedKeyAccess: true,
      });
      await promiseOf(sa.accountId);
      await settled();
      assert.equal(byType(ROTATION).length, 0);
      assert.equal(await promiseOf(sa.accessKeySecretId), "");
    });

    const byKey = { resourceGroupName: "rg", location: "westeurope", key: EXISTING_KEY };
    const failures: [string, Record<string, unknown>, string][] = [
      [
        "rotation is asked for with shared keys off",
        { rotateAccessKeys: true },
        "rotateAccessKeys: needs allowSharedKeyAccess: true",
      ],
      [
        "the rotation period is 0 days",
        { allowSharedKeyAccess: true, rotateAccessKeys: true, accessKeyRotationPeriodInDays: 0 },
        "accessKeyRotationPeriodInDays: must be a whole number of days between 1 and 730, got 0",
      ],
      [
        "the key expiration policy disagrees with the rotation period",
        {
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          accessKeyRotationPeriodInDays: 30,
          keyExpirationPeriodInDays: 90,
        },
        "keyExpirationPeriodInDays: must equal accessKeyRotationPeriodInDays (30)",
      ],
      [
        "a separate secret vault is given without its id",
        {
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          accessKeySecretVault: {
            vaultUri: "https://kv-secrets.vault.azure.net",
            permissionModel: "rbac",
          },
        },
        "accessKeySecretVault.vaultId: is required, got undefined",
      ],
    ];
    for (const [when, override, message] of failures) {
      it(`fails when ${when}`, async () => {
        const err = errorOf(() => new CmkStorageAccount("sa", { ...byKey, ...override }));
        assert.ok(err.message.includes(message), `${err.message}\n  does not include\n${message}`);
        assert.equal((await settled()).length, 0);
      });
    }

    it("fails when rotation is asked for from another language, saying why and what to use instead, before registering anything", async () => {
      const original = hosting.isComponentProviderHost;
      hosting.isComponentProviderHost = () => true;
      try {
        const err = errorOf(
          () =>
            new CmkStorageAccount("sa", {
              ...byKey,
              allowSharedKeyAccess: true,
              rotateAccessKeys: true,
            }),
        );
        assert.ok(pulumi.InputPropertiesError.isInstance(err));
        assert.match(
          err.message,
          /rotateAccessKeys: is available to TypeScript and JavaScript programs only: access-key rotation runs as a Pulumi dynamic resource, which Pulumi cannot host for Python, Go, \.NET, Java or YAML programs \(pulumi\/pulumi#5455\); use CmkStorageAccount with rotateAccessKeys from a TypeScript or JavaScript program/,
        );
        assert.doesNotMatch(err.message, /Cannot find module/);
        assert.equal((await settled()).length, 0);
        assert.doesNotThrow(
          () => new CmkStorageAccount("plain", byKey),
          "everything else works from other languages",
        );
        await settled();
      } finally {
        hosting.isComponentProviderHost = original;
      }
    });
  });

  describe("two instances", () => {
    it("do not collide and each gets its own identity and grant", async () => {
      const { key } = platform();
      const a = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key,
      });
      const b = new CmkStorageAccount("analytics", {
        resourceGroupName: "rg",
        location: "westeurope",
        key,
      });
      const [na, nb, pa, pb] = await Promise.all([
        promiseOf(a.accountName),
        promiseOf(b.accountName),
        promiseOf(a.identityPrincipalId),
        promiseOf(b.identityPrincipalId),
      ]);
      const all = await settled();
      assert.notEqual(na, nb);
      assert.notEqual(pa, pb);
      assert.equal(new Set(all.map((r) => r.urn)).size, all.length);
      assert.equal(byType("azure-native:keyvault:AccessPolicy").length, 2);
      assert.equal(byType(SA).length, 2);
    });
  });

  describe("validation", () => {
    const byUri: CmkStorageAccountArgs = {
      resourceGroupName: "rg",
      location: "westeurope",
      key: EXISTING_KEY,
    };
    const withVault = (vault: Record<string, unknown>): Record<string, unknown> => ({
      key: { ...EXISTING_KEY, vault: { ...EXISTING_KEY.vault, ...vault } },
    });
    const cases: [string, Record<string, unknown>, string][] = [
      [
        "no key is given",
        { key: undefined },
        "key: is required: a key reference { vault, keyName } or { managedHsm, keyName } (TypeScript: managedKeyRotation.reference()), got undefined",
      ],
      [
        "the key is a ManagedKeyRotation-like string",
        { key: "cmk" },
        'key: must be a key reference object { vault, keyName, keyId? } or { managedHsm, keyName }, got "cmk"',
      ],
      [
        "the key name is missing",
        { key: { vault: EXISTING_KEY.vault } },
        "key.keyName: is required, got undefined",
      ],
      [
        "the key name has an underscore",
        { key: { ...EXISTING_KEY, keyName: "k_1" } },
        'key.keyName: must be 1-127 characters of letters, digits and hyphens, got "k_1"',
      ],
      [
        "the key's vault URI is not a Key Vault URI",
        withVault({ vaultUri: "https://example.com/" }),
        'key.vault.vaultUri: must be a Key Vault URI such as "https://<vault>.vault.azure.net", got "https://example.com/"',
      ],
      [
        "the key's vault id names another vault than its URI",
        withVault({ vaultUri: "https://kv-other.vault.azure.net/" }),
        'key.vault.vaultUri: names vault "kv-other" but vaultId names vault "kv-shared-01"',
      ],
      [
        "the key's vault id is missing",
        withVault({ vaultId: undefined }),
        "key.vault.vaultId: is required, got undefined",
      ],
      [
        "the key's vault permission model is unknown",
        withVault({ permissionModel: "acl" }),
        'key.vault.permissionModel: must be one of accessPolicy, rbac, got "acl"',
      ],
      [
        "the account name has uppercase letters",
        { accountName: "CmkPayments" },
        'accountName: may contain only lowercase letters and digits, got "CmkPayments"',
      ],
      [
        "the account name is not a string",
        { accountName: 12345 },
        "accountName: must be a string, got 12345",
      ],
      [
        "keyVersion is not a key version",
        { keyVersion: "latest" },
        'keyVersion: must be a 32-character hexadecimal key version, got "latest"',
      ],
      [
        "the sku is premium block blob",
        { skuName: "Premium_LRS" },
        'skuName: must be one of Standard_LRS, Standard_ZRS, Standard_GRS, Standard_GZRS, Standard_RAGRS, Standard_RAGZRS, got "Premium_LRS"',
      ],
      [
        "rbacPropagationSeconds is negative",
        { rbacPropagationSeconds: -1 },
        "rbacPropagationSeconds: must be a whole number of seconds between 0 and 900, got -1",
      ],
      [
        "rbacPropagationSeconds is infinite",
        { rbacPropagationSeconds: Number.POSITIVE_INFINITY },
        "rbacPropagationSeconds: must be a whole number of seconds between 0 and 900, got Infinity",
      ],
      [
        "the RBAC propagation wait is 0 s with an RBAC vault",
        { rbacPropagationSeconds: 0, ...withVault({ permissionModel: "rbac" }) },
        "rbacPropagationSeconds: must be at least 30 when a role assignment is made (role assignments take minutes to propagate; a request made before that fails with KeyVaultAuthenticationFailure or AuthorizationFailed), got 0",
      ],
      [
        "the RBAC propagation wait is 10 s with access-key rotation (the deployer's role assignments)",
        { rbacPropagationSeconds: 10, allowSharedKeyAccess: true, rotateAccessKeys: true },
        "rbacPropagationSeconds: must be at least 30 when a role assignment is made",
      ],
      [
        "keyExpirationPeriodInDays is zero",
        { keyExpirationPeriodInDays: 0 },
        "keyExpirationPeriodInDays: must be a whole number of days of at least 1, got 0",
      ],
      [
        "keyExpirationPeriodInDays exceeds int32",
        { keyExpirationPeriodInDays: 2 ** 31 },
        "keyExpirationPeriodInDays: must be a whole number of days of at least 1, got 2147483648",
      ],
      [
        "the SAS expiration period is ISO-8601 instead of DD.HH:MM:SS",
        { sasPolicy: { sasExpirationPeriod: "P1D" } },
        'sasPolicy.sasExpirationPeriod: must be "DD.HH:MM:SS" (hours 00-23, minutes and seconds 00-59) such as "1.00:00:00", got "P1D"',
      ],
      [
        "the SAS expiration period has 60 seconds",
        { sasPolicy: { sasExpirationPeriod: "1.00:00:60" } },
        'sasPolicy.sasExpirationPeriod: must be "DD.HH:MM:SS"',
      ],
      [
        "the SAS policy is null",
        { sasPolicy: null },
        "sasPolicy: must be an object { sasExpirationPeriod, expirationAction? }, got null",
      ],
      [
        "the SAS expiration action is unknown",
        { sasPolicy: { sasExpirationPeriod: "1.00:00:00", expirationAction: "Warn" } },
        'sasPolicy.expirationAction: must be one of Block, Log, got "Warn"',
      ],
      [
        "the account is in another region than the vault",
        withVault({ location: "northeurope" }),
        'location: must match the key vault\'s region "northeurope", got "westeurope"; move the account or the vault, or set allowCrossRegionKey: true',
      ],
      [
        "the identity's tenant differs from the vault's",
        {
          tenantId: "99999999-2222-4333-8444-555555555555",
          ...withVault({ tenantId: "11111111-2222-4333-8444-555555555555" }),
        },
        'tenantId: must match the key vault\'s tenant "11111111-2222-4333-8444-555555555555"',
      ],
      [
        "cross-tenant is requested without a federated client id",
        { allowCrossTenantKey: true },
        "federatedIdentityClientId: is required when allowCrossTenantKey is true",
      ],
      [
        "a federated client id is given without allowing cross-tenant",
        { federatedIdentityClientId: FED_APP },
        "federatedIdentityClientId: is only valid for a cross-tenant key",
      ],
      [
        "allowSharedKeyAccess is a string",
        { allowSharedKeyAccess: "true" },
        'allowSharedKeyAccess: must be true or false, got "true"',
      ],
      [
        "the tags are a list",
        { tags: ["team"] },
        'tags: must be a map of tag names to string values, got ["team"]',
      ],
      [
        "an allowed IP range is not a string",
        { allowedIpRanges: [42] },
        'allowedIpRanges[0]: must be an IPv4 address or CIDR range such as "203.0.113.0/24", got 42',
      ],
    ];
    for (const [when, override, message] of cases) {
      it(`fails when ${when}`, async () => {
        const err = errorOf(() => new CmkStorageAccount("sa", { ...byUri, ...override }));
        assert.ok(pulumi.InputPropertiesError.isInstance(err));
        assert.ok(err.message.includes(message), `${err.message}\n  does not include\n${message}`);
        assert.equal((await settled()).length, 0, "nothing registered");
      });
    }

    it("accepts no propagation wait when the grant is an access policy (it takes effect at once)", async () => {
      assert.doesNotThrow(
        () => new CmkStorageAccount("sa", { ...byUri, rbacPropagationSeconds: 0 }),
      );
      await settled();
    });

    it('accepts a region written differently ("West Europe" = "westeurope")', async () => {
      assert.doesNotThrow(
        () =>
          new CmkStorageAccount("sa", {
            ...byUri,
            location: "West Europe",
            ...withVault({ location: "westeurope" }),
          }),
      );
      await settled();
    });

    it("fails when a ManagedKeyRotation's vault is in another region than the account", async () => {
      const { key } = platform();
      const err = errorOf(
        () => new CmkStorageAccount("sa", { resourceGroupName: "rg", location: "eastus", key }),
      );
      assert.match(
        err.message,
        /location: must match the key vault's region "westeurope", got "eastus"/,
      );
      await settled();
      assert.equal(byType(SA).length, 0);
    });

    it("fails the deployment before the account is requested when the vault's region is only known at deployment and differs", async () => {
      const { vault, cmk } = platform();
      const key: KeyReference = {
        vault: { ...vault.reference(), location: pulumi.output("northeurope") },
        keyName: cmk.keyName,
      };
      const sa = new CmkStorageAccount("sa", {
        resourceGroupName: "rg",
        location: "westeurope",
        key,
      });
      await assert.rejects(
        (sa.keyVaultUri as unknown as { promise(): Promise<string> }).promise(),
        /CmkStorageAccount "sa":\n {2}- location: must match the key vault's region "northeurope", got "westeurope"/,
      );
      await settled();
      assert.equal(byType(SA).length, 0, "the account is never requested");
    });

    it("fails when the arguments are undefined", async () => {
      const err = errorOf(
        () => new CmkStorageAccount("sa", undefined as unknown as CmkStorageAccountArgs),
      );
      assert.match(err.message, /args: must be an object of arguments, got undefined/);
      assert.equal((await settled()).length, 0);
    });
  });
});

describe("CmkStorageAccount with values known only at deployment, and vaults elsewhere", () => {
  beforeEach(() => recorder.reset());
  const EXISTING = (vaultId: string, permissionModel: "accessPolicy" | "rbac"): KeyReference => ({
    vault: { vaultId, permissionModel },
    keyName: "k1",
  });
  const OTHER_SUB = "8e0b9c3d-1111-4222-8333-944455556666";
  const otherVault = `/subscriptions/${OTHER_SUB}/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01`;
  const rejection = (o: pulumi.Output<unknown>): Promise<unknown> =>
    (o as unknown as { promise(): Promise<unknown> }).promise();

  it("fails the deployment before the account is requested when an account name known only at deployment breaks the naming rule", async () => {
    new CmkStorageAccount("sa", {
      resourceGroupName: "rg",
      location: "westeurope",
      key: EXISTING_KEY,
      accountName: pulumi.secret("Bad_Name"),
    });
    const errors = await deploymentErrors();
    assert.ok(
      errors.some((m) =>
        /Invalid arguments for CmkStorageAccount "sa":\n {2}- accountName: may contain only lowercase letters and digits, got "Bad_Name"/.test(
          m,
        ),
      ),
      errors.join("\n"),
    );
    assert.equal(byType(SA).length, 0);
  });

  it("fails the deployment when a key vault URI known only at deployment names another vault than the vault id", async () => {
    const key: KeyReference = {
      vault: {
        ...EXISTING_KEY.vault!,
        vaultUri: pulumi.output("https://kv-other-99.vault.azure.net/"),
      },
      keyName: "k1",
    };
    const sa = new CmkStorageAccount("sa", {
      resourceGroupName: "rg",
      location: "westeurope",
      key,
    });
    await assert.rejects(
      rejection(sa.keyVaultUri),
      /key\.vault\.vaultUri "https:\/\/kv-other-99\.vault\.azure\.net\/" does not name the vault of vaultId \("kv-shared-01"\)/,
    );
    assert.ok((await deploymentErrors()).length > 0);
    assert.equal(
      byType(SA).length,
      0,
      "the identity would be granted on one vault while the account is encrypted with another",
    );
  });

  it("fails the deployment when a federated client id known only at deployment is not a GUID", async () => {
    new CmkStorageAccount("sa", {
      resourceGroupName: "rg",
      location: "westeurope",
      key: EXISTING_KEY,
      allowCrossTenantKey: true,
      federatedIdentityClientId: pulumi.secret("not-a-guid"),
    });
    const errors = await deploymentErrors();
    assert.ok(
      errors.some((m) =>
        /federatedIdentityClientId: must be an Entra ID id \(a GUID\), got "not-a-guid"/.test(m),
      ),
      errors.join("\n"),
    );
    assert.equal(byType(SA).length, 0);
  });

  it("refuses an access-policy grant on a vault in another subscription than the provider's, saying what to do", async () => {
    new CmkStorageAccount("sa", {
      resourceGroupName: "rg",
      location: "westeurope",
      key: EXISTING(otherVault, "accessPolicy"),
    });
    const errors = await deploymentErrors();
    const expected = new RegExp(
      `key\\.vault\\.vaultId is in subscription ${OTHER_SUB}, but the Azure provider deploys to subscription ${DEFAULT_ARM_CONTEXT.subscriptionId}; azure-native addresses access policies by resource group and vault name`,
    );
    assert.ok(
      errors.some((m) => expected.test(m)),
      errors.join("\n"),
    );
    assert.equal(byType("azure-native:keyvault:AccessPolicy").length, 0);
    assert.equal(byType(SA).length, 0, "the account waits for its grant, so it is never requested");
  });

  it("grants by role on an RBAC vault in another subscription, with the role definition of that subscription", async () => {
    const sa = new CmkStorageAccount("sa", {
      resourceGroupName: "rg",
      location: "westeurope",
      key: EXISTING(otherVault, "rbac"),
    });
    await promiseOf(sa.accountId);
    await settled();
    const ra = one("azure-native:authorization:RoleAssignment", "sa-key-access");
    assert.equal(ra.inputs.scope, `${otherVault}/keys/k1`);
    assert.equal(
      ra.inputs.roleDefinitionId,
      `/subscriptions/${OTHER_SUB}/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6`,
    );
  });

  it("names the identity explicitly (sanitised, with a short hash) only when the component name would make an invalid identity name", async () => {
    const odd = new CmkStorageAccount("team.payments eu", {
      resourceGroupName: "rg",
      location: "westeurope",
      key: EXISTING_KEY,
      namePrefix: "payments",
    });
    const plain = new CmkStorageAccount("payments", {
      resourceGroupName: "rg",
      location: "westeurope",
      key: EXISTING_KEY,
    });
    await Promise.all([promiseOf(odd.accountId), promiseOf(plain.accountId)]);
    await settled();
    const name = one(
      "azure-native:managedidentity:UserAssignedIdentity",
      "team.payments eu-identity",
    ).inputs.resourceName as string;
    assert.match(name, /^team-payments-eu-identity-[0-9a-f]{8}$/);
    assert.equal(
      one("azure-native:managedidentity:UserAssignedIdentity", "payments-identity").inputs
        .resourceName,
      undefined,
      "valid names keep azure-native's auto-naming (no replacement on upgrade)",
    );
  });

  it("fails when access-key rotation would put more tags on the secret than Key Vault allows, before anything is registered", async () => {
    const tags = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, "x"]));
    const err = errorOf(
      () =>
        new CmkStorageAccount("sa", {
          resourceGroupName: "rg",
          location: "westeurope",
          key: EXISTING_KEY,
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          tags,
        }),
    );
    assert.match(
      err.message,
      /tags: must have at most 11 entries .* got 12 \(with rotateAccessKeys, the tags, including managedBy and component, also go on every secret version/,
    );
    assert.equal((await settled()).length, 0);
  });

  it("fails when a storage firewall range is /31 or /32, which Azure Storage does not support", async () => {
    const err = errorOf(
      () =>
        new CmkStorageAccount("sa", {
          resourceGroupName: "rg",
          location: "westeurope",
          key: EXISTING_KEY,
          allowedIpRanges: ["198.51.100.7/32", "198.51.100.8/31"],
        }),
    );
    assert.match(
      err.message,
      /allowedIpRanges\[0\]: must not use a \/31 or \/32 range .* got "198\.51\.100\.7\/32"/,
    );
    assert.match(err.message, /allowedIpRanges\[1\]: must not use a \/31 or \/32 range/);
    assert.equal((await settled()).length, 0);
  });
});

describe("CmkStorageAccount with null arguments (what other languages send for an absent value)", () => {
  beforeEach(() => recorder.reset());

  it("treats a null account name as absent and derives a valid name (found by the fuzz)", async () => {
    const sa = new CmkStorageAccount("payments", {
      resourceGroupName: "rg",
      location: "westeurope",
      key: EXISTING_KEY,
      accountName: null,
      keyVersion: null,
    } as unknown as CmkStorageAccountArgs);
    const name = await promiseOf(sa.accountName);
    await settled();
    assert.match(name, /^payments[a-z0-9]{6}$/);
    assert.equal(
      "keyVersion" in one(SA, "payments-account").inputs.encryption.keyVaultProperties,
      false,
    );
  });
});
