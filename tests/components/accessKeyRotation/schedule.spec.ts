import assert from "node:assert/strict";
import type {
  KeyCreationTimes,
  PublishedSecret,
  RotationTarget,
} from "../../../components/accessKeyRotation/schedule";
import {
  classifyPublished,
  defaultSecretName,
  desiredSecretTags,
  isRotationDue,
  newestKey,
  parseStorageAccountId,
  planRotation,
  rotationDueAt,
  SECRET_NAME_PATTERN,
  secretExpiresOn,
} from "../../../components/accessKeyRotation/schedule";

const ACCOUNT =
  "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdata001";
const TARGET: RotationTarget = { storageAccountId: ACCOUNT, rotationPeriodInDays: 30, tags: {} };
const T0 = "2026-01-01T00:00:00.000Z";
const T1 = "2026-01-05T00:00:00.000Z";

function published(
  key: "key1" | "key2",
  keyTime: string | null,
  extra: Record<string, string> = {},
): PublishedSecret {
  return {
    id: "https://v.vault.azure.net/secrets/s/abc",
    version: "abc",
    tags: { ...desiredSecretTags(TARGET, key, keyTime), ...extra },
    createdOn: T1,
    expiresOn: null,
  };
}

function plan(times: KeyCreationTimes, secret: PublishedSecret | undefined, now: string) {
  return planRotation(times, classifyPublished(secret, ACCOUNT), TARGET, new Date(now));
}

describe("access-key rotation schedule", () => {
  it("treats a key as due exactly when its age reaches the period", () => {
    assert.equal(isRotationDue(T0, 30, new Date("2026-01-30T23:59:59.999Z")), false);
    assert.equal(isRotationDue(T0, 30, new Date("2026-01-31T00:00:00.000Z")), true);
  });

  it("treats a key of unknown age as due and gives it no due date", () => {
    assert.equal(isRotationDue(null, 30, new Date(T0)), true);
    assert.equal(rotationDueAt(null, 30), null);
  });

  it("picks the newer key, and key1 on a tie or when both ages are unknown", () => {
    assert.equal(newestKey({ key1: T0, key2: T1 }), "key2");
    assert.equal(newestKey({ key1: T1, key2: T0 }), "key1");
    assert.equal(newestKey({ key1: T0, key2: T0 }), "key1");
    assert.equal(newestKey({ key1: null, key2: null }), "key1");
  });

  it("compares ARM timestamps with seven fractional digits at millisecond precision", () => {
    const p = plan(
      { key1: T0, key2: "2026-01-05T00:00:00.0000000Z" },
      published("key2", T1),
      "2026-01-06T00:00:00Z",
    );
    assert.equal(p.kind, "none");
  });

  it("adopts the newest key without regenerating when nothing is published", () => {
    assert.deepEqual(plan({ key1: T0, key2: T1 }, undefined, "2027-01-01T00:00:00Z"), {
      kind: "adopt",
      publish: "key2",
      reason: "no rotation-managed version yet: publish the newest key (key2)",
    });
  });

  it("rotates by regenerating and publishing the inactive key when the active key is due", () => {
    const p = plan({ key1: T0, key2: T1 }, published("key2", T1), "2026-02-04T00:00:00Z");
    assert.equal(p.kind, "rotate");
    assert.equal(p.regenerate, "key1");
    assert.equal(p.publish, "key1");
  });

  it("does nothing while the active key is younger than the period", () => {
    assert.equal(
      plan({ key1: T0, key2: T1 }, published("key2", T1), "2026-02-03T23:59:59Z").kind,
      "none",
    );
  });

  it("finishes an interrupted rotation by publishing the newer inactive key without regenerating it", () => {
    const p = plan(
      { key1: "2026-02-04T00:00:00Z", key2: T1 },
      published("key2", T1),
      "2026-02-04T01:00:00Z",
    );
    assert.deepEqual([p.kind, p.regenerate, p.publish], ["complete", undefined, "key1"]);
  });

  it("regenerates the unpublished key again when the interrupted rotation is itself past the period", () => {
    const p = plan(
      { key1: "2026-02-04T00:00:00Z", key2: T1 },
      published("key2", T1),
      "2026-03-10T00:00:00Z",
    );
    assert.deepEqual([p.kind, p.regenerate, p.publish], ["complete", "key1", "key1"]);
  });

  it("republishes the active key when it changed after publication", () => {
    const p = plan(
      { key1: T0, key2: "2026-01-06T00:00:00Z" },
      published("key2", T1),
      "2026-01-07T00:00:00Z",
    );
    assert.deepEqual([p.kind, p.regenerate, p.publish], ["repair", undefined, "key2"]);
  });

  it("republishes the active key when the period or the user tags changed", () => {
    const p = planRotation(
      { key1: T0, key2: T1 },
      classifyPublished(published("key2", T1), ACCOUNT),
      { ...TARGET, rotationPeriodInDays: 60 },
      new Date("2026-01-07T00:00:00Z"),
    );
    assert.deepEqual([p.kind, p.publish], ["retag", "key2"]);
  });

  it("repairs a version from the Azure-Samples function pattern that has no KeyCreationTime tag", () => {
    const secret = published("key2", T1);
    delete secret.tags["KeyCreationTime"];
    assert.equal(plan({ key1: T0, key2: T1 }, secret, "2026-01-07T00:00:00Z").kind, "repair");
  });

  it("fails when the latest version belongs to another storage account (conflict, nothing written)", () => {
    const secret = published("key2", T1, {
      ProviderAddress: ACCOUNT.replace("stdata001", "stother002"),
    });
    const p = plan({ key1: T0, key2: T1 }, secret, "2026-01-07T00:00:00Z");
    assert.equal(p.kind, "conflict");
    assert.equal(p.regenerate, undefined);
    assert.equal(p.publish, undefined);
  });

  it("matches the account id case-insensitively", () => {
    const secret = published("key2", T1, { ProviderAddress: ACCOUNT.toUpperCase() });
    assert.equal(classifyPublished(secret, ACCOUNT).kind, "managed");
  });

  it("sets expires to the due date, or one period after publication for a key of unknown age", () => {
    assert.equal(secretExpiresOn(T0, 30, new Date(T1)).toISOString(), "2026-01-31T00:00:00.000Z");
    assert.equal(secretExpiresOn(null, 30, new Date(T1)).toISOString(), "2026-02-04T00:00:00.000Z");
  });

  it("lets the rotation's own tags win over user tags", () => {
    const tags = desiredSecretTags(
      { ...TARGET, tags: { CredentialId: "mine", team: "a" } },
      "key1",
      T0,
    );
    assert.equal(tags["CredentialId"], "key1");
    assert.equal(tags["team"], "a");
  });

  it("parses a storage account id and derives a valid default secret name", () => {
    const ref = parseStorageAccountId(ACCOUNT);
    assert.deepEqual(ref, {
      subscriptionId: "sub",
      resourceGroupName: "rg",
      accountName: "stdata001",
    });
    assert.match(defaultSecretName(ref.accountName), SECRET_NAME_PATTERN);
    assert.equal(
      parseStorageAccountId(
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
      ),
      undefined,
    );
  });
});
