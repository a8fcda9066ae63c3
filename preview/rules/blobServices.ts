/**
 * Blob data protection (`storage.BlobServiceProperties`, the account's `blobServices/default`) as the storage
 * resource provider checks it: soft-delete retention of blobs and containers 1-365 days, and point-in-time restore
 * only with versioning, change feed and blob soft delete, with fewer days than blob soft delete, and never on an
 * account with a hierarchical namespace.
 */
import { T, type ArmRule, type PendingResource } from "../armTypes";
import { lc } from "../text";
import { accountNamed, accountNameOf } from "./storageAccounts";

const SOURCES = {
  days: "Azure/azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/blob.json (DeleteRetentionPolicy.days: minimum 1, maximum 365, used by deleteRetentionPolicy and containerDeleteRetentionPolicy); learn.microsoft.com storage/blobs/soft-delete-blob-overview and soft-delete-container-overview (1 to 365 days); the code for a value out of range is unconfirmed (InvalidValuesForRequestParameters assumed, as for restorePolicy.days)",
  restore:
    'learn.microsoft.com storage/blobs/point-in-time-restore-overview (prerequisites: blob soft delete, change feed and versioning; the restore period must be at least a day shorter than the soft-delete retention); Azure/arm-template-whatif#354 (InvalidValuesForRequestParameters: "Values for properties.restorePolicy.days is invalid: 30. It should be greater than zero and less than properties.deleteRetentionPolicy.days."); Azure/azure-rest-api-specs#11236 (ContainerOperationFailure "Blob Delete Retention policy days should be longer than Point In Time Restore policy days.")',
  hns: 'learn.microsoft.com storage/blobs/point-in-time-restore-overview, "Limitations and known issues" (point-in-time restore is not supported for accounts with a hierarchical namespace, Data Lake Storage); the code ARM returns is unconfirmed (FeatureNotSupportedForAccount assumed, as for other account-kind limits)',
} as const;

type Policy = { enabled?: unknown; days?: unknown } | undefined;

const on = (p: Policy): boolean => p?.enabled === true;

function daysProblem(p: PendingResource, key: string): string | undefined {
  const policy = p.inputs[key] as Policy;
  if (!on(policy) || policy?.days === undefined) return undefined;
  const days = policy.days;
  return typeof days === "number" && Number.isInteger(days) && days >= 1 && days <= 365
    ? undefined
    : `Values for properties.${key}.days is invalid: ${JSON.stringify(days)}. It should be a whole number of days between 1 and 365. Fix: set ${key}.days between 1 and 365.`;
}

export const BLOB_SERVICE_RULES: readonly ArmRule[] = [
  {
    id: "blob-soft-delete-retention",
    code: "InvalidValuesForRequestParameters",
    types: [T.blobServiceProperties],
    title: "Blob or container soft delete with retention days outside 1-365",
    source: SOURCES.days,
    check(p) {
      return (
        daysProblem(p, "deleteRetentionPolicy") ?? daysProblem(p, "containerDeleteRetentionPolicy")
      );
    },
  },
  {
    id: "blob-restore-policy-prerequisites",
    code: "InvalidValuesForRequestParameters",
    types: [T.blobServiceProperties],
    title:
      "Point-in-time restore without versioning, change feed or blob soft delete, or with restore days not less than the soft-delete days",
    source: SOURCES.restore,
    check(p) {
      const restore = p.inputs.restorePolicy as Policy;
      if (!on(restore)) return undefined;
      const soft = p.inputs.deleteRetentionPolicy as Policy;
      const missing = [
        ...(p.inputs.isVersioningEnabled === true ? [] : ["isVersioningEnabled: true"]),
        ...(on(p.inputs.changeFeed as Policy) ? [] : ["changeFeed.enabled: true"]),
        ...(on(soft) ? [] : ["deleteRetentionPolicy.enabled: true"]),
      ];
      if (missing.length > 0) {
        return `Point-in-time restore needs blob versioning, change feed and blob soft delete; the request lacks ${missing.join(", ")}. Fix: turn them on in the same blob service properties (or turn restorePolicy off).`;
      }
      const days = restore?.days;
      const softDays = typeof soft?.days === "number" ? soft.days : 7;
      if (typeof days === "number" && days > 0 && days < softDays) return undefined;
      return `Values for properties.restorePolicy.days is invalid: ${JSON.stringify(days ?? null)}. It should be greater than zero and less than properties.deleteRetentionPolicy.days (${softDays}). Fix: set restorePolicy.days to at most ${softDays - 1}, or keep deleted blobs longer.`;
    },
  },
  {
    id: "blob-restore-policy-hns",
    code: "FeatureNotSupportedForAccount",
    types: [T.blobServiceProperties],
    title:
      "Point-in-time restore on an account with a hierarchical namespace (isHnsEnabled, Data Lake Storage)",
    source: SOURCES.hns,
    check(p, s) {
      if (!on(p.inputs.restorePolicy as Policy)) return undefined;
      const name = accountNameOf(p);
      const account = name !== undefined ? accountNamed(s, name) : undefined;
      if (!account || account.inputs.isHnsEnabled !== true) return undefined;
      return `Point-in-time restore is not supported for account '${name}': it has a hierarchical namespace (isHnsEnabled true, ${lc(account.inputs.kind) || "storagev2"}). Fix: turn restorePolicy off for this account (versioning and soft delete protect its blobs), or use an account without a hierarchical namespace.`;
    },
  },
];
