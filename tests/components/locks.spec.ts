import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { CmkStorageAccount, type CmkStorageAccountArgs } from "../../components/cmkStorageAccount";
import { SecureVault } from "../../components/secureVault";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import { byType, errorOf, one, promiseOf, recorder, settled } from "../support/mocks";

const SUB = DEFAULT_ARM_CONTEXT.subscriptionId;
const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe`;
const WORKSPACE = `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-platform`;
const ADMIN = "9a1c3f5e-2b4d-4c6e-8f0a-1b2c3d4e5f60";
const KEY = {
  vault: {
    vaultId: `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01`,
    vaultUri: "https://kv-shared-01.vault.azure.net/",
    permissionModel: "accessPolicy" as const,
  },
  keyName: "k1",
};
const LOCK = "azure-native:authorization:ManagementLockByScope";

function account(
  extra: Partial<CmkStorageAccountArgs>,
  opts?: pulumi.ComponentResourceOptions,
): CmkStorageAccount {
  return new CmkStorageAccount(
    "payments",
    { resourceGroupName: "rg", location: "westeurope", key: KEY, ...extra },
    opts,
  );
}

describe("resource locks", () => {
  beforeEach(() => recorder.reset());

  it("locks the account CanNotDelete after all its other children, unprotected even in a protected component", async () => {
    const a = account(
      {
        lock: {},
        privateEndpoints: [{ service: "blob", subnetResourceId: SUBNET }],
        diagnosticSettings: [{ workspaceResourceId: WORKSPACE }],
      },
      { protect: true },
    );
    const [accountId, accountName, lockId] = await Promise.all([
      promiseOf(a.accountId),
      promiseOf(a.accountName),
      promiseOf(a.lockId),
    ]);
    await settled();
    const lock = one(LOCK, "payments-lock");
    assert.deepEqual(
      [lock.inputs.scope, lock.inputs.level, lock.inputs.lockName],
      [accountId, "CanNotDelete", `${accountName}-cannot-delete`],
    );
    assert.match(lock.inputs.notes, /Managed by Pulumi \(CmkStorageAccount "payments"\)/);
    assert.equal(lock.protect, false, "never Pulumi-protected, so offboarding can lift it");
    assert.equal(one("azure-native:storage:StorageAccount", "payments-account").protect, true);
    // Pulumi deletes dependents first: the lock goes before anything it would block (ScopeLocked).
    const children = recorder.resources.filter(
      (r) =>
        r.custom &&
        r.type !== LOCK &&
        r.parent === lock.parent &&
        r.type !== "random:index/randomString:RandomString" &&
        !/identity|key-access/.test(r.name),
    );
    assert.ok(children.length >= 1 + 1 + 5 + 1, children.map((c) => c.name).join(","));
    for (const c of children) {
      assert.ok(lock.dependencies.includes(c.urn), `the lock depends on ${c.name}`);
    }
    assert.equal(lockId, "payments-lock-id");
  });

  it("locks the vault after its grants, with a given name and notes", async () => {
    const v = new SecureVault("platform", {
      resourceGroupName: "rg",
      location: "westeurope",
      administrators: [{ objectId: ADMIN }],
      lock: { kind: "CanNotDelete", name: "kv-do-not-delete", notes: "Platform vault" },
    });
    const vaultId = await promiseOf(v.vaultId);
    await settled();
    const lock = one(LOCK, "platform-lock");
    assert.deepEqual(
      [lock.inputs.scope, lock.inputs.lockName, lock.inputs.notes],
      [vaultId, "kv-do-not-delete", "Platform vault"],
    );
    const grant = one("azure-native:keyvault:AccessPolicy", `platform-admin-${ADMIN}`);
    assert.ok(lock.dependencies.includes(grant.urn));
  });

  it("creates no lock for kind None or without lock, and an empty lockId", async () => {
    const a = account({ lock: { kind: "None" } });
    assert.equal(await promiseOf(a.lockId), "");
    await settled();
    assert.equal(byType(LOCK).length, 0);
  });

  const refused: [string, unknown, RegExp][] = [
    [
      "the lock is a string",
      "CanNotDelete",
      /lock: must be an object \{ kind\?, name\?, notes\? \}, got "CanNotDelete"/,
    ],
    [
      "the kind is ReadOnly, which breaks listKeys and the component's own writes",
      { kind: "ReadOnly" },
      /lock\.kind: ReadOnly is not supported: a read-only lock blocks every ARM write and POST .*listKeys/,
    ],
    [
      "the kind is unknown",
      { kind: "Delete" },
      /lock\.kind: must be one of CanNotDelete, None, got "Delete"/,
    ],
    [
      "the kind is an output",
      { kind: pulumi.output("CanNotDelete") },
      /lock\.kind: must be a plain value/,
    ],
    ["the name has a colon", { name: "a:b" }, /lock\.name: must be 1-90 characters without/],
    [
      "the notes are too long",
      { notes: "n".repeat(513) },
      /lock\.notes: must be at most 512 characters, got 513/,
    ],
  ];
  for (const [what, value, message] of refused) {
    it(`fails when ${what}, before anything is registered`, async () => {
      const e = errorOf(() => account({ lock: value as never }));
      assert.ok(pulumi.InputPropertiesError.isInstance(e), e.message);
      assert.match(e.message, message);
      assert.equal((await settled()).length, 0);
    });
  }
});
