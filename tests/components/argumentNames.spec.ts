import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  CMK_STORAGE_ACCOUNT_ARGUMENTS,
  closestName,
  KEY_REFERENCE_SHAPE,
  MANAGED_KEY_ROTATION_ARGUMENTS,
  SECURE_VAULT_ARGUMENTS,
  STORAGE_ACCESS_KEY_ROTATION_ARGUMENTS,
  VAULT_REFERENCE_SHAPE,
} from "../../components/argumentNames";
import { CmkStorageAccount } from "../../components/cmkStorageAccount";
import { ManagedKeyRotation } from "../../components/managedKeyRotation";
import { SecureVault } from "../../components/secureVault";
import {
  LEGACY_GRANT_PREFIX,
  StorageAccessKeyRotation,
  validateStorageAccessKeyRotationArgs,
} from "../../components/storageAccessKeyRotation";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import { errorOf, recorder, settled } from "../support/mocks";

const SUB = DEFAULT_ARM_CONTEXT.subscriptionId;
const VAULT = {
  vaultId: `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01`,
  permissionModel: "accessPolicy",
} as const;
const KEY = { vault: VAULT, keyName: "cmk" };
const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stfiles01`;

/** Builds a component from untyped arguments (what a YAML or Python caller sends), returning the error it throws. */
function refused(build: (args: never) => unknown, args: Record<string, unknown>): Error {
  return errorOf(() => build(args as never));
}

/** The problem lines of an InputPropertiesError, by property path. */
function problems(e: Error): Record<string, string> {
  assert.ok(pulumi.InputPropertiesError.isInstance(e), `not an InputPropertiesError: ${e.message}`);
  return Object.fromEntries(e.errors.map((p) => [p.propertyPath, p.reason]));
}

describe("unknown argument names (callers without a type checker)", () => {
  beforeEach(() => recorder.reset());

  it("fails when SecureVault gets allowedIpRange, naming allowedIpRanges, with nothing registered", async () => {
    const e = refused((a) => new SecureVault("kv", a), {
      resourceGroupName: "rg",
      location: "westeurope",
      allowedIpRange: ["203.0.113.0/28"],
    });
    const p = problems(e);
    assert.match(
      p.allowedIpRange,
      /^is not an argument of SecureVault; did you mean "allowedIpRanges"\? known: resourceGroupName, .*; got \["203\.0\.113\.0\/28"\]$/,
    );
    assert.match(e.message, /Invalid arguments for SecureVault "kv":\n {2}- allowedIpRange: /);
    assert.equal((await settled()).length, 0);
  });

  it("fails when a name is unlike every known one (colour), listing the known names without a guess", async () => {
    const e = refused((a) => new CmkStorageAccount("files", a), {
      resourceGroupName: "rg",
      location: "westeurope",
      key: KEY,
      colour: "blue",
    });
    const reason = problems(e).colour;
    assert.match(reason, /^is not an argument of CmkStorageAccount; known: resourceGroupName, /);
    assert.doesNotMatch(reason, /did you mean/);
    assert.equal((await settled()).length, 0);
  });

  it("fails when a name differs only in case (KeySize), suggesting the right spelling", () => {
    const p = problems(
      refused((a) => new ManagedKeyRotation("cmk", a), { vault: VAULT, KeySize: 4096 }),
    );
    assert.match(p.KeySize, /did you mean "keySize"\?/);
  });

  it("fails when a nested reference field is misspelt (key.vault.vaultID, key.keyname), at its full path", async () => {
    const p = problems(
      refused((a) => new CmkStorageAccount("files", a), {
        resourceGroupName: "rg",
        location: "westeurope",
        key: { vault: { ...VAULT, vaultID: "x" }, keyName: "cmk", keyname: "cmk2" },
      }),
    );
    assert.match(
      p["key.vault.vaultID"],
      /^is not a field of key\.vault; did you mean "vaultId"\? known: vaultId, permissionModel, /,
    );
    assert.match(p["key.keyname"], /^is not a field of key; did you mean "keyName"\?/);
    assert.equal((await settled()).length, 0);
  });

  it("fails when administrators[i] and sasPolicy carry misspelt fields", () => {
    const vault = problems(
      refused((a) => new SecureVault("kv", a), {
        resourceGroupName: "rg",
        location: "westeurope",
        administrators: [
          { objectId: "9a1c3f5e-2b4d-4c6e-8f0a-1b2c3d4e5f60", principalTyp: "Group" },
        ],
      }),
    );
    assert.match(vault["administrators[0].principalTyp"], /did you mean "principalType"\?/);
    const account = problems(
      refused((a) => new CmkStorageAccount("files", a), {
        resourceGroupName: "rg",
        location: "westeurope",
        key: KEY,
        allowSharedKeyAccess: true,
        sasPolicy: { sasExpirationPeriod: "1.00:00:00", expirationActon: "Block" },
      }),
    );
    assert.match(account["sasPolicy.expirationActon"], /did you mean "expirationAction"\?/);
  });

  it("fails when StorageAccessKeyRotation gets rotationPeriodDays, and keeps the internal symbol argument working", () => {
    const p = problems(
      refused((a) => new StorageAccessKeyRotation("keys", a), {
        storageAccountId: ACCOUNT_ID,
        vault: VAULT,
        rotationPeriodDays: 30,
      }),
    );
    assert.match(p.rotationPeriodDays, /did you mean "rotationPeriodInDays"\?/);
    // CmkStorageAccount passes its legacy grant prefix under a symbol: not a name a caller can send, never refused.
    validateStorageAccessKeyRotationArgs("keys", {
      storageAccountId: ACCOUNT_ID,
      vault: VAULT,
      [LEGACY_GRANT_PREFIX]: "files",
    });
  });

  it("accepts unknown names whose value is null or undefined (absent, as other SDKs send unset properties)", async () => {
    new SecureVault("kv", {
      resourceGroupName: "rg",
      location: "westeurope",
      vaultId: null,
      legacy: undefined,
    } as never);
    assert.ok((await settled()).length > 0);
  });

  it("reports an unknown name together with the other problems, in one error", () => {
    const p = problems(
      refused((a) => new SecureVault("kv", a), {
        resourceGroupName: "rg",
        location: "westeurpoe",
        skuu: "premium",
      }),
    );
    assert.deepEqual(Object.keys(p).sort(), ["location", "skuu"]);
  });

  it("lists each component's names once, and the references' names in every shape that uses them", () => {
    for (const s of [
      SECURE_VAULT_ARGUMENTS,
      MANAGED_KEY_ROTATION_ARGUMENTS,
      CMK_STORAGE_ACCOUNT_ARGUMENTS,
      STORAGE_ACCESS_KEY_ROTATION_ARGUMENTS,
    ]) {
      assert.equal(new Set(s.names).size, s.names.length);
    }
    assert.equal(CMK_STORAGE_ACCOUNT_ARGUMENTS.nested.key, KEY_REFERENCE_SHAPE);
    assert.equal(KEY_REFERENCE_SHAPE.nested.vault, VAULT_REFERENCE_SHAPE);
    assert.equal(MANAGED_KEY_ROTATION_ARGUMENTS.nested.vault, VAULT_REFERENCE_SHAPE);
  });

  describe("closestName", () => {
    it("finds the nearest known name, case-insensitively", () => {
      assert.equal(
        closestName("allowedIpRange", ["allowedIpRanges", "allowedSubnetIds"]),
        "allowedIpRanges",
      );
      assert.equal(closestName("SKU", ["sku", "tags"]), "sku");
    });
    it("gives nothing when every known name is far away", () => {
      assert.equal(
        closestName("colour", ["resourceGroupName", "location", "accountName"]),
        undefined,
      );
      assert.equal(closestName("x", []), undefined);
    });
  });
});
