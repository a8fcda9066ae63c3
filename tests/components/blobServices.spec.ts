import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { resolveBlobServices } from "../../components/blobServices";
import { CmkStorageAccount, type CmkStorageAccountArgs } from "../../components/cmkStorageAccount";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import { errorOf, one, promiseOf, recorder, runtimeWarnings, settled } from "../support/mocks";

const SUB = DEFAULT_ARM_CONTEXT.subscriptionId;
const KEY = {
  vault: {
    vaultId: `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01`,
    vaultUri: "https://kv-shared-01.vault.azure.net/",
    permissionModel: "accessPolicy" as const,
  },
  keyName: "k1",
};
const BSP = "azure-native:storage:BlobServiceProperties";

function account(extra: Partial<CmkStorageAccountArgs>): CmkStorageAccount {
  return new CmkStorageAccount("payments", {
    resourceGroupName: "rg",
    location: "westeurope",
    key: KEY,
    ...extra,
  });
}

describe("blob data protection", () => {
  beforeEach(async () => {
    recorder.reset();
    await runtimeWarnings(); // drop what earlier specs logged, so the assertions see this test's warnings only
  });

  it("turns on blob and container soft delete (7 days) and versioning by default, on the account's default blob service", async () => {
    const a = account({});
    const name = await promiseOf(a.accountName);
    await settled();
    const b = one(BSP, "payments-blob-service");
    assert.deepEqual(b.inputs, {
      accountName: name,
      resourceGroupName: "rg",
      blobServicesName: "default",
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
      isVersioningEnabled: true,
      changeFeed: { enabled: false },
      restorePolicy: { enabled: false },
    });
    const sa = one("azure-native:storage:StorageAccount", "payments-account");
    assert.ok(b.dependencies.includes(sa.urn), "written after the account");
    assert.deepEqual(await runtimeWarnings(), []);
  });

  it("adds change feed and point-in-time restore on request, defaulting the restore window to a day less than soft delete", async () => {
    account({
      blobServices: {
        deleteRetentionPolicyDays: 30,
        changeFeedEnabled: true,
        changeFeedRetentionInDays: 90,
        restorePolicyEnabled: true,
      },
    });
    await settled();
    const b = one(BSP, "payments-blob-service");
    assert.deepEqual(
      [b.inputs.deleteRetentionPolicy, b.inputs.changeFeed, b.inputs.restorePolicy],
      [
        { enabled: true, days: 30 },
        { enabled: true, retentionInDays: 90 },
        { enabled: true, days: 29 },
      ],
    );
    assert.equal(resolveBlobServices({ restorePolicyEnabled: true }).restorePolicyDays, 6);
  });

  it("warns when soft delete or versioning is turned off", async () => {
    account({ blobServices: { deleteRetentionPolicyEnabled: false, isVersioningEnabled: false } });
    await settled();
    const b = one(BSP, "payments-blob-service");
    assert.deepEqual(
      [b.inputs.deleteRetentionPolicy, b.inputs.isVersioningEnabled],
      [{ enabled: false }, false],
    );
    const warnings = await runtimeWarnings();
    assert.ok(
      warnings.some((w) =>
        w.includes(
          'CmkStorageAccount "payments": blobServices turns off blob soft delete, versioning',
        ),
      ),
      warnings.join("\n"),
    );
  });

  const refused: [string, unknown, RegExp][] = [
    [
      "blobServices is a list",
      [],
      /blobServices: must be an object of blob data-protection settings, got \[\]/,
    ],
    [
      "soft delete is kept 0 days",
      { deleteRetentionPolicyDays: 0 },
      /blobServices\.deleteRetentionPolicyDays: must be a whole number of days between 1 and 365, got 0/,
    ],
    [
      "container soft delete is kept 366 days",
      { containerDeleteRetentionPolicyDays: 366 },
      /containerDeleteRetentionPolicyDays: must be a whole number of days between 1 and 365, got 366/,
    ],
    [
      "days come as text",
      { deleteRetentionPolicyDays: "7" },
      /deleteRetentionPolicyDays: must be a whole number of days between 1 and 365, got "7"/,
    ],
    [
      "a flag comes as text",
      { isVersioningEnabled: "true" },
      /blobServices\.isVersioningEnabled: must be true or false, got "true"/,
    ],
    [
      "a flag is an output",
      { isVersioningEnabled: pulumi.output(true) },
      /blobServices\.isVersioningEnabled: must be a plain value/,
    ],
    [
      "days are given for a feature that is off",
      { deleteRetentionPolicyEnabled: false, deleteRetentionPolicyDays: 7 },
      /deleteRetentionPolicyDays: only applies with deleteRetentionPolicyEnabled: true/,
    ],
    [
      "a change feed retention comes without the change feed",
      { changeFeedRetentionInDays: 30 },
      /changeFeedRetentionInDays: only applies with changeFeedEnabled: true/,
    ],
    [
      "the change feed is kept longer than 146000 days",
      { changeFeedEnabled: true, changeFeedRetentionInDays: 146001 },
      /between 1 and 146000/,
    ],
    [
      "restore is asked for without change feed",
      { restorePolicyEnabled: true },
      /restorePolicyEnabled: point-in-time restore needs changeFeedEnabled: true/,
    ],
    [
      "restore is asked for without versioning and soft delete",
      {
        restorePolicyEnabled: true,
        changeFeedEnabled: true,
        isVersioningEnabled: false,
        deleteRetentionPolicyEnabled: false,
      },
      /needs isVersioningEnabled: true, deleteRetentionPolicyEnabled: true/,
    ],
    [
      "the restore window is as long as soft delete",
      { restorePolicyEnabled: true, changeFeedEnabled: true, restorePolicyDays: 7 },
      /restorePolicyDays: must be less than deleteRetentionPolicyDays \(7\)/,
    ],
    [
      "soft delete keeps blobs one day, leaving no restore window",
      { restorePolicyEnabled: true, changeFeedEnabled: true, deleteRetentionPolicyDays: 1 },
      /restorePolicyDays: must be less than deleteRetentionPolicyDays \(1\) and at least 1/,
    ],
    [
      "the change feed is kept shorter than the restore window",
      {
        restorePolicyEnabled: true,
        changeFeedEnabled: true,
        deleteRetentionPolicyDays: 30,
        restorePolicyDays: 20,
        changeFeedRetentionInDays: 10,
      },
      /changeFeedRetentionInDays: must be at least restorePolicyDays \(20\)/,
    ],
    [
      "restore days come without restore",
      { restorePolicyDays: 5 },
      /restorePolicyDays: only applies with restorePolicyEnabled: true/,
    ],
  ];
  for (const [what, value, message] of refused) {
    it(`fails when ${what}, before anything is registered`, async () => {
      const e = errorOf(() => account({ blobServices: value as never }));
      assert.ok(pulumi.InputPropertiesError.isInstance(e), e.message);
      assert.match(e.message, message);
      assert.equal((await settled()).length, 0);
    });
  }
});
