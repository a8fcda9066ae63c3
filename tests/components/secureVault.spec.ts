import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  ADMINISTRATOR_KEY_PERMISSIONS,
  SecureVault,
  validateSecureVaultArgs,
  type SecureVaultArgs,
} from "../../components/secureVault";
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

const ADMIN = "9a1c3f5e-2b4d-4c6e-8f0a-1b2c3d4e5f60";
const CI = "0d4e6f81-3a5b-4c7d-9e1f-2a3b4c5d6e7f";
const DEFAULTS_ARGS: SecureVaultArgs = { resourceGroupName: "rg-cmk", location: "westeurope" };
const SECURE_ARGS: SecureVaultArgs = {
  ...DEFAULTS_ARGS,
  sku: "premium",
  permissionModel: "rbac",
  administrators: [{ objectId: ADMIN, principalType: "Group" }],
};
const MAX_ARGS: SecureVaultArgs = {
  resourceGroupName: "rg-cmk",
  location: "northeurope",
  tenantId: "11111111-2222-4333-8444-555555555555",
  vaultName: "kv-platform-max",
  sku: "premium",
  permissionModel: "accessPolicy",
  softDeleteRetentionInDays: 30,
  publicNetworkAccess: "Enabled",
  allowedIpRanges: ["203.0.113.0/28"],
  allowedSubnetIds: [
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/ci",
  ],
  administrators: [{ objectId: ADMIN }, { objectId: CI, principalType: "ServicePrincipal" }],
  recoverSoftDeleted: true,
  tags: { costCenter: "1234" },
};

describe("SecureVault", () => {
  beforeEach(() => recorder.reset());

  describe("defaults", () => {
    it("creates exactly a name suffix and a vault, both parented to the component", async () => {
      const v = new SecureVault("kv", DEFAULTS_ARGS);
      await promiseOf(v.vaultUri);
      const all = await settled();
      assert.deepEqual(all.map((r) => `${r.type}::${r.name}`).sort(), [
        "azure-cmk-storage:index:SecureVault::kv",
        "azure-native:keyvault:Vault::kv-vault",
        "random:index/randomString:RandomString::kv-name-suffix",
      ]);
      for (const r of all.filter((x) => x.custom)) {
        assert.equal(
          r.parent,
          "urn:pulumi:test::cmk-storage::azure-cmk-storage:index:SecureVault::kv",
          r.name,
        );
      }
    });

    it("sends soft delete, 90-day retention, purge protection and access policies explicitly", async () => {
      const v = new SecureVault("kv", DEFAULTS_ARGS);
      await promiseOf(v.vaultId);
      await settled();
      const p = one("azure-native:keyvault:Vault", "kv-vault").inputs.properties;
      assert.equal(p.enableSoftDelete, true);
      assert.equal(p.softDeleteRetentionInDays, 90);
      assert.equal(p.enablePurgeProtection, true);
      assert.equal(p.enableRbacAuthorization, false);
      assert.deepEqual(p.sku, { family: "A", name: "standard" });
      assert.equal(p.createMode, undefined);
      assert.equal(
        p.accessPolicies,
        undefined,
        "no inline access policies: grants are standalone AccessPolicy resources",
      );
    });

    it("turns public network access off and keeps the trusted-services bypass", async () => {
      const v = new SecureVault("kv", DEFAULTS_ARGS);
      await promiseOf(v.vaultId);
      await settled();
      const p = one("azure-native:keyvault:Vault", "kv-vault").inputs.properties;
      assert.equal(p.publicNetworkAccess, "Disabled");
      assert.deepEqual(p.networkAcls, {
        defaultAction: "Deny",
        bypass: "AzureServices",
        ipRules: [],
        virtualNetworkRules: [],
      });
      assert.equal(p.enabledForDeployment, false);
      assert.equal(p.enabledForDiskEncryption, false);
      assert.equal(p.enabledForTemplateDeployment, false);
    });

    it("takes the tenant from the current client config", async () => {
      const v = new SecureVault("kv", DEFAULTS_ARGS);
      assert.equal(await promiseOf(v.tenantId), DEFAULT_ARM_CONTEXT.tenantId);
      await settled();
      assert.equal(
        one("azure-native:keyvault:Vault", "kv-vault").inputs.properties.tenantId,
        DEFAULT_ARM_CONTEXT.tenantId,
      );
    });

    it("derives a valid 24-character-max name from the component name and the random suffix", async () => {
      const v = new SecureVault("platform-keys", DEFAULTS_ARGS);
      const name = await promiseOf(v.vaultName);
      await settled();
      const suffix = one("random:index/randomString:RandomString", "platform-keys-name-suffix");
      assert.deepEqual(
        {
          length: suffix.inputs.length,
          special: suffix.inputs.special,
          upper: suffix.inputs.upper,
        },
        { length: 6, special: false, upper: false },
      );
      assert.equal(name, `platform-keys-${suffix.outputs.result}`);
    });

    it("resolves every public output", async () => {
      const v = new SecureVault("kv", DEFAULTS_ARGS);
      const [id, name, uri, location, tenant, rg, model, sku] = await Promise.all([
        promiseOf(v.vaultId),
        promiseOf(v.vaultName),
        promiseOf(v.vaultUri),
        promiseOf(v.location),
        promiseOf(v.tenantId),
        promiseOf(v.resourceGroupName),
        promiseOf(v.permissionModel),
        promiseOf(v.sku),
      ]);
      assert.equal(
        id,
        `/subscriptions/${DEFAULT_ARM_CONTEXT.subscriptionId}/resourceGroups/rg-cmk/providers/Microsoft.KeyVault/vaults/${name}`,
      );
      assert.equal(uri, `https://${name}.vault.azure.net/`);
      assert.deepEqual(
        [location, tenant, rg, model, sku],
        ["westeurope", DEFAULT_ARM_CONTEXT.tenantId, "rg-cmk", "accessPolicy", "standard"],
      );
    });
  });

  describe("secure", () => {
    it("uses RBAC explicitly and grants administrators Key Vault Crypto Officer at vault scope only", async () => {
      const v = new SecureVault("kv", SECURE_ARGS);
      const vaultId = await promiseOf(v.vaultId);
      await settled();
      assert.equal(
        one("azure-native:keyvault:Vault", "kv-vault").inputs.properties.enableRbacAuthorization,
        true,
      );
      const ras = byType("azure-native:authorization:RoleAssignment");
      assert.equal(ras.length, 1);
      assert.equal(
        ras[0].name,
        `kv-admin-${ADMIN}`,
        "named by object id, so reordering the list keeps every grant",
      );
      assert.deepEqual(
        {
          principalId: ras[0].inputs.principalId,
          principalType: ras[0].inputs.principalType,
          scope: ras[0].inputs.scope,
          role: ras[0].inputs.roleDefinitionId,
        },
        {
          principalId: ADMIN,
          principalType: "Group",
          scope: vaultId,
          role: `/subscriptions/${DEFAULT_ARM_CONTEXT.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/14b46e9e-c2b7-41b4-b07b-48a6ebf60603`,
        },
      );
      assert.equal(byType("azure-native:keyvault:AccessPolicy").length, 0);
    });

    it("uses the premium SKU", async () => {
      const v = new SecureVault("kv", SECURE_ARGS);
      await promiseOf(v.vaultId);
      await settled();
      assert.deepEqual(one("azure-native:keyvault:Vault", "kv-vault").inputs.properties.sku, {
        family: "A",
        name: "premium",
      });
    });
  });

  describe("max", () => {
    it("applies every argument", async () => {
      const v = new SecureVault("kv", MAX_ARGS);
      assert.equal(await promiseOf(v.vaultName), "kv-platform-max");
      await settled();
      assert.equal(
        byType("random:index/randomString:RandomString").length,
        0,
        "an explicit name needs no suffix",
      );
      const vault = one("azure-native:keyvault:Vault", "kv-vault");
      assert.equal(vault.inputs.location, "northeurope");
      assert.deepEqual(vault.inputs.tags, {
        managedBy: "pulumi",
        component: "SecureVault",
        costCenter: "1234",
      });
      const p = vault.inputs.properties;
      assert.deepEqual(
        {
          tenantId: p.tenantId,
          retention: p.softDeleteRetentionInDays,
          pna: p.publicNetworkAccess,
          createMode: p.createMode,
          rbac: p.enableRbacAuthorization,
        },
        {
          tenantId: MAX_ARGS.tenantId,
          retention: 30,
          pna: "Enabled",
          createMode: "recover",
          rbac: false,
        },
      );
      assert.deepEqual(p.networkAcls, {
        defaultAction: "Deny",
        bypass: "AzureServices",
        ipRules: [{ value: "203.0.113.0/28" }],
        virtualNetworkRules: [{ id: MAX_ARGS.allowedSubnetIds![0] }],
      });
    });

    it("grants each administrator an access policy with key-management permissions and nothing cryptographic", async () => {
      const v = new SecureVault("kv", MAX_ARGS);
      await promiseOf(v.vaultId);
      await settled();
      const policies = byType("azure-native:keyvault:AccessPolicy");
      assert.deepEqual(
        policies.map((p) => p.name).sort(),
        [`kv-admin-${CI}`, `kv-admin-${ADMIN}`].sort(),
      );
      for (const objectId of [ADMIN, CI]) {
        const pol = one("azure-native:keyvault:AccessPolicy", `kv-admin-${objectId}`);
        assert.deepEqual(pol.inputs, {
          resourceGroupName: "rg-cmk",
          vaultName: "kv-platform-max",
          policy: {
            tenantId: MAX_ARGS.tenantId,
            objectId,
            permissions: { keys: [...ADMINISTRATOR_KEY_PERMISSIONS] },
          },
        });
        for (const op of [
          "encrypt",
          "decrypt",
          "wrapKey",
          "unwrapKey",
          "sign",
          "delete",
          "purge",
          "all",
        ]) {
          assert.ok(!(pol.inputs.policy.permissions.keys as string[]).includes(op), op);
        }
        assert.deepEqual(pol.propertyDependencies.vaultName, [
          "urn:pulumi:test::cmk-storage::azure-cmk-storage:index:SecureVault$azure-native:keyvault:Vault::kv-vault",
        ]);
      }
    });
  });

  describe("stable grants and upgrades", () => {
    it("keeps every administrator grant when the list is reordered (grants are named by object id)", async () => {
      const first = new SecureVault("kv", {
        ...MAX_ARGS,
        administrators: [{ objectId: ADMIN }, { objectId: CI }],
      });
      await promiseOf(first.vaultId);
      const before = (await settled())
        .filter((r) => r.type === "azure-native:keyvault:AccessPolicy")
        .map((r) => [r.urn, r.inputs.policy.objectId]);
      recorder.reset();
      const second = new SecureVault("kv", {
        ...MAX_ARGS,
        administrators: [{ objectId: CI }, { objectId: ADMIN }],
      });
      await promiseOf(second.vaultId);
      const after = (await settled())
        .filter((r) => r.type === "azure-native:keyvault:AccessPolicy")
        .map((r) => [r.urn, r.inputs.policy.objectId]);
      assert.equal(before.length, 2);
      assert.deepEqual(new Map(after as [string, string][]), new Map(before as [string, string][]));
    });

    it("aliases its 0.1.0 type token and each administrator grant's index-based name", async () => {
      const v = new SecureVault("kv", MAX_ARGS);
      await promiseOf(v.vaultId);
      await settled();
      assert.deepEqual(one("azure-cmk-storage:index:SecureVault", "kv").aliases, [
        { type: "cmk:keyvault:SecureVault" },
      ]);
      assert.deepEqual(
        one("azure-native:keyvault:AccessPolicy", `kv-admin-${ADMIN}`).aliases.map((a) => a.name),
        ["kv-admin-0"],
      );
      assert.deepEqual(
        one("azure-native:keyvault:AccessPolicy", `kv-admin-${CI}`).aliases.map((a) => a.name),
        ["kv-admin-1"],
      );
    });

    it("describes itself as a vault reference with the plain permission model it was given", async () => {
      const v = new SecureVault("kv", SECURE_ARGS);
      const ref = v.reference();
      assert.equal(ref.permissionModel, "rbac");
      assert.equal(ref.sku, "premium");
      assert.equal(ref.location, "westeurope");
      assert.equal(await promiseOf(pulumi.output(ref.vaultId)), await promiseOf(v.vaultId));
      assert.equal(await promiseOf(pulumi.output(ref.vaultUri!)), await promiseOf(v.vaultUri));
      await settled();
    });
  });

  describe("two instances", () => {
    it("do not collide: every child name and URN is distinct", async () => {
      const a = new SecureVault("team-a", DEFAULTS_ARGS);
      const b = new SecureVault("team-b", DEFAULTS_ARGS);
      const [na, nb] = await Promise.all([promiseOf(a.vaultName), promiseOf(b.vaultName)]);
      const all = await settled();
      assert.notEqual(na, nb);
      assert.equal(new Set(all.map((r) => r.urn)).size, all.length);
      assert.equal(byType("azure-native:keyvault:Vault").length, 2);
    });
  });

  describe("validation", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        "the explicit vault name has consecutive hyphens",
        { vaultName: "kv--x" },
        'vaultName: must not contain consecutive hyphens ("--"), got "kv--x"',
      ],
      [
        "the explicit vault name is too long",
        { vaultName: "a".repeat(25) },
        "vaultName: must be 3-24 characters long, got 25",
      ],
      [
        "softDeleteRetentionInDays is below 7",
        { softDeleteRetentionInDays: 6 },
        "softDeleteRetentionInDays: must be a whole number of days between 7 and 90, got 6",
      ],
      [
        "softDeleteRetentionInDays is above 90",
        { softDeleteRetentionInDays: 91 },
        "softDeleteRetentionInDays: must be a whole number of days between 7 and 90, got 91",
      ],
      [
        "the sku is not standard or premium",
        { sku: "basic" },
        'sku: must be one of standard, premium, got "basic"',
      ],
      [
        "the permission model is unknown",
        { permissionModel: "acl" },
        'permissionModel: must be one of accessPolicy, rbac, got "acl"',
      ],
      [
        "publicNetworkAccess is lowercase",
        { publicNetworkAccess: "enabled" },
        'publicNetworkAccess: must be one of Disabled, Enabled, got "enabled"',
      ],
      [
        "an allowed IP range is not IPv4",
        { allowedIpRanges: ["2001:db8::/32"] },
        'allowedIpRanges[0]: must be an IPv4 address or CIDR range such as "203.0.113.0/24", got "2001:db8::/32"',
      ],
      [
        "an allowed subnet id is not a subnet id",
        { allowedSubnetIds: ["vnet/sub"] },
        "allowedSubnetIds[0]: must be a subnet resource id",
      ],
      [
        "an administrator object id is not a GUID",
        { administrators: [{ objectId: "alice@contoso.com" }] },
        'administrators[0].objectId: must be an Entra ID object id (a GUID), got "alice@contoso.com"',
      ],
      [
        "the tenant id is not a GUID",
        { tenantId: "contoso.onmicrosoft.com" },
        'tenantId: must be an Entra ID tenant id (a GUID), got "contoso.onmicrosoft.com"',
      ],
      [
        "the location is not a region name",
        { location: "west/europe" },
        'location: must be an Azure region name such as "westeurope" (one of the 73 regions in components/azureRegions.ts), got "west/europe"; did you mean "westeurope"?',
      ],
      [
        "the location is a misspelt region",
        { location: "westeurpoe" },
        'got "westeurpoe"; did you mean "westeurope"?',
      ],
      [
        "the location is global",
        { location: "global" },
        'location: must be an Azure region name such as "westeurope" (one of the 73 regions in components/azureRegions.ts), got "global"',
      ],
      [
        "the resource group name ends with a period",
        { resourceGroupName: "rg." },
        'resourceGroupName: must be 1-90 letters, digits, underscores, parentheses, hyphens and periods, not ending in a period, got "rg."',
      ],
      [
        "the resource group name has a slash",
        { resourceGroupName: "rg/x" },
        "resourceGroupName: must be 1-90 letters",
      ],
      [
        "an allowed IP range has a /33 prefix",
        { allowedIpRanges: ["1.2.3.4/33"] },
        'allowedIpRanges[0]: must be an IPv4 address or CIDR range such as "203.0.113.0/24" (prefix 0-32), got "1.2.3.4/33"',
      ],
      [
        "an allowed IP address is out of range",
        { allowedIpRanges: ["999.999.999.999/24"] },
        'allowedIpRanges[0]: must be an IPv4 address or CIDR range such as "203.0.113.0/24", got "999.999.999.999/24"',
      ],
      [
        "an allowed IP range is private (RFC 1918)",
        { allowedIpRanges: ["10.0.0.0/8"] },
        "allowedIpRanges[0]: must be a public address; 10.0.0.0 is private",
      ],
      [
        "an allowed IP range is listed twice",
        { allowedIpRanges: ["203.0.113.0/28", "203.0.113.0/28"] },
        "allowedIpRanges[1]: is listed twice (203.0.113.0/28)",
      ],
      [
        "a tag name has a slash",
        { tags: { "a/b": "x" } },
        'tags.a/b: tag names must be 1-512 characters without < > % & \\ ? /, got "a/b"',
      ],
      [
        "there are more than 48 tags",
        { tags: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, "x"])) },
        "tags: may hold at most 48 tags (Azure allows 50 per resource; the component sets 2), got 49",
      ],
      [
        "the vault name is not a string",
        { vaultName: true },
        "vaultName: must be a string, got true",
      ],
      ["the location is a number", { location: 42 }, "location: must be a string, got 42"],
      [
        "the resource group is missing",
        { resourceGroupName: undefined },
        "resourceGroupName: is required, got undefined",
      ],
      ["the name prefix is a number", { namePrefix: 123 }, "namePrefix: must be a string, got 123"],
      [
        "an administrator is null",
        { administrators: [null] },
        "administrators[0]: must be an object with objectId (and principalType), got null",
      ],
      [
        "the administrators are not a list",
        { administrators: { objectId: ADMIN } },
        "administrators: must be a list, got",
      ],
      [
        "the same administrator is listed twice",
        { administrators: [{ objectId: ADMIN }, { objectId: ADMIN.toUpperCase() }] },
        "administrators[1].objectId: is listed twice",
      ],
      [
        "an administrator's principal type is unknown",
        { administrators: [{ objectId: ADMIN, principalType: "Robot" }] },
        'administrators[0].principalType: must be one of User, Group, ServicePrincipal, got "Robot"',
      ],
      [
        "the allowed IP ranges are a single string",
        { allowedIpRanges: "203.0.113.0/24" },
        'allowedIpRanges: must be a list, got "203.0.113.0/24"',
      ],
      [
        "the retention is not a number",
        { softDeleteRetentionInDays: "90" },
        'softDeleteRetentionInDays: must be a whole number of days between 7 and 90, got "90"',
      ],
      [
        "the retention is NaN",
        { softDeleteRetentionInDays: Number.NaN },
        "softDeleteRetentionInDays: must be a whole number of days between 7 and 90, got NaN",
      ],
      [
        "the tags are null",
        { tags: null },
        "tags: must be a map of tag names to string values, got null",
      ],
      [
        "a tag value is a number",
        { tags: { costCenter: 1234 } },
        "tags.costCenter: tag values must be strings of at most 256 characters, got 1234",
      ],
      [
        "recoverSoftDeleted is a string",
        { recoverSoftDeleted: "yes" },
        'recoverSoftDeleted: must be true or false, got "yes"',
      ],
    ];
    for (const [when, override, message] of cases) {
      it(`fails when ${when}`, async () => {
        const err = errorOf(() => new SecureVault("kv", { ...DEFAULTS_ARGS, ...override }));
        assert.ok(
          pulumi.InputPropertiesError.isInstance(err),
          "an InputPropertiesError the engine pretty-prints",
        );
        assert.ok(err.message.includes(message), `${err.message}\n  does not include\n${message}`);
        assert.equal((await settled()).length, 0, "nothing registered, not even the component");
      });
    }

    it("fails without hanging or overflowing when tag values are circular or nested thousands deep", async () => {
      const circular: Record<string, unknown> = {};
      circular["self"] = circular;
      let deep: unknown = "x";
      for (let i = 0; i < 20_000; i++) deep = { deep };
      const err = errorOf(
        () =>
          new SecureVault("kv", {
            ...DEFAULTS_ARGS,
            tags: { loop: circular, deep },
          } as unknown as SecureVaultArgs),
      );
      assert.ok(pulumi.InputPropertiesError.isInstance(err));
      assert.match(
        err.message,
        /tags\.loop: tag values must be strings of at most 256 characters, got \[object Object\]/,
      );
      assert.match(
        err.message,
        /tags\.deep: tag values must be strings of at most 256 characters, got/,
      );
      assert.equal((await settled()).length, 0);
    });

    for (const args of [null, undefined, "rg-cmk"]) {
      it(`fails when the arguments are ${JSON.stringify(args) ?? "undefined"} instead of an object`, async () => {
        const err = errorOf(() => new SecureVault("kv", args as unknown as SecureVaultArgs));
        assert.ok(pulumi.InputPropertiesError.isInstance(err));
        assert.match(err.message, /args: must be an object of arguments, got/);
        assert.equal((await settled()).length, 0);
      });
    }

    it("fails with every problem listed at once", () => {
      const err = errorOf(() =>
        validateSecureVaultArgs("kv", {
          ...DEFAULTS_ARGS,
          sku: "gold" as never,
          softDeleteRetentionInDays: 1,
        }),
      );
      assert.deepEqual(
        (err as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath),
        ["sku", "softDeleteRetentionInDays"],
      );
      assert.match(
        err.message,
        /^Invalid arguments for SecureVault "kv":\n {2}- sku: .*\n {2}- softDeleteRetentionInDays: /,
      );
    });

    it("fails the deployment before the vault is requested when a name or tenant known only at deployment is invalid", async () => {
      new SecureVault("kv", {
        ...DEFAULTS_ARGS,
        vaultName: pulumi.output("k".repeat(25)),
        tenantId: pulumi.secret("not-a-guid"),
      });
      const errors = (await deploymentErrors()).join("\n");
      assert.match(
        errors,
        /Invalid arguments for SecureVault "kv":\n {2}- vaultName: must be 3-24 characters long, got 25/,
      );
      assert.match(errors, /tenantId: must be an Entra ID id \(a GUID\), got "not-a-guid"/);
      assert.equal(byType("azure-native:keyvault:Vault").length, 0);
    });

    it("skips values that are only known at deployment time", () => {
      assert.doesNotThrow(() =>
        validateSecureVaultArgs("kv", {
          ...DEFAULTS_ARGS,
          vaultName: pulumi.output("kv--would-fail"),
          tenantId: pulumi.output("x"),
        }),
      );
    });
  });
});
