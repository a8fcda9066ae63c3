import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  accessKeyRotationPermissions,
  StorageAccessKeyRotation,
  type StorageAccessKeyRotationArgs,
  validateStorageAccessKeyRotationArgs,
} from "../../components/storageAccessKeyRotation";
import { errorOf, promiseOf, recorder, settled } from "../support/mocks";

const TYPE = "cmk:storage:StorageAccessKeyRotation";
const DYNAMIC = "pulumi-nodejs:dynamic/cmk:AccessKeyRotation";
const ACCOUNT_ID = "/subscriptions/8e0b9c3d-1111-4222-8333-944455556666/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata001";
const VAULT_URI = "https://kv-shared-01.vault.azure.net/";

const DEFAULTS_ARGS: StorageAccessKeyRotationArgs = { storageAccountId: ACCOUNT_ID, vaultUri: VAULT_URI };
const MAX_ARGS: StorageAccessKeyRotationArgs = {
  storageAccountId: ACCOUNT_ID,
  vaultUri: VAULT_URI,
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
      assert.deepEqual(children.map((r) => `${r.type}::${r.name}`), [`${DYNAMIC}::files-keys-rotation`]);
      const rotation = children[0]!;
      assert.equal(rotation.urn, `urn:pulumi:test::cmk-storage::${TYPE}$${DYNAMIC}::files-keys-rotation`);
      assert.equal(rotation.inputs["storageAccountId"], ACCOUNT_ID);
      assert.equal(rotation.inputs["vaultUri"], VAULT_URI);
      assert.equal(rotation.inputs["secretName"], "stdata001-access-key");
      assert.equal(rotation.inputs["rotationPeriodInDays"], 90);
      assert.deepEqual(rotation.inputs["tags"], {});
      assert.equal(typeof rotation.inputs["__provider"], "string", "the provider is serialized into the inputs");
    });

    it("registers the component itself with no inputs, so args never reach state", async () => {
      new StorageAccessKeyRotation("files-keys", DEFAULTS_ARGS);
      await settled();
      const component = recorder.resources.find((r) => r.urn === componentUrn("files-keys"));
      assert.deepEqual(component?.inputs, {});
    });

    it("exposes every public output", async () => {
      const rotation = new StorageAccessKeyRotation("files-keys", DEFAULTS_ARGS);
      for (const output of [rotation.activeKeyName, rotation.lastRotatedAt, rotation.nextRotationAt, rotation.secretId, rotation.secretVersion]) {
        assert.ok(pulumi.Output.isInstance(output));
        await promiseOf(output);
      }
    });

    it("derives the secret name from an account id that is only known later", async () => {
      new StorageAccessKeyRotation("files-keys", { ...DEFAULTS_ARGS, storageAccountId: pulumi.output(ACCOUNT_ID) });
      const [rotation] = await childrenOf("files-keys");
      assert.equal(rotation?.inputs["secretName"], "stdata001-access-key");
    });
  });

  describe("max", () => {
    it("passes secret name, period and tags to the rotation resource", async () => {
      new StorageAccessKeyRotation("files-keys", MAX_ARGS);
      const [rotation] = await childrenOf("files-keys");
      assert.equal(rotation?.inputs["secretName"], "legacy-smb-key");
      assert.equal(rotation?.inputs["rotationPeriodInDays"], 30);
      assert.deepEqual(rotation?.inputs["tags"], { owner: "team-files" });
    });

    it("lets two instances coexist without logical-name collisions", async () => {
      new StorageAccessKeyRotation("a-keys", DEFAULTS_ARGS);
      new StorageAccessKeyRotation("b-keys", MAX_ARGS);
      await settled();
      const names = recorder.resources.filter((r) => r.type === DYNAMIC).map((r) => r.name).sort();
      assert.deepEqual(names, ["a-keys-rotation", "b-keys-rotation"]);
    });
  });

  describe("validation", () => {
    it("fails when secretName breaks the Key Vault name rule", () => {
      const err = errorOf(() => validateStorageAccessKeyRotationArgs("k", { ...DEFAULTS_ARGS, secretName: "bad_name" }));
      assert.match(err.message, /secretName: must match \^\[0-9a-zA-Z-\]\{1,127\}\$ \(1-127 letters, digits, dashes\), got "bad_name"/);
    });

    for (const period of [0, 731, 1.5]) {
      it(`fails when rotationPeriodInDays is ${period}`, () => {
        const err = errorOf(() => validateStorageAccessKeyRotationArgs("k", { ...DEFAULTS_ARGS, rotationPeriodInDays: period }));
        assert.match(err.message, new RegExp(`rotationPeriodInDays: must be a whole number of days between 1 and 730, got ${period}`));
      });
    }

    it("fails when storageAccountId is not a storage account id", () => {
      const err = errorOf(() =>
        validateStorageAccessKeyRotationArgs("k", { ...DEFAULTS_ARGS, storageAccountId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }),
      );
      assert.match(err.message, /storageAccountId: must be a storage account ARM id/);
    });

    it("fails when tags set the rotation's own tag names or exceed what Key Vault allows", () => {
      const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`t${i}`, "x"]));
      const err = errorOf(() => validateStorageAccessKeyRotationArgs("k", { ...DEFAULTS_ARGS, tags: { ...many, credentialid: "x" } }));
      assert.match(err.message, /tags: must have at most 11 entries .* got 13/);
      assert.match(err.message, /tags: must not set the rotation's own tags .* got \["credentialid"\]/);
    });

    it("fails with every problem at once, as an InputPropertiesError, before registering anything", async () => {
      const err = errorOf(
        () =>
          new StorageAccessKeyRotation("files-keys", {
            storageAccountId: "nope",
            vaultUri: "http://kv",
            secretName: "",
            rotationPeriodInDays: -1,
          }),
      );
      assert.ok(pulumi.InputPropertiesError.isInstance(err));
      assert.deepEqual(
        (err as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath),
        ["storageAccountId", "vaultUri", "secretName", "rotationPeriodInDays"],
      );
      await settled();
      assert.equal(recorder.resources.filter((r) => r.type === DYNAMIC).length, 0);
    });

    it("skips values that are only known later", () => {
      validateStorageAccessKeyRotationArgs("k", {
        storageAccountId: pulumi.output("later"),
        vaultUri: pulumi.output("later"),
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
