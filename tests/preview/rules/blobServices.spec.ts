import { strict as assert } from "node:assert";
import { accepts, pending, RG, rejects, withAccount } from "../../support/storageWorld";
import { T, type PendingResource } from "../../../preview/simulatedAzure";
import { BLOB_SERVICE_RULES } from "../../../preview/rules/blobServices";

/** Pure-function tests of the blob-service family: each rule has a passing and a failing case. */

const PROTECTED = {
  deleteRetentionPolicy: { enabled: true, days: 30 },
  containerDeleteRetentionPolicy: { enabled: true, days: 30 },
  isVersioningEnabled: true,
  changeFeed: { enabled: true, retentionInDays: 90 },
  restorePolicy: { enabled: true, days: 14 },
};
const props = (over: Record<string, any> = {}): PendingResource =>
  pending(T.blobServiceProperties, "blob-service", {
    accountName: "stdata01",
    resourceGroupName: RG,
    blobServicesName: "default",
    ...PROTECTED,
    ...over,
  });

describe("simulated Azure: blob data protection (preview/rules/blobServices.ts)", () => {
  it("registers every rule with a source", () => {
    for (const r of BLOB_SERVICE_RULES) assert.match(r.source, /\w{8,}/, r.id);
  });

  describe("blob-soft-delete-retention", () => {
    it("fails when blob soft delete keeps 366 days, or container soft delete 0", () => {
      rejects(
        props({
          deleteRetentionPolicy: { enabled: true, days: 366 },
          restorePolicy: { enabled: false },
        }),
        withAccount().state,
        "blob-soft-delete-retention",
        "InvalidValuesForRequestParameters",
        /deleteRetentionPolicy\.days is invalid: 366/,
      );
      rejects(
        props({ containerDeleteRetentionPolicy: { enabled: true, days: 0 } }),
        withAccount().state,
        "blob-soft-delete-retention",
        "InvalidValuesForRequestParameters",
        /containerDeleteRetentionPolicy\.days is invalid: 0/,
      );
    });
    it("accepts 1 and 365 days, and days on a disabled policy are not checked", () => {
      accepts(
        props({
          deleteRetentionPolicy: { enabled: true, days: 365 },
          containerDeleteRetentionPolicy: { enabled: true, days: 1 },
        }),
        withAccount().state,
      );
      accepts(props({ containerDeleteRetentionPolicy: { enabled: false } }), withAccount().state);
    });
  });

  describe("blob-restore-policy-prerequisites", () => {
    it("fails when point-in-time restore is on without versioning and change feed", () => {
      rejects(
        props({ isVersioningEnabled: false, changeFeed: { enabled: false } }),
        withAccount().state,
        "blob-restore-policy-prerequisites",
        "InvalidValuesForRequestParameters",
        /lacks isVersioningEnabled: true, changeFeed\.enabled: true/,
      );
    });
    it("fails when the restore window is as long as blob soft delete", () => {
      rejects(
        props({ restorePolicy: { enabled: true, days: 30 } }),
        withAccount().state,
        "blob-restore-policy-prerequisites",
        "InvalidValuesForRequestParameters",
        /restorePolicy\.days is invalid: 30\. It should be greater than zero and less than properties\.deleteRetentionPolicy\.days \(30\)/,
      );
    });
    it("accepts a 14-day window under 30 days of soft delete, and no restore at all", () => {
      accepts(props(), withAccount().state);
      accepts(
        props({ restorePolicy: { enabled: false }, changeFeed: { enabled: false } }),
        withAccount().state,
      );
    });
  });

  describe("blob-restore-policy-hns", () => {
    it("fails when the account has a hierarchical namespace", () => {
      rejects(
        props(),
        withAccount({ isHnsEnabled: true }).state,
        "blob-restore-policy-hns",
        "FeatureNotSupportedForAccount",
        /Point-in-time restore is not supported for account 'stdata01': it has a hierarchical namespace/,
      );
    });
    it("accepts versioning and soft delete on that account without restore", () => {
      accepts(
        props({ restorePolicy: { enabled: false } }),
        withAccount({ isHnsEnabled: true }).state,
      );
    });
  });
});
