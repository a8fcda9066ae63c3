import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  accessKeyRotationPermissions,
  StorageAccessKeyRotation,
  type StorageAccessKeyRotationArgs,
  validateStorageAccessKeyRotationArgs,
} from "../../components/storageAccessKeyRotation";
import { hosting } from "../../components/hosting";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import { errorOf, one, promiseOf, recorder, settled } from "../support/mocks";

const TYPE = "azure-cmk-storage:index:StorageAccessKeyRotation";
const DYNAMIC = "pulumi-nodejs:dynamic/cmk:AccessKeyRotation";
const ACCOUNT_ID =
  "/subscriptions/8e0b9c3d-1111-4222-8333-944455556666/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata001";
const VAULT_URI = "https://kv-shared-01.vault.azure.net/";
const VAULT_ID = `/subscriptions/${DEFAULT_ARM_CONTEXT.subscriptionId}/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01`;
/** An RBAC vault in another subscription than the program's provider: role assignments are addressed by id there. */
const OTHER_SUBSCRIPTION_VAULT_ID =
  "/subscriptions/8e0b9c3d-1111-4222-8333-944455556666/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01";
const VAULT = { vaultId: VAULT_ID, vaultUri: VAULT_URI, permissionModel: "accessPolicy" } as const;

/** Defaults, except the deployer grants (covered in "deployer grants"), so the rotation resource is the only child. */
const DEFAULTS_ARGS: StorageAccessKeyRotationArgs = {
  storageAccountId: ACCOUNT_ID,
  vault: VAULT,
  grantDeployerAccess: false,
};
const MAX_ARGS: StorageAccessKeyRotationArgs = {
  storageAccountId: ACCOUNT_ID,
  vault: { ...VAULT, vaultId: OTHER_SUBSCRIPTION_VAULT_ID, permissionModel: "rbac" },
  grantDeployerAccess: true,
  deployerPrincipalType: "User",
  rbacPropagationSeconds: 120,
  secretName: "legacy-smb-key",
  rotationPeriodInDays: 30,
  tags: { owner: "team-files" },
};

const componentUrn = (name: string): string => `urn:pulumi:test::cmk-storage::${TYPE}::${name}`;

async function childrenOf(name: string) {
  await settled();
  return recorder.resources.filter((r) => r.parent === componentUrn(name));
}

describe("StorageAccessKeyRotation", () => {
  beforeEach(() => recorder.reset());

  describe("defaults", () => {
    it("creates exactly one rotation resource, parented to the component, with the default name and period", async () => {
      new StorageAccessKeyRotation("files-keys", DEFAULTS_ARGS);
      const children = await childrenOf("files-keys");
      assert.deepEqual(
        children.map((r) => `${r.type}::${r.name}`),
        [`${DYNAMIC}::files-keys-rotation`],
      );
      const rotation = children[0];
      assert.equal(
        rotation.urn,
        `urn:pulumi:test::cmk-storage::${TYPE}$${DYNAMIC}::files-keys-rotation`,
      );
      assert.equal(rotation.inputs["storageAccountId"], ACCOUNT_ID);
      assert.equal(
        rotation.inputs["vaultUri"],
        "https://kv-shared-01.vault.azure.net",
        "the vault URI without its trailing slash",
      );
      assert.equal(rotation.inputs["secretName"], "stdata001-access-key");
      assert.equal(rotation.inputs["rotationPeriodInDays"], 90);
      assert.deepEqual(rotation.inputs["tags"], {});
      assert.equal(
        typeof rotation.inputs["__provider"],
        "string",
        "the provider is serialized into the inputs",
      );
    });

    it("registers the component itself with no inputs, so args never reach state", async () => {
      new StorageAccessKeyRotation("files-keys", DEFAULTS_ARGS);
      await settled();
      const component = recorder.resources.find((r) => r.urn === componentUrn("files-keys"));
      assert.deepEqual(component?.inputs, {});
    });

    it("exposes every public output", async () => {
      const rotation = new StorageAccessKeyRotation("files-keys", DEFAULTS_ARGS);
      for (const output of [
        rotation.activeKeyName,
        rotation.lastRotatedAt,
        rotation.nextRotationAt,
        rotation.secretId,
        rotation.secretVersion,
      ]) {
        assert.ok(pulumi.Output.isInstance(output));
        await promiseOf(output);
      }
    });

    it("derives the secret name from an account id that is only known later", async () => {
      new StorageAccessKeyRotation("files-keys", {
        ...DEFAULTS_ARGS,
        storageAccountId: pulumi.output(ACCOUNT_ID),
      });
      const [rotation] = await childrenOf("files-keys");
      assert.equal(rotation?.inputs["secretName"], "stdata001-access-key");
    });
  });

  describe("max", () => {
    it("passes secret name, period and tags to the rotation resource", async () => {
      new StorageAccessKeyRotation("files-keys", MAX_ARGS);
      await childrenOf("files-keys");
      const rotation = one(DYNAMIC, "files-keys-rotation");
      assert.equal(rotation?.inputs["secretName"], "legacy-smb-key");
      assert.equal(rotation?.inputs["rotationPeriodInDays"], 30);
      assert.deepEqual(rotation?.inputs["tags"], { owner: "team-files" });
    });

    it("lets two instances coexist without logical-name collisions", async () => {
      new StorageAccessKeyRotation("a-keys", DEFAULTS_ARGS);
      new StorageAccessKeyRotation("b-keys", MAX_ARGS);
      await settled();
      const names = recorder.resources
        .filter((r) => r.type === DYNAMIC)
        .map((r) => r.name)
        .sort();
      assert.deepEqual(names, ["a-keys-rotation", "b-keys-rotation"]);
    });
  });

  describe("deployer grants", () => {
    it("grants the deployer the account roles and the vault's secret access by default, and waits for RBAC before rotating", async () => {
      new StorageAccessKeyRotation("files-keys", { storageAccountId: ACCOUNT_ID, vault: VAULT });
      const children = await childrenOf("files-keys");
      assert.deepEqual(children.map((r) => `${r.type}::${r.name}`).sort(), [
        "azure-native:authorization:RoleAssignment::files-keys-deployer-Reader",
        "azure-native:authorization:RoleAssignment::files-keys-deployer-StorageAccountKeyOperatorServiceRole",
        "azure-native:keyvault:AccessPolicy::files-keys-deployer-secrets",
        `${DYNAMIC}::files-keys-rotation`,
        "time:index/sleep:Sleep::files-keys-deployer-rbac-propagation",
      ]);
      const reader = one("azure-native:authorization:RoleAssignment", "files-keys-deployer-Reader");
      assert.deepEqual(
        [
          reader.inputs.scope,
          reader.inputs.principalId,
          reader.inputs.principalType,
          reader.inputs.roleDefinitionId,
        ],
        [
          ACCOUNT_ID,
          DEFAULT_ARM_CONTEXT.objectId,
          "ServicePrincipal",
          "/subscriptions/8e0b9c3d-1111-4222-8333-944455556666/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
        ],
        "the role definition comes from the account's own subscription",
      );
      const secrets = one("azure-native:keyvault:AccessPolicy", "files-keys-deployer-secrets");
      assert.deepEqual(
        [secrets.inputs.vaultName, secrets.inputs.resourceGroupName],
        ["kv-shared-01", "rg-shared"],
      );
      assert.deepEqual(secrets.inputs.policy.permissions, { secrets: ["get", "set"] });
      const rotation = one(DYNAMIC, "files-keys-rotation");
      for (const g of children.filter((c) => c.type !== DYNAMIC)) {
        assert.ok(rotation.dependencies.includes(g.urn), g.name);
      }
    });

    it("assigns Key Vault Secrets Officer on an RBAC vault, in the vault's subscription, with the given principal type", async () => {
      new StorageAccessKeyRotation("files-keys", MAX_ARGS);
      await childrenOf("files-keys");
      const officer = one(
        "azure-native:authorization:RoleAssignment",
        "files-keys-deployer-KeyVaultSecretsOfficer",
      );
      assert.deepEqual(
        [officer.inputs.scope, officer.inputs.principalType, officer.inputs.roleDefinitionId],
        [
          OTHER_SUBSCRIPTION_VAULT_ID,
          "User",
          "/subscriptions/8e0b9c3d-1111-4222-8333-944455556666/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ],
      );
      assert.equal(
        one("time:index/sleep:Sleep", "files-keys-deployer-rbac-propagation").inputs.createDuration,
        "120s",
      );
    });
  });

  describe("validation", () => {
    it("fails when hosted for another language, saying why and what to use instead, before registering anything", async () => {
      const original = hosting.isComponentProviderHost;
      hosting.isComponentProviderHost = () => true;
      try {
        const err = errorOf(() => new StorageAccessKeyRotation("files-keys", DEFAULTS_ARGS));
        assert.ok(pulumi.InputPropertiesError.isInstance(err));
        assert.match(
          err.message,
          /StorageAccessKeyRotation is available to TypeScript and JavaScript programs only: .*pulumi\/pulumi#5455/,
        );
        assert.equal((await settled()).length, 0);
      } finally {
        hosting.isComponentProviderHost = original;
      }
    });

    it("fails when secretName breaks the Key Vault name rule", () => {
      const err = errorOf(() =>
        validateStorageAccessKeyRotationArgs("k", { ...DEFAULTS_ARGS, secretName: "bad_name" }),
      );
      assert.match(
        err.message,
        /secretName: must match \^\[0-9a-zA-Z-\]\{1,127\}\$ \(1-127 letters, digits, dashes\), got "bad_name"/,
      );
    });

    for (const period of [0, 731, 1.5]) {
      it(`fails when rotationPeriodInDays is ${period}`, () => {
        const err = errorOf(() =>
          validateStorageAccessKeyRotationArgs("k", {
            ...DEFAULTS_ARGS,
            rotationPeriodInDays: period,
          }),
        );
        assert.match(
          err.message,
          new RegExp(
            `rotationPeriodInDays: must be a whole number of days between 1 and 730, got ${period}`,
          ),
        );
      });
    }

    it("fails when storageAccountId is not a storage account id", () => {
      const err = errorOf(() =>
        validateStorageAccessKeyRotationArgs("k", {
          ...DEFAULTS_ARGS,
          storageAccountId:
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
        }),
      );
      assert.match(err.message, /storageAccountId: must be a storage account ARM id/);
    });

    it("fails when tags set the rotation's own tag names or exceed what Key Vault allows", () => {
      const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`t${i}`, "x"]));
      const err = errorOf(() =>
        validateStorageAccessKeyRotationArgs("k", {
          ...DEFAULTS_ARGS,
          tags: { ...many, credentialid: "x" },
        }),
      );
      assert.match(err.message, /tags: must have at most 11 entries .* got 13/);
      assert.match(
        err.message,
        /tags: must not set the rotation's own tags .* got \["credentialid"\]/,
      );
    });

    it("fails with every problem at once, as an InputPropertiesError, before registering anything", async () => {
      const err = errorOf(
        () =>
          new StorageAccessKeyRotation("files-keys", {
            storageAccountId: "nope",
            vault: { vaultId: "kv", permissionModel: "rbac" },
            secretName: "",
            rotationPeriodInDays: -1,
          }),
      );
      assert.ok(pulumi.InputPropertiesError.isInstance(err));
      assert.deepEqual(
        err.errors.map((e) => e.propertyPath),
        ["storageAccountId", "vault.vaultId", "secretName", "rotationPeriodInDays"],
      );
      await settled();
      assert.equal(recorder.resources.filter((r) => r.type === DYNAMIC).length, 0);
    });

    it("skips values that are only known later", () => {
      validateStorageAccessKeyRotationArgs("k", {
        storageAccountId: pulumi.output("later"),
        vault: {
          vaultId: pulumi.output("later"),
          vaultUri: pulumi.output("later"),
          permissionModel: "rbac",
        },
        secretName: pulumi.output("bad_name"),
        rotationPeriodInDays: pulumi.output(0),
      });
    });
  });

  describe("permissions", () => {
    it("names the key operator and reader roles on the account, secrets officer or get+set on the vault", () => {
      assert.deepEqual(accessKeyRotationPermissions(), {
        storageAccountRoles: ["StorageAccountKeyOperatorServiceRole", "Reader"],
        vaultRbacRoles: ["KeyVaultSecretsOfficer"],
        vaultAccessPolicySecretPermissions: ["get", "set"],
      });
    });
  });
});
