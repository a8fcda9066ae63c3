import type * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import { type ArgumentProblems, checkBoolean, isKnown, show } from "./validation";

/**
 * Blob data protection of a CmkStorageAccount (the account's `blobServices/default`), in the shape of Azure Verified
 * Modules' `blobServices` (`blobServiceType`) for the data-protection fields. Plain values: they decide what is
 * validated together.
 */
export interface BlobServices {
  /** Blob soft delete: deleted blobs stay recoverable for `deleteRetentionPolicyDays`. Default: true. */
  deleteRetentionPolicyEnabled?: boolean;
  /** Days deleted blobs are kept, 1-365. Default: 7. */
  deleteRetentionPolicyDays?: number;
  /** Container soft delete: deleted containers stay recoverable. Default: true. */
  containerDeleteRetentionPolicyEnabled?: boolean;
  /** Days deleted containers are kept, 1-365. Default: 7. */
  containerDeleteRetentionPolicyDays?: number;
  /** Blob versioning: every overwrite or delete keeps the previous version. Default: true. */
  isVersioningEnabled?: boolean;
  /** Change feed: a log of every change to blobs (needed by point-in-time restore). Default: false. */
  changeFeedEnabled?: boolean;
  /** Days the change feed is kept, 1-146000 (needs `changeFeedEnabled`). Default: kept forever. */
  changeFeedRetentionInDays?: number;
  /**
   * Point-in-time restore of block blobs; needs versioning, change feed and blob soft delete. Default: false.
   */
  restorePolicyEnabled?: boolean;
  /**
   * Days back a restore can reach, 1-365 and less than `deleteRetentionPolicyDays` (needs `restorePolicyEnabled`).
   * Default: `deleteRetentionPolicyDays` - 1.
   */
  restorePolicyDays?: number;
}

/** The settings with every default applied. */
export interface ResolvedBlobServices {
  deleteRetentionPolicyEnabled: boolean;
  deleteRetentionPolicyDays: number;
  containerDeleteRetentionPolicyEnabled: boolean;
  containerDeleteRetentionPolicyDays: number;
  isVersioningEnabled: boolean;
  changeFeedEnabled: boolean;
  changeFeedRetentionInDays?: number;
  restorePolicyEnabled: boolean;
  restorePolicyDays?: number;
}

/** Default retention of deleted blobs and containers (the portal's default; AVM defaults blobs to 6, containers to 7). */
export const DEFAULT_SOFT_DELETE_DAYS = 7;

/**
 * Limits from the storage REST API (Microsoft.Storage 2024-01-01, blob.json: DeleteRetentionPolicy.days 1-365,
 * ChangeFeed.retentionInDays 1-146000, RestorePolicyProperties.days 1-365 and "less than DeleteRetentionPolicy.days")
 * and learn.microsoft.com azure/storage/blobs/point-in-time-restore-overview (restore needs versioning, change feed
 * and blob soft delete; its retention must be at least a day shorter than blob soft delete's).
 */
export const BLOB_LIMITS = {
  softDeleteDays: [1, 365],
  changeFeedDays: [1, 146000],
  restoreDays: [1, 365],
} as const;

function wholeDaysProblem(
  value: unknown,
  [min, max]: readonly [number, number],
): string | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `must be a whole number of days between ${min} and ${max}, got ${show(value)}`;
}

/** The settings with defaults applied (for known, valid input). */
export function resolveBlobServices(b: BlobServices | undefined): ResolvedBlobServices {
  const deleteDays = b?.deleteRetentionPolicyDays ?? DEFAULT_SOFT_DELETE_DAYS;
  const restore = b?.restorePolicyEnabled ?? false;
  return {
    deleteRetentionPolicyEnabled: b?.deleteRetentionPolicyEnabled ?? true,
    deleteRetentionPolicyDays: deleteDays,
    containerDeleteRetentionPolicyEnabled: b?.containerDeleteRetentionPolicyEnabled ?? true,
    containerDeleteRetentionPolicyDays:
      b?.containerDeleteRetentionPolicyDays ?? DEFAULT_SOFT_DELETE_DAYS,
    isVersioningEnabled: b?.isVersioningEnabled ?? true,
    changeFeedEnabled: b?.changeFeedEnabled ?? false,
    ...(b?.changeFeedRetentionInDays !== undefined
      ? { changeFeedRetentionInDays: b.changeFeedRetentionInDays }
      : {}),
    restorePolicyEnabled: restore,
    ...(restore ? { restorePolicyDays: b?.restorePolicyDays ?? deleteDays - 1 } : {}),
  };
}

/**
 * Validates `blobServices` as an untyped caller may send it: an object of booleans and whole days in Azure's ranges;
 * retention days only with their feature on; point-in-time restore only with versioning, change feed and blob soft
 * delete, and with fewer days than blob soft delete (and no more than the change feed keeps).
 */
export function checkBlobServices(problems: ArgumentProblems, value: unknown): void {
  const path = "blobServices";
  if (value === undefined || value === null) return;
  if (typeof value !== "object" || Array.isArray(value) || !isKnown(value)) {
    problems.add(path, `must be an object of blob data-protection settings, got ${show(value)}`);
    return;
  }
  const b = value as Record<string, unknown>;
  const flags = [
    "deleteRetentionPolicyEnabled",
    "containerDeleteRetentionPolicyEnabled",
    "isVersioningEnabled",
    "changeFeedEnabled",
    "restorePolicyEnabled",
  ] as const;
  for (const flag of flags) {
    if (b[flag] !== undefined && !isKnown(b[flag])) {
      problems.add(`${path}.${flag}`, "must be a plain value, not an output");
    } else checkBoolean(problems, `${path}.${flag}`, b[flag]);
  }
  const days: [string, readonly [number, number], string][] = [
    ["deleteRetentionPolicyDays", BLOB_LIMITS.softDeleteDays, "deleteRetentionPolicyEnabled"],
    [
      "containerDeleteRetentionPolicyDays",
      BLOB_LIMITS.softDeleteDays,
      "containerDeleteRetentionPolicyEnabled",
    ],
    ["changeFeedRetentionInDays", BLOB_LIMITS.changeFeedDays, "changeFeedEnabled"],
    ["restorePolicyDays", BLOB_LIMITS.restoreDays, "restorePolicyEnabled"],
  ];
  const defaultOn: Record<string, boolean> = {
    deleteRetentionPolicyEnabled: true,
    containerDeleteRetentionPolicyEnabled: true,
    changeFeedEnabled: false,
    restorePolicyEnabled: false,
  };
  for (const [key, range, feature] of days) {
    if (b[key] === undefined) continue;
    const p = wholeDaysProblem(b[key], range);
    if (p) problems.add(`${path}.${key}`, p);
    const on = typeof b[feature] === "boolean" ? b[feature] : defaultOn[feature];
    if (!on) {
      problems.add(`${path}.${key}`, `only applies with ${feature}: true, got ${show(b[key])}`);
    }
  }
  if (b.restorePolicyEnabled !== true) return;
  const needs: [string, unknown, boolean][] = [
    ["isVersioningEnabled", b.isVersioningEnabled, true],
    ["changeFeedEnabled", b.changeFeedEnabled, false],
    ["deleteRetentionPolicyEnabled", b.deleteRetentionPolicyEnabled, true],
  ];
  const missing = needs.filter(([, v, dflt]) => (typeof v === "boolean" ? v : dflt) !== true);
  if (missing.length > 0) {
    problems.add(
      `${path}.restorePolicyEnabled`,
      `point-in-time restore needs ${missing.map(([k]) => `${k}: true`).join(", ")} (learn.microsoft.com point-in-time-restore-overview: it replays the change feed over blob versions and soft-deleted blobs)`,
    );
  }
  const deleteDays =
    typeof b.deleteRetentionPolicyDays === "number"
      ? b.deleteRetentionPolicyDays
      : DEFAULT_SOFT_DELETE_DAYS;
  const restoreDays =
    typeof b.restorePolicyDays === "number" ? b.restorePolicyDays : deleteDays - 1;
  if (restoreDays >= deleteDays || restoreDays < 1) {
    problems.add(
      `${path}.restorePolicyDays`,
      `must be less than deleteRetentionPolicyDays (${deleteDays}) and at least 1: a restore can reach back only while deleted blobs are still kept, got ${show(b.restorePolicyDays ?? restoreDays)}`,
    );
  }
  if (
    typeof b.changeFeedRetentionInDays === "number" &&
    b.changeFeedRetentionInDays < restoreDays
  ) {
    problems.add(
      `${path}.changeFeedRetentionInDays`,
      `must be at least restorePolicyDays (${restoreDays}): a restore replays the change feed over that period, got ${show(b.changeFeedRetentionInDays)}`,
    );
  }
}

/** Which protections the settings turn off, for the component's warning. */
export function weakenedBlobProtection(b: ResolvedBlobServices): string[] {
  return [
    ...(b.deleteRetentionPolicyEnabled ? [] : ["blob soft delete"]),
    ...(b.containerDeleteRetentionPolicyEnabled ? [] : ["container soft delete"]),
    ...(b.isVersioningEnabled ? [] : ["versioning"]),
  ];
}

/** Creates `<name>-blob-service`, the account's `storage.BlobServiceProperties` "default" with these settings. */
export function createBlobServiceProperties(
  name: string,
  account: storage.StorageAccount,
  resourceGroupName: pulumi.Input<string>,
  b: ResolvedBlobServices,
  parent: pulumi.Resource,
): storage.BlobServiceProperties {
  return new storage.BlobServiceProperties(
    `${name}-blob-service`,
    {
      accountName: account.name,
      resourceGroupName,
      blobServicesName: "default",
      deleteRetentionPolicy: b.deleteRetentionPolicyEnabled
        ? { enabled: true, days: b.deleteRetentionPolicyDays }
        : { enabled: false },
      containerDeleteRetentionPolicy: b.containerDeleteRetentionPolicyEnabled
        ? { enabled: true, days: b.containerDeleteRetentionPolicyDays }
        : { enabled: false },
      isVersioningEnabled: b.isVersioningEnabled,
      changeFeed: b.changeFeedEnabled
        ? {
            enabled: true,
            ...(b.changeFeedRetentionInDays !== undefined
              ? { retentionInDays: b.changeFeedRetentionInDays }
              : {}),
          }
        : { enabled: false },
      restorePolicy: b.restorePolicyEnabled
        ? { enabled: true, days: b.restorePolicyDays }
        : { enabled: false },
    },
    { parent },
  );
}
