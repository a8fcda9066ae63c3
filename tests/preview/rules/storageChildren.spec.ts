import { strict as assert } from "node:assert";
import { accepts, pending, RG, rejects, withAccount } from "../../support/storageWorld";
import { T, type PendingResource } from "../../../preview/simulatedAzure";
import { STORAGE_CHILD_RULES } from "../../../preview/rules/storageChildren";

/** Pure-function tests of the storage-children family: each rule has a passing and a failing case. */

const child = (type: string, over: Record<string, any> = {}): PendingResource =>
  pending(type, "c", { accountName: "stdata01", resourceGroupName: RG, ...over });

describe("simulated Azure: storage account children through ARM (preview/rules/storageChildren.ts)", () => {
  it("registers every rule with a source", () => {
    for (const r of STORAGE_CHILD_RULES) assert.match(r.source, /\w{8,}/, r.id);
  });

  describe("storage-child-account-missing", () => {
    it("fails when a container names an account the stack does not create", () => {
      rejects(
        child(T.blobContainer, { accountName: "stother01", containerName: "data" }),
        withAccount().state,
        "storage-child-account-missing",
        "ParentResourceNotFound",
        /Parent resource 'stother01' not found/,
      );
    });
    it("fails for queues, tables, shares and service settings alike", () => {
      for (const type of [T.queue, T.table, T.fileShare, T.blobServiceProperties, T.blob]) {
        rejects(
          child(type, { accountName: "stother01", containerName: "data" }),
          withAccount().state,
          "storage-child-account-missing",
          "ParentResourceNotFound",
          /stother01/,
        );
      }
    });
    it("accepts an account of the stack, and one declared as existing outside it", () => {
      accepts(child(T.queue, { queueName: "jobs" }), withAccount().state);
      accepts(
        child(T.queue, { accountName: "StShared01", queueName: "jobs" }),
        withAccount({}, { existingStorageAccounts: new Set(["stshared01"]) }).state,
      );
    });
  });

  describe("storage-child-service-unsupported", () => {
    it("fails when a queue goes into a FileStorage account", () => {
      rejects(
        child(T.queue, { queueName: "jobs" }),
        withAccount({ kind: "FileStorage", sku: { name: "Premium_LRS" } }).state,
        "storage-child-service-unsupported",
        "FeatureNotSupportedForAccount",
        /^Queue is not supported for the account\. .*kind FileStorage.*offers: File/,
      );
    });
    it("fails when a file share, table or queue goes into a BlockBlobStorage account", () => {
      const { state } = withAccount({ kind: "BlockBlobStorage", sku: { name: "Premium_LRS" } });
      for (const [type, text] of [
        [T.fileShare, "File"],
        [T.table, "Table"],
        [T.queueServiceProperties, "Queue"],
      ] as const) {
        rejects(
          child(type, { shareName: "s01", tableName: "t01" }),
          state,
          "storage-child-service-unsupported",
          "FeatureNotSupportedForAccount",
          new RegExp(`^${text} is not supported for the account`),
        );
      }
    });
    it("fails when a block blob goes into a premium page-blob (Premium StorageV2) account", () => {
      rejects(
        child(T.blob, { containerName: "vhds" }),
        withAccount({ sku: { name: "Premium_LRS" } }).state,
        "storage-child-service-unsupported",
        "FeatureNotSupportedForAccount",
        /Block and append blobs is not supported/,
      );
    });
    it("accepts every service in a standard StorageV2 account, containers in BlockBlobStorage, shares in FileStorage", () => {
      const { state } = withAccount();
      accepts(child(T.blobContainer, { containerName: "data" }), state);
      accepts(child(T.fileShare, { shareName: "files" }), state);
      accepts(child(T.queue, { queueName: "jobs" }), state);
      accepts(child(T.table, { tableName: "Ledger" }), state);
      accepts(
        child(T.blobContainer, { containerName: "data" }),
        withAccount({ kind: "BlockBlobStorage", sku: { name: "Premium_LRS" } }).state,
      );
      accepts(
        child(T.fileShare, { shareName: "files", shareQuota: 100 }),
        withAccount({ kind: "FileStorage", sku: { name: "Premium_ZRS" } }).state,
      );
    });
  });

  describe("storage-child-name-invalid", () => {
    const cases: [string, string, Record<string, string>][] = [
      ["a container name has uppercase letters", T.blobContainer, { containerName: "Data" }],
      ["a container name has two hyphens in a row", T.blobContainer, { containerName: "a--b" }],
      ["a share name is 2 characters", T.fileShare, { shareName: "ab" }],
      ["a queue name ends with a hyphen", T.queue, { queueName: "jobs-" }],
      ["a table name starts with a digit", T.table, { tableName: "1ledger" }],
      ["a table name has a hyphen", T.table, { tableName: "led-ger" }],
      ["a queue name is 64 characters", T.queue, { queueName: "q".repeat(64) }],
    ];
    for (const [when, type, inputs] of cases) {
      it(`fails when ${when}`, () => {
        rejects(
          child(type, inputs),
          withAccount().state,
          "storage-child-name-invalid",
          "InvalidResourceName",
          new RegExp(
            `The resource name '${Object.values(inputs)[0]}' for type 'Microsoft\\.Storage/`,
          ),
        );
      });
    }
    it("fails when a derived name comes from a logical name with uppercase letters, saying so", () => {
      rejects(
        pending(T.blobContainer, "Reports", { accountName: "stdata01", resourceGroupName: RG }),
        withAccount().state,
        "storage-child-name-invalid",
        "InvalidResourceName",
        /derived from the logical name "Reports"/,
      );
    });
    it("accepts valid names, and the reserved $web and $logs containers", () => {
      const { state } = withAccount();
      for (const containerName of ["data", "a-b-c", "$web", "$logs", "x1y"]) {
        accepts(child(T.blobContainer, { containerName }), state);
      }
      accepts(child(T.table, { tableName: "Ledger2026" }), state);
      accepts(child(T.queue, { queueName: "q".repeat(63) }), state);
    });
  });

  describe("storage-container-public-access", () => {
    it("fails when a container asks for anonymous Blob access in an account that forbids it", () => {
      rejects(
        child(T.blobContainer, { containerName: "public", publicAccess: "Blob" }),
        withAccount().state,
        "storage-container-public-access",
        "PublicAccessNotPermitted",
        /Public access is not permitted on this storage account: container publicAccess "Blob"/,
      );
    });
    it("fails when the account leaves allowBlobPublicAccess unset (false by default)", () => {
      rejects(
        child(T.blobContainer, { containerName: "public", publicAccess: "Container" }),
        withAccount({ allowBlobPublicAccess: undefined }).state,
        "storage-container-public-access",
        "PublicAccessNotPermitted",
        /unset \(false\)/,
      );
    });
    it("accepts publicAccess None anywhere, and Blob where the account allows it", () => {
      accepts(
        child(T.blobContainer, { containerName: "data", publicAccess: "None" }),
        withAccount().state,
      );
      accepts(
        child(T.blobContainer, { containerName: "public", publicAccess: "Blob" }),
        withAccount({ allowBlobPublicAccess: true }).state,
      );
    });
  });

  describe("storage-share-quota", () => {
    it("fails when a standard share asks for more than 5120 GiB without large file shares", () => {
      rejects(
        child(T.fileShare, { shareName: "files", shareQuota: 10240 }),
        withAccount().state,
        "storage-share-quota",
        "InvalidRequestPropertyValue",
        /1-5120 GiB.*largeFileSharesState Enabled/,
      );
    });
    it("fails when a share quota is 0, and when a premium share is below 100 GiB", () => {
      rejects(
        child(T.fileShare, { shareName: "files", shareQuota: 0 }),
        withAccount().state,
        "storage-share-quota",
        "InvalidRequestPropertyValue",
        /The value 0 of shareQuota/,
      );
      rejects(
        child(T.fileShare, { shareName: "files", shareQuota: 50 }),
        withAccount({ kind: "FileStorage", sku: { name: "Premium_LRS" } }).state,
        "storage-share-quota",
        "InvalidRequestPropertyValue",
        /100-102400 GiB/,
      );
    });
    it("accepts quotas in range, large shares where enabled, and leaves provisioned v2 accounts alone", () => {
      accepts(child(T.fileShare, { shareName: "files", shareQuota: 5120 }), withAccount().state);
      accepts(
        child(T.fileShare, { shareName: "files", shareQuota: 102400 }),
        withAccount({ largeFileSharesState: "Enabled" }).state,
      );
      accepts(
        child(T.fileShare, { shareName: "files", shareQuota: 32 }),
        withAccount({ kind: "FileStorage", sku: { name: "PremiumV2_LRS" } }).state,
      );
    });
  });

  describe("storage-share-nfs-premium", () => {
    it("fails when an NFS share goes into a StorageV2 account", () => {
      rejects(
        child(T.fileShare, { shareName: "nfs", enabledProtocols: "NFS" }),
        withAccount().state,
        "storage-share-nfs-premium",
        "InvalidHeaderValue",
        /enabledProtocols NFS needs a premium FileStorage account/,
      );
    });
    it("accepts NFS in a premium FileStorage account, and SMB anywhere", () => {
      accepts(
        child(T.fileShare, { shareName: "nfs", enabledProtocols: "NFS", shareQuota: 100 }),
        withAccount({ kind: "FileStorage", sku: { name: "Premium_LRS" } }).state,
      );
      accepts(
        child(T.fileShare, { shareName: "smb", enabledProtocols: "SMB" }),
        withAccount().state,
      );
    });
  });

  it("applies no data-plane setting to ARM children: a closed account without shared keys takes containers, shares, queues and tables", () => {
    const { state } = withAccount({
      publicNetworkAccess: "Disabled",
      allowSharedKeyAccess: false,
      networkRuleSet: { defaultAction: "Deny", bypass: "None" },
    });
    accepts(child(T.blobContainer, { containerName: "data" }), state);
    accepts(child(T.fileShare, { shareName: "files" }), state);
    accepts(child(T.queue, { queueName: "jobs" }), state);
    accepts(child(T.table, { tableName: "Ledger" }), state);
    accepts(child(T.blobServiceProperties, {}), state);
  });
});
