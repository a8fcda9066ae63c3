import {
  BLOB_LIMITS,
  enumValues,
  LockKind,
  StorageService,
  StorageSku,
  VaultPermissionModel,
} from "@cmk-platform/azure-cmk-storage";

/**
 * The stack configuration schema: one entry per config key the program reads, with its Pulumi.yaml type, description,
 * default and the JSON Schema rule (validated with Ajv). Pulumi.yaml's `config:` block mirrors this table (a test
 * keeps them equal).
 */
export interface ConfigKeySpec {
  /**
   * Pulumi project config type. Pulumi.yaml can type string, integer, boolean and array keys only; an "object" key is
   * declared there with a description and default but no `type` (the CLI then passes it through unchecked), and the
   * JSON Schema here is its only validation.
   */
  type: "string" | "integer" | "boolean" | "array" | "object";
  description: string;
  default?: string | number | boolean | string[] | Record<string, never>;
  /** JSON Schema for the value after type conversion (an empty-string default means "unset"). */
  schema: Record<string, unknown>;
  required?: boolean;
}

const GUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const IPV4_OR_CIDR = "^\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?$";
export const SUBNET_ID =
  "^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Network/virtualNetworks/[^/]+/subnets/[^/]+$";
const VAULT_ID =
  "^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.KeyVault/vaults/[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$";

const DNS_ZONE_ID =
  "^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Network/privateDnsZones/[^/]+$";

/** Private-link group ids that take a private DNS zone id in `cmk-storage:privateDnsZoneIds`. */
export const DNS_ZONE_GROUPS = ["vault", "blob", "dfs", "file", "queue", "table", "web"] as const;

/** One team's (or the stack's) blob data-protection settings: `cmk-storage:teams.<id>.blobProtection`. */
const BLOB_PROTECTION_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    softDeleteRetentionInDays: {
      type: "integer",
      minimum: BLOB_LIMITS.softDeleteDays[0],
      maximum: BLOB_LIMITS.softDeleteDays[1],
    },
    containerSoftDeleteRetentionInDays: {
      type: "integer",
      minimum: BLOB_LIMITS.softDeleteDays[0],
      maximum: BLOB_LIMITS.softDeleteDays[1],
    },
    versioning: { type: "boolean" },
    changeFeed: { type: "boolean" },
    changeFeedRetentionInDays: {
      type: "integer",
      minimum: 0,
      maximum: BLOB_LIMITS.changeFeedDays[1],
    },
    pointInTimeRestoreDays: { type: "integer", minimum: 0, maximum: BLOB_LIMITS.restoreDays[1] },
  },
} as const;

/**
 * A team id: the stable identity of a team in a stack. Resource names, URNs and the derived storage account name come
 * from it (never from the display name), so it must never change once deployed.
 */
export const TEAM_ID_PATTERN = "^[a-z][a-z0-9]{1,11}$";

/**
 * Tags the program sets on every team's identity and account (and the component adds `managedBy`, `component`); a
 * team's free-form `tags` may not redefine them.
 */
export const RESERVED_TEAM_TAGS = [
  "team",
  "displayName",
  "owner",
  "costCentre",
  "managedBy",
  "component",
] as const;

/**
 * One entry of `cmk-storage:teams` (key: the team id). Every field is optional; an empty entry `{}` gets the stack
 * defaults. Cross-field rules (checked in stacks/config.ts): `rotateAccessKeys` needs `allowSharedKeyAccess: true`;
 * `accessKeyRotationPeriodInDays`, `accessKeySecretVaultId` and `accessKeySecretVaultPermissionModel` need
 * `rotateAccessKeys: true`; `accessKeySecretVaultPermissionModel` needs `accessKeySecretVaultId`; `decommissioned`
 * cannot be combined with `protect: true`; `tags` may not use the names in RESERVED_TEAM_TAGS.
 *
 * ```yaml
 * cmk-storage:teams:
 *   payments: {}                              # stack defaults
 *   ledger:
 *     displayName: Ledger & Settlements        # tag only; rename freely
 *     owner: ledger-oncall@example.com
 *     costCentre: CC-4711
 *     tags: { dataClass: confidential }
 *     accountSku: Standard_GZRS                # default: cmk-storage:accountSku
 *     allowedIpRanges: [198.51.100.0/28]       # default: cmk-storage:accountAllowedIpRanges
 *     allowedSubnetIds: [/subscriptions/…/subnets/app]   # default: none
 *     allowSharedKeyAccess: true               # default: false
 *     rotateAccessKeys: true                   # default: false
 *     accessKeyRotationPeriodInDays: 30        # default: 90
 *     accessKeySecretVaultId: /subscriptions/…/vaults/kv-ledger   # default: the vault of the team's key
 *     accessKeySecretVaultPermissionModel: rbac                    # default: cmk-storage:vaultPermissionModel
 *     protect: true                            # default: cmk-storage:protect
 *     key:                                     # default: the stack's key
 *       vaultId: /subscriptions/…/vaults/kv-ledger
 *       keyName: ledger-cmk
 *       permissionModel: rbac
 *     privateEndpoints: [blob, dfs]            # default: cmk-storage:accountPrivateEndpoints
 *     privateEndpointSubnetId: /subscriptions/…/subnets/pe   # default: cmk-storage:privateEndpointSubnetId
 *     lock: None                               # default: cmk-storage:lock
 *     blobProtection:                          # each field defaults to the stack's blob* key
 *       softDeleteRetentionInDays: 30
 *       pointInTimeRestoreDays: 14             # needs versioning and changeFeed
 *   archive:
 *     decommissioned: true                     # step 1 of removal: unprotects the account, lifts its lock (README)
 * ```
 */
export const TEAM_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    displayName: { type: "string", minLength: 1, maxLength: 256 },
    owner: { type: "string", minLength: 1, maxLength: 256 },
    costCentre: { type: "string", minLength: 1, maxLength: 256 },
    tags: {
      type: "object",
      maxProperties: 40,
      propertyNames: { pattern: "^[^<>%&\\\\?/]{1,512}$" },
      additionalProperties: { type: "string", maxLength: 256 },
    },
    accountSku: { enum: enumValues(StorageSku) },
    allowedIpRanges: { type: "array", items: { type: "string", pattern: IPV4_OR_CIDR } },
    allowedSubnetIds: { type: "array", items: { type: "string", pattern: SUBNET_ID } },
    allowSharedKeyAccess: { type: "boolean" },
    rotateAccessKeys: { type: "boolean" },
    accessKeyRotationPeriodInDays: { type: "integer", minimum: 1, maximum: 730 },
    accessKeySecretVaultId: { type: "string", pattern: VAULT_ID },
    accessKeySecretVaultPermissionModel: { enum: enumValues(VaultPermissionModel) },
    protect: { type: "boolean" },
    decommissioned: { type: "boolean" },
    privateEndpoints: {
      type: "array",
      uniqueItems: true,
      items: { enum: enumValues(StorageService) },
    },
    privateEndpointSubnetId: { type: "string", pattern: SUBNET_ID },
    lock: { enum: enumValues(LockKind) },
    blobProtection: BLOB_PROTECTION_SCHEMA,
    key: {
      type: "object",
      additionalProperties: false,
      required: ["vaultId", "keyName", "permissionModel"],
      properties: {
        vaultId: { type: "string", pattern: VAULT_ID },
        keyName: { type: "string", pattern: "^[a-zA-Z0-9-]{1,127}$" },
        permissionModel: { enum: enumValues(VaultPermissionModel) },
      },
    },
  },
} as const;

export const CONFIG_KEYS: Record<string, ConfigKeySpec> = {
  location: {
    type: "string",
    description: "Azure region for the vault and every storage account, e.g. westeurope.",
    schema: { type: "string", pattern: "^[a-z][a-z0-9]+$" },
    required: true,
  },
  resourceGroupName: {
    type: "string",
    description: "Resource group that holds the vault, key, identities and storage accounts.",
    schema: { type: "string", pattern: "^[-\\w._()]{1,89}[-\\w_()]$" },
    required: true,
  },
  createResourceGroup: {
    type: "boolean",
    description: "Create the resource group (true) or use an existing one of that name (false).",
    default: true,
    schema: { type: "boolean" },
  },
  tenantId: {
    type: "string",
    description: "Entra ID tenant of the vault. Empty: the tenant of the deploying credentials.",
    default: "",
    schema: { type: "string", pattern: GUID },
  },
  namePrefix: {
    type: "string",
    description:
      "Prefix of derived resource names (vault and storage account names get a random suffix).",
    default: "cmk",
    schema: { type: "string", pattern: "^[a-z][a-z0-9]{1,9}$" },
  },
  vaultName: {
    type: "string",
    description:
      "Explicit vault name (3-24 letters, digits, hyphens). Empty: a derived name with a random suffix.",
    default: "",
    schema: { type: "string", pattern: "^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$" },
  },
  vaultSku: {
    type: "string",
    description: "Key Vault SKU: standard or premium (premium is required for RSA-HSM keys).",
    default: "standard",
    schema: { enum: ["standard", "premium"] },
  },
  vaultPermissionModel: {
    type: "string",
    description:
      "Vault data-plane permission model: accessPolicy (grants take effect at once) or rbac.",
    default: "accessPolicy",
    schema: { enum: ["accessPolicy", "rbac"] },
  },
  vaultSoftDeleteRetentionInDays: {
    type: "integer",
    description: "Days a deleted vault stays recoverable (7-90).",
    default: 90,
    schema: { type: "integer", minimum: 7, maximum: 90 },
  },
  vaultPublicNetworkAccess: {
    type: "string",
    description:
      "Disabled (private endpoints and trusted Azure services only) or Enabled (firewall deny by default with the allow-lists).",
    default: "Disabled",
    schema: { enum: ["Disabled", "Enabled"] },
  },
  vaultAllowedIpRanges: {
    type: "array",
    description: "IPv4 addresses or CIDR ranges allowed through the vault firewall.",
    default: [],
    schema: { type: "array", items: { type: "string", pattern: IPV4_OR_CIDR } },
  },
  vaultAllowedSubnetIds: {
    type: "array",
    description: "Subnet resource ids allowed through the vault firewall.",
    default: [],
    schema: { type: "array", items: { type: "string", pattern: SUBNET_ID } },
  },
  vaultAdministratorObjectIds: {
    type: "array",
    description:
      "Entra ID object ids that administer keys (access policy or Key Vault Crypto Officer role).",
    default: [],
    schema: { type: "array", items: { type: "string", pattern: GUID } },
  },
  vaultAdministratorPrincipalType: {
    type: "string",
    description:
      "Principal type of the administrators: User, Group or ServicePrincipal (RBAC assignments must state it).",
    default: "Group",
    schema: { enum: ["User", "Group", "ServicePrincipal"] },
  },
  keyType: {
    type: "string",
    description: "Customer-managed key type: RSA or RSA-HSM (needs a premium vault).",
    default: "RSA",
    schema: { enum: ["RSA", "RSA-HSM"] },
  },
  keySize: {
    type: "integer",
    description: "RSA key size: 2048, 3072 or 4096.",
    default: 3072,
    schema: { enum: [2048, 3072, 4096] },
  },
  keyRotateAfter: {
    type: "string",
    description:
      "Rotate the key this long after each version is created (ISO-8601 duration, at least P7D).",
    default: "P90D",
    schema: { type: "string", format: "iso8601-duration" },
  },
  keyExpiresAfter: {
    type: "string",
    description: "Expiry of each key version (ISO-8601 duration, at least P28D).",
    default: "P1Y",
    schema: { type: "string", format: "iso8601-duration" },
  },
  keyNotifyBefore: {
    type: "string",
    description:
      "Near-expiry notification this long before expiry (ISO-8601 duration, at least P7D).",
    default: "P30D",
    schema: { type: "string", format: "iso8601-duration" },
  },
  keyEnabled: {
    type: "boolean",
    description:
      "false disables the key: every account encrypted with it answers HTTP 403 until it is enabled again.",
    default: true,
    schema: { type: "boolean" },
  },
  keyProtect: {
    type: "boolean",
    description: "Protect the key against deletion (protect + retainOnDelete).",
    default: true,
    schema: { type: "boolean" },
  },
  teams: {
    type: "object",
    description:
      "Teams, each with a CMK-encrypted storage account: a map from a stable team id (2-12 lowercase letters and digits, never renamed) to optional overrides of the stack defaults (displayName, owner, costCentre, tags, accountSku, allowedIpRanges, allowedSubnetIds, allowSharedKeyAccess, rotateAccessKeys, accessKeyRotationPeriodInDays, accessKeySecretVaultId, accessKeySecretVaultPermissionModel, protect, key, decommissioned, privateEndpoints, privateEndpointSubnetId, lock, blobProtection). See README.md and stacks/configSchema.ts.",
    default: {},
    schema: {
      type: "object",
      propertyNames: { pattern: TEAM_ID_PATTERN },
      additionalProperties: TEAM_SCHEMA,
    },
  },
  accounts: {
    type: "array",
    description:
      "Older list form of teams (team ids only, stack defaults for all); still read, but a stack sets either teams or accounts.",
    default: [],
    schema: {
      type: "array",
      uniqueItems: true,
      items: { type: "string", pattern: TEAM_ID_PATTERN },
    },
  },
  accountSku: {
    type: "string",
    description: "Storage redundancy SKU for the accounts.",
    default: "Standard_ZRS",
    schema: {
      enum: [
        "Standard_LRS",
        "Standard_ZRS",
        "Standard_GRS",
        "Standard_GZRS",
        "Standard_RAGRS",
        "Standard_RAGZRS",
      ],
    },
  },
  accountAllowedIpRanges: {
    type: "array",
    description: "IPv4 addresses or CIDR ranges allowed through the storage account firewalls.",
    default: [],
    schema: { type: "array", items: { type: "string", pattern: IPV4_OR_CIDR } },
  },
  rbacPropagationSeconds: {
    type: "integer",
    description:
      "RBAC model only: seconds to wait after a key role assignment before creating its storage account.",
    default: 60,
    schema: { type: "integer", minimum: 0, maximum: 900 },
  },
  protect: {
    type: "boolean",
    description: "Pulumi resource protection for every resource of the stack (on in production).",
    default: false,
    schema: { type: "boolean" },
  },
  privateEndpointSubnetId: {
    type: "string",
    description:
      "Subnet ARM id (in the stack's subscription, private-endpoint network policies as the network team sets them) for the vault's private endpoint and every team's account endpoints. Empty: no private endpoints.",
    default: "",
    schema: { type: "string", pattern: SUBNET_ID },
  },
  privateDnsZoneIds: {
    type: "object",
    description:
      "Private DNS zone ARM ids by private-link group (vault, blob, dfs, file, queue, table, web), usually in the hub's connectivity subscription: each endpoint gets a DNS zone group on its group's zone (privatelink.vaultcore.azure.net, privatelink.<group>.core.windows.net).",
    default: {},
    schema: {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(
        DNS_ZONE_GROUPS.map((g) => [g, { type: "string", pattern: DNS_ZONE_ID }]),
      ),
    },
  },
  accountPrivateEndpoints: {
    type: "array",
    description:
      "Storage services every team's account gets a private endpoint for (blob, dfs, file, queue, table, web; _secondary variants on RA-GRS/RA-GZRS accounts); a team's privateEndpoints overrides it.",
    default: [],
    schema: { type: "array", uniqueItems: true, items: { enum: enumValues(StorageService) } },
  },
  logAnalyticsWorkspaceId: {
    type: "string",
    description:
      "Log Analytics workspace ARM id for the diagnostic settings of the vault (AuditEvent, AllMetrics) and every account and its blob/file/queue/table services. Empty: no workspace.",
    default: "",
    schema: { type: "string", minLength: 1 },
  },
  diagnosticsStorageAccountId: {
    type: "string",
    description:
      "Storage account ARM id that also archives the diagnostic logs (same region as the resources). Empty: none.",
    default: "",
    schema: { type: "string", minLength: 1 },
  },
  diagnosticsEventHubAuthorizationRuleId: {
    type: "string",
    description:
      "Event Hubs namespace authorization rule ARM id the diagnostic logs are also streamed to. Empty: none.",
    default: "",
    schema: { type: "string", minLength: 1 },
  },
  diagnosticsEventHubName: {
    type: "string",
    description:
      "Event hub for the diagnostic logs (needs diagnosticsEventHubAuthorizationRuleId). Empty: one hub per category.",
    default: "",
    schema: { type: "string", minLength: 1 },
  },
  lock: {
    type: "string",
    description:
      "Azure resource lock on the vault and every team's account: CanNotDelete (production) or None; a team's lock overrides it, a decommissioned team's lock is removed.",
    default: "None",
    schema: { enum: enumValues(LockKind) },
  },
  vaultLock: {
    type: "string",
    description:
      "Lock on the vault when it differs from cmk-storage:lock (CanNotDelete or None): a CanNotDelete vault lock blocks deleting role assignments inside the vault, so RBAC stacks lift it to remove a team. Empty: cmk-storage:lock.",
    default: "",
    schema: { enum: enumValues(LockKind) },
  },
  blobSoftDeleteRetentionInDays: {
    type: "integer",
    description: "Days deleted blobs stay recoverable (blob soft delete, always on), 1-365.",
    default: 7,
    schema: BLOB_PROTECTION_SCHEMA.properties.softDeleteRetentionInDays,
  },
  containerSoftDeleteRetentionInDays: {
    type: "integer",
    description:
      "Days deleted containers stay recoverable (container soft delete, always on), 1-365.",
    default: 7,
    schema: BLOB_PROTECTION_SCHEMA.properties.containerSoftDeleteRetentionInDays,
  },
  blobVersioning: {
    type: "boolean",
    description: "Blob versioning: every overwrite or delete keeps the previous version.",
    default: true,
    schema: { type: "boolean" },
  },
  blobChangeFeed: {
    type: "boolean",
    description: "Blob change feed (a log of every change; needed by point-in-time restore).",
    default: false,
    schema: { type: "boolean" },
  },
  blobChangeFeedRetentionInDays: {
    type: "integer",
    description: "Days the change feed is kept (1-146000); 0 keeps it forever.",
    default: 0,
    schema: BLOB_PROTECTION_SCHEMA.properties.changeFeedRetentionInDays,
  },
  blobPointInTimeRestoreDays: {
    type: "integer",
    description:
      "Point-in-time restore window in days (needs blobVersioning and blobChangeFeed, fewer days than blobSoftDeleteRetentionInDays); 0 turns it off.",
    default: 0,
    schema: BLOB_PROTECTION_SCHEMA.properties.pointInTimeRestoreDays,
  },
};
