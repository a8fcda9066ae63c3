/**
 * The closed sets of values the components accept, as `as const` objects followed by their type (the form azure-native
 * uses). Pulumi's component analyzer turns each into a schema enum, so Python, Go, .NET, Java and YAML callers get
 * typed enums; TypeScript callers may pass either the member (`VaultSku.Premium`) or the string (`"premium"`).
 * Each `const` must stay declared before its `type`: the analyzer only recognises that order.
 */

/** Key Vault SKU. */
export const VaultSku = {
  /** Software-protected keys only. */
  Standard: "standard",
  /** Adds HSM-protected keys (RSA-HSM). */
  Premium: "premium",
} as const;
/** Key Vault SKU: "standard" or "premium" (premium is required for RSA-HSM keys). */
export type VaultSku = (typeof VaultSku)[keyof typeof VaultSku];

/** How data-plane access to a vault is authorised. */
export const VaultPermissionModel = {
  /** Vault access policies (take effect immediately). */
  AccessPolicy: "accessPolicy",
  /** Azure role assignments (propagate within minutes). */
  Rbac: "rbac",
} as const;
/** Data-plane permission model of a vault: "accessPolicy" or "rbac". */
export type VaultPermissionModel = (typeof VaultPermissionModel)[keyof typeof VaultPermissionModel];

/** Whether a vault's public endpoint is reachable. */
export const PublicNetworkAccess = {
  /** Private endpoints and trusted Azure services only. */
  Disabled: "Disabled",
  /** The public endpoint, behind a default-Deny firewall with allow-lists. */
  Enabled: "Enabled",
} as const;
/** Public network access of a vault: "Disabled" or "Enabled". */
export type PublicNetworkAccess = (typeof PublicNetworkAccess)[keyof typeof PublicNetworkAccess];

/** Kind of Entra ID principal a grant is for (role assignments must state it; Azure rejects a mismatch). */
export const PrincipalType = {
  User: "User",
  Group: "Group",
  ServicePrincipal: "ServicePrincipal",
} as const;
/** Kind of Entra ID principal: "User", "Group" or "ServicePrincipal". */
export type PrincipalType = (typeof PrincipalType)[keyof typeof PrincipalType];

/** Kind of identity that runs `pulumi up` (a person or a CI service principal). */
export const DeployerPrincipalType = {
  User: "User",
  ServicePrincipal: "ServicePrincipal",
} as const;
/** Kind of identity that runs `pulumi up`: "User" or "ServicePrincipal". */
export type DeployerPrincipalType =
  (typeof DeployerPrincipalType)[keyof typeof DeployerPrincipalType];

/** Key types Azure Storage accepts for customer-managed keys. */
export const CmkKeyType = {
  /** Software-protected RSA key. */
  Rsa: "RSA",
  /** HSM-protected RSA key (needs a premium vault). */
  RsaHsm: "RSA-HSM",
} as const;
/** Customer-managed key type: "RSA" or "RSA-HSM". */
export type CmkKeyType = (typeof CmkKeyType)[keyof typeof CmkKeyType];

/** Storage redundancy SKUs for a StorageV2 account. */
export const StorageSku = {
  StandardLrs: "Standard_LRS",
  StandardZrs: "Standard_ZRS",
  StandardGrs: "Standard_GRS",
  StandardGzrs: "Standard_GZRS",
  StandardRagrs: "Standard_RAGRS",
  StandardRagzrs: "Standard_RAGZRS",
} as const;
/** Storage redundancy SKU, e.g. "Standard_ZRS". */
export type StorageSku = (typeof StorageSku)[keyof typeof StorageSku];

/** What Azure Storage does with a SAS whose validity exceeds the SAS expiration period. */
export const SasExpirationAction = {
  /** Reject the request. */
  Block: "Block",
  /** Allow it and write a log entry. */
  Log: "Log",
} as const;
/** SAS expiration action: "Block" or "Log". */
export type SasExpirationAction = (typeof SasExpirationAction)[keyof typeof SasExpirationAction];

/**
 * Storage sub-resources (private-link group ids) a private endpoint can connect to. The `_secondary` ones reach the
 * read-only secondary region and exist only on read-access geo-redundant accounts (Standard_RAGRS, Standard_RAGZRS).
 * Source: learn.microsoft.com azure/storage/common/storage-private-endpoints ("Creating a private endpoint").
 */
export const StorageService = {
  Blob: "blob",
  BlobSecondary: "blob_secondary",
  Dfs: "dfs",
  DfsSecondary: "dfs_secondary",
  File: "file",
  Queue: "queue",
  QueueSecondary: "queue_secondary",
  Table: "table",
  TableSecondary: "table_secondary",
  Web: "web",
  WebSecondary: "web_secondary",
} as const;
/** Storage service a private endpoint connects to, e.g. "blob" (secondaries need a read-access geo-redundant SKU). */
export type StorageService = (typeof StorageService)[keyof typeof StorageService];

/**
 * Azure resource lock levels the components create. `ReadOnly` is deliberately absent: on a storage account it blocks
 * listKeys and role assignments scoped to the account, on a vault every ARM write (keys, access policies, role
 * assignments), so the components' own updates would fail (learn.microsoft.com azure-resource-manager/management/
 * lock-resources, "Considerations before applying your locks").
 */
export const LockKind = {
  /** Authorised users can read and modify the resource, not delete it (nor its child and extension resources). */
  CanNotDelete: "CanNotDelete",
  /** No lock (an existing one is removed). */
  None: "None",
} as const;
/** Resource lock level: "CanNotDelete" or "None". */
export type LockKind = (typeof LockKind)[keyof typeof LockKind];

/** How diagnostic logs are written to a Log Analytics workspace. */
export const LogAnalyticsDestinationType = {
  /** Resource-specific tables (e.g. StorageBlobLogs). */
  Dedicated: "Dedicated",
  /** The legacy shared AzureDiagnostics table. */
  AzureDiagnostics: "AzureDiagnostics",
} as const;
/** Log Analytics destination table kind: "Dedicated" or "AzureDiagnostics". */
export type LogAnalyticsDestinationType =
  (typeof LogAnalyticsDestinationType)[keyof typeof LogAnalyticsDestinationType];

/** The values of an enum object, for validation and messages. */
export function enumValues<T extends Record<string, string>>(e: T): readonly T[keyof T][] {
  return Object.values(e) as T[keyof T][];
}
