/**
 * Updates ARM refuses although the REST specification lets the property be sent on an update: the value may change
 * only in one direction, only between some values, or not after creation at all, as the specification's own
 * descriptions or the Azure documentation say. Hand-written, each entry with its source; `--previous` reports a change
 * that trips one as `refused` (never as a plain update), with the fix. The create-only properties (the generated
 * table, `preview/generated/createOnly.ts`, and `CREATE_ONLY` in azureSpec.ts) are replacements, not refusals.
 */
import { lc } from "./text";

export interface UpdateRefusal {
  /** Rule id (docs/offline-preview.md). */
  id: string;
  /** azure-native resource token. */
  type: string;
  /** Input path the rule looks at (a change at or under it). */
  path: string;
  /** What ARM answers (the preview's label where ARM's exact code is not documented). */
  code: string;
  /** Why ARM refuses this change, or undefined when it accepts it. */
  refuses(before: unknown, after: unknown): string | undefined;
  /** The way to reach the new value. */
  fix: string;
  source: string;
}

const STORAGE_SPEC =
  "Azure/azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json";
const KEYVAULT_SPEC =
  "Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json";
const REDUNDANCY_DOC =
  'learn.microsoft.com azure/storage/common/redundancy-migration ("Change how a storage account is replicated": switching between zone-redundant and non-zone-redundant configurations is a conversion, and a Premium account cannot be changed to Standard or back)';

/** A storage SKU name as its performance tier and whether its redundancy is zonal. */
function skuParts(name: unknown): { tier: string; zonal: boolean; redundancy: string } | undefined {
  const m = /^(Standard|Premium)_(LRS|GRS|RAGRS|ZRS|GZRS|RAGZRS)$/i.exec(
    typeof name === "string" ? name : "",
  );
  if (!m) return undefined;
  return { tier: lc(m[1]), redundancy: m[2].toUpperCase(), zonal: /Z/i.test(m[2]) };
}

/** A value as text for a message. */
const show = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

const STORAGE_KINDS_UPGRADABLE = new Set(["storage", "blobstorage"]);

export const UPDATE_REFUSALS: readonly UpdateRefusal[] = [
  {
    id: "storage-sku-performance-tier",
    type: "azure-native:storage:StorageAccount",
    path: "sku.name",
    code: "StorageAccountSkuChangeNotSupported",
    refuses(before, after) {
      const b = skuParts(before);
      const a = skuParts(after);
      if (!b || !a || b.tier === a.tier) return undefined;
      return `the performance tier cannot change (${show(before)} → ${show(after)}): Standard and Premium accounts are different hardware`;
    },
    fix: "create a new account with the new SKU and copy the data (AzCopy or object replication), then retire the old one",
    source: `${STORAGE_SPEC} StorageAccountUpdateParameters.sku ("the SKU name cannot be updated to Standard_ZRS, Premium_LRS or Premium_ZRS, nor can accounts of those SKU names be updated to any other value"); ${REDUNDANCY_DOC}`,
  },
  {
    id: "storage-sku-zonal-conversion",
    type: "azure-native:storage:StorageAccount",
    path: "sku.name",
    code: "StorageAccountSkuChangeNotSupported",
    refuses(before, after) {
      const b = skuParts(before);
      const a = skuParts(after);
      if (!b || !a || b.tier !== a.tier || b.zonal === a.zonal) return undefined;
      return `changing between zone-redundant and non-zone-redundant replication (${show(before)} → ${show(after)}) is a conversion, not an update of sku`;
    },
    fix: "request a customer-initiated conversion (portal Redundancy blade, or az storage account migration start --sku <target>), wait for it to finish, then set the new SKU in the program; or create a new account and copy the data",
    source: `${STORAGE_SPEC} StorageAccountUpdateParameters.sku; ${REDUNDANCY_DOC}`,
  },
  {
    id: "storage-kind-change",
    type: "azure-native:storage:StorageAccount",
    path: "kind",
    code: "StorageAccountKindChangeNotSupported",
    refuses(before, after) {
      if (before === undefined || after === undefined || lc(before) === lc(after)) return undefined;
      if (lc(after) === "storagev2" && STORAGE_KINDS_UPGRADABLE.has(lc(before))) return undefined;
      return `an account of kind ${show(before)} cannot become ${show(after)}: the only change ARM accepts is the upgrade of a Storage (general-purpose v1) or BlobStorage account to StorageV2, and it cannot be undone`;
    },
    fix: "keep the kind as deployed; for another kind create a new account and copy the data",
    source: `${STORAGE_SPEC} StorageAccountUpdateParameters.kind ("Currently only StorageV2 value supported by server"); learn.microsoft.com azure/storage/common/storage-account-upgrade (upgrade to general-purpose v2 is one-way)`,
  },
  {
    id: "storage-large-file-shares-disable",
    type: "azure-native:storage:StorageAccount",
    path: "largeFileSharesState",
    code: "LargeFileSharesCannotBeDisabled",
    refuses: (before, after) =>
      lc(before) === "enabled" && lc(after) === "disabled"
        ? "large file shares cannot be disabled once enabled"
        : undefined,
    fix: "keep largeFileSharesState Enabled",
    source: `${STORAGE_SPEC} StorageAccountPropertiesUpdateParameters.largeFileSharesState ("It cannot be disabled once it is enabled")`,
  },
  {
    id: "storage-immutability-after-creation",
    type: "azure-native:storage:StorageAccount",
    path: "immutableStorageWithVersioning.enabled",
    code: "ImmutableStorageWithVersioningCannotChange",
    refuses: (before, after) =>
      (before === true) !== (after === true)
        ? "account-level version immutability can only be set (to true) when the account is created"
        : undefined,
    fix: "keep immutableStorageWithVersioning.enabled as deployed; for version-level immutability on an existing account, enable it per container",
    source: `${STORAGE_SPEC} StorageAccountPropertiesUpdateParameters.immutableStorageWithVersioning ("The property is immutable and can only be set to true at the account creation time")`,
  },
  {
    id: "storage-custom-domain-replace",
    type: "azure-native:storage:StorageAccount",
    path: "customDomain.name",
    code: "StorageAccountCustomDomainChangeNotSupported",
    refuses: (before, after) =>
      typeof before === "string" &&
      before !== "" &&
      typeof after === "string" &&
      after !== "" &&
      lc(before) !== lc(after)
        ? `the custom domain cannot be replaced (${before} → ${after}); the old one must be cleared first`
        : undefined,
    fix: "deploy once with customDomain.name set to an empty string, then set the new domain",
    source: `${STORAGE_SPEC} StorageAccounts_Update ("the replacement/change of custom domain is not supported. In order to replace an old custom domain, the old value must be cleared/unregistered before a new value can be set")`,
  },
  {
    id: "container-immutability-after-creation",
    type: "azure-native:storage:BlobContainer",
    path: "immutableStorageWithVersioning.enabled",
    code: "ContainerImmutabilityCannotChange",
    refuses: (before, after) =>
      (before === true) !== (after === true)
        ? "version-level immutability of a container can only be set when the container is created; existing containers must be migrated"
        : undefined,
    fix: "keep immutableStorageWithVersioning.enabled as deployed; to enable it on an existing container, run the container migration (BlobContainers_ObjectLevelWorm, az storage container-rm migrate-vlw)",
    source: `Azure/azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/blob.json ContainerProperties.immutableStorageWithVersioning ("The property is immutable and can only be set to true at the container creation time. Existing containers must undergo a migration process")`,
  },
  {
    id: "vault-purge-protection-disable",
    type: "azure-native:keyvault:Vault",
    path: "properties.enablePurgeProtection",
    code: "BadRequest",
    refuses: (before, after) =>
      before === true && after === false
        ? "purge protection cannot be turned off once on (the property does not accept false)"
        : undefined,
    fix: "keep properties.enablePurgeProtection true (or leave it unset: ARM keeps it on)",
    source: `${KEYVAULT_SPEC} VaultProperties.enablePurgeProtection ("Enabling this functionality is irreversible - that is, the property does not accept false as its value"); learn.microsoft.com azure/key-vault/general/soft-delete-overview#purge-protection`,
  },
  {
    id: "managed-hsm-purge-protection-disable",
    type: "azure-native:keyvault:ManagedHsm",
    path: "properties.enablePurgeProtection",
    code: "BadRequest",
    refuses: (before, after) =>
      before !== false && after === false
        ? "purge protection of a Managed HSM cannot be turned off (it is on by default and enabling it is irreversible)"
        : undefined,
    fix: "keep properties.enablePurgeProtection true (or leave it unset)",
    source:
      'Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/managedHsm.json ManagedHsmProperties.enablePurgeProtection (default true; "Enabling this functionality is irreversible")',
  },
  {
    id: "vault-soft-delete-disable",
    type: "azure-native:keyvault:Vault",
    path: "properties.enableSoftDelete",
    code: "BadRequest",
    refuses: (before, after) =>
      before !== false && after === false ? "soft delete cannot be turned off once on" : undefined,
    fix: "keep properties.enableSoftDelete true (or leave it unset)",
    source: `${KEYVAULT_SPEC} VaultProperties.enableSoftDelete ("Once set to true, it cannot be reverted to false"); learn.microsoft.com azure/key-vault/general/soft-delete-change`,
  },
  {
    id: "vault-soft-delete-retention-change",
    type: "azure-native:keyvault:Vault",
    path: "properties.softDeleteRetentionInDays",
    code: "BadRequest",
    refuses: (before, after) =>
      before !== undefined && after !== undefined && Number(before) !== Number(after)
        ? `the soft-delete retention period is fixed when the vault is created (${show(before)} → ${show(after)} days)`
        : undefined,
    fix: "keep properties.softDeleteRetentionInDays as deployed; a different retention needs a new vault (and moving the keys' users to it)",
    source:
      'learn.microsoft.com azure/key-vault/general/soft-delete-overview ("the retention policy interval can only be configured during key vault creation and can\'t be changed afterwards")',
  },
];

/** The refusals that apply to a change of `path` on a resource of `type`. */
export function refusalsFor(type: string, path: string): UpdateRefusal[] {
  return UPDATE_REFUSALS.filter(
    (r) =>
      r.type === type &&
      (path === r.path || path.startsWith(`${r.path}.`) || r.path.startsWith(`${path}.`)),
  );
}

const valueAt = (obj: Record<string, unknown>, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>(
      (o, k) =>
        o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined,
      obj,
    );

/** The first refusal a change from `before` to `after` inputs trips, with its reason. */
export function refusedUpdate(
  type: string,
  changed: readonly string[],
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { refusal: UpdateRefusal; reason: string } | undefined {
  for (const p of changed) {
    for (const r of refusalsFor(type, p)) {
      const reason = r.refuses(valueAt(before, r.path), valueAt(after, r.path));
      if (reason) return { refusal: r, reason };
    }
  }
  return undefined;
}
