/**
 * Storage encryption family: which encryption services and key scopes each storage account kind accepts, and whether
 * the customer-managed key an account is created with is usable (enabled, within its validity period).
 */
import { T, type ArmRule } from "../armTypes";
import type * as SimulatedAzure from "../simulatedAzure";
import { lc } from "../text";

/**
 * The simulated Azure's helpers, loaded on first use inside a check: `simulatedAzure.ts` loads this family while it
 * loads, so a load-time import would see it half-initialised when this file is loaded first.
 */
function az(): typeof SimulatedAzure {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../simulatedAzure") as typeof SimulatedAzure;
}

export const STORAGE_ENCRYPTION_SOURCES = {
  kinds:
    'learn.microsoft.com storage/common/storage-account-overview#types-of-storage-accounts (StorageV2: blob, Data Lake, queue, table, files; premium StorageV2: page blobs only; BlockBlobStorage: block and append blobs; FileStorage: files only; BlobStorage (legacy): block and append blobs; Storage (legacy general-purpose v1): blob, file, queue, table); learn.microsoft.com storage/common/account-encryption-key-create ("The storage account must be of type general-purpose v2", "The scope of the encryption key cannot be changed after the account is created"; blob storage and Azure Files always use the account key); Azure/azure-rest-api-specs storage.json 2023-05-01 EncryptionService.keyType (Service | Account)',
  disabled:
    'Azure/azure-rest-api-specs storage.json 2023-05-01 EncryptionService.enabled ("Encryption at rest is enabled by default today and cannot be disabled"); crossplane-contrib/provider-azure#232 (FeatureNotSupportedForAccount: "Disabling Table Encryption is not supported for the account.")',
  keyUsable:
    'learn.microsoft.com key-vault/keys/about-keys-details#key-attributes (exp: the key must not be used for wrapping after it; nbf: not before it; enabled: a disabled key permits no cryptographic operation); https://github.com/MicrosoftDocs/azure-docs/issues/84096 (an expired key: "unable to enable a new storage account for CMK - The operation failed because of authentication issue on the keyvault"); Key Vault data-plane error "Operation wrapKey is not allowed on a disabled key" (KeyDisabled)',
} as const;

/** The services of each storage account kind (learn.microsoft.com storage/common/storage-account-overview). */
export const KIND_SERVICES: Readonly<Record<string, readonly string[]>> = {
  StorageV2: ["blob", "file", "queue", "table"],
  Storage: ["blob", "file", "queue", "table"],
  BlobStorage: ["blob"],
  BlockBlobStorage: ["blob"],
  FileStorage: ["file"],
};

/** Services whose key scope is chosen at creation (`keyType`); blob and file always use the account key. */
const SCOPED_SERVICES = ["queue", "table"] as const;

/** The kind as ARM names it (case-insensitive match), or the value received. */
function kindOf(value: unknown): string {
  const kind = typeof value === "string" ? value : "StorageV2";
  return Object.keys(KIND_SERVICES).find((k) => lc(k) === lc(kind)) ?? kind;
}

/** What an account of this kind and SKU offers: premium StorageV2 accounts hold page blobs only. */
export function servicesOf(kind: string, sku: unknown): readonly string[] {
  const premium = /^premium_/i.test(typeof sku === "string" ? sku : "");
  if (kind === "StorageV2" && premium) {
    return ["blob"];
  }
  return KIND_SERVICES[kind] ?? [];
}

/** Seconds since 1970 of an RFC 3339 date (azure classic keys), or of a number as given (azure-native keys). */
function epoch(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  }
  return undefined;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

export const STORAGE_ENCRYPTION_RULES: readonly ArmRule[] = [
  {
    id: "storage-encryption-key-scope-kind",
    code: "FeatureNotSupportedForAccount",
    types: [T.account],
    title:
      "Account-scoped (keyType Account) queue or table encryption on an account kind without that service or other than general-purpose v2 (every kind × service: see KIND_SERVICES)",
    source: STORAGE_ENCRYPTION_SOURCES.kinds,
    check(p) {
      const kind = kindOf(p.inputs.kind);
      const sku = p.inputs.sku?.name;
      const services = servicesOf(kind, sku);
      const bad = SCOPED_SERVICES.filter(
        (svc) => lc(p.inputs.encryption?.services?.[svc]?.keyType) === "account",
      ).filter((svc) => kind !== "StorageV2" || !services.includes(svc));
      if (bad.length === 0) return undefined;
      const offers = services.length > 0 ? services.join(", ") : "no known service";
      return `Account-scoped encryption keys for ${bad.join(" and ")} are not supported for the account: kind ${kind}${sku ? ` (sku ${sku})` : ""} offers ${offers}, and an account-scoped queue or table key needs a general-purpose v2 (StorageV2, standard) account, chosen at creation and never changed afterwards. Fix: create the account with kind StorageV2 and a Standard_* sku, or leave encryption.services.${bad[0]}.keyType out (Service) and accept Microsoft-managed keys for ${bad.join(" and ")}.`;
    },
  },
  {
    id: "storage-encryption-disabled",
    code: "FeatureNotSupportedForAccount",
    types: [T.account],
    title:
      "encryption.services.<blob|file|queue|table>.enabled: false (encryption at rest cannot be disabled)",
    source: STORAGE_ENCRYPTION_SOURCES.disabled,
    check(p) {
      const services = (p.inputs.encryption?.services ?? {}) as Record<
        string,
        { enabled?: unknown }
      >;
      const off = Object.entries(services)
        .filter(([, v]) => v?.enabled === false)
        .map(([k]) => k);
      return off.length === 0
        ? undefined
        : `Disabling ${off.map((s) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`).join(", ")} Encryption is not supported for the account: encryption at rest is always on. Fix: remove encryption.services.${off[0]}.enabled (or set it to true).`;
    },
  },
  {
    id: "storage-cmk-key-not-usable",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title:
      "New account whose customer-managed key (Key Vault or Managed HSM key in the stack) is disabled, expired or not yet valid",
    source: STORAGE_ENCRYPTION_SOURCES.keyUsable,
    check(p, s) {
      if (s.deployed?.has(p.urn)) return undefined; // an existing account: revocation is a data-loss finding
      const cmk = az().cmkOf(p);
      if (!cmk?.keyName) return undefined;
      const idx = az().indexOf(s);
      let enabled: unknown;
      let expires: number | undefined;
      let notBefore: number | undefined;
      let where: string;
      if (cmk.vaultName) {
        const key = idx.key(cmk.vaultName, cmk.keyName);
        if (!key) return undefined;
        const attrs = key.inputs.properties?.attributes ?? {};
        enabled = attrs.enabled;
        expires = epoch(attrs.expires);
        notBefore = epoch(attrs.notBefore);
        where = `vault '${cmk.vaultName}' (properties.attributes)`;
      } else if (cmk.hsmName) {
        // Keyed like storage-cmk-hsm-key-operations (preview/rules/managedHsm.ts): no scan of every HSM key per account.
        const key = idx.hsmKeys.get(`${cmk.hsmName}/${lc(cmk.keyName)}`);
        if (!key) return undefined;
        expires = epoch(key.inputs.expirationDate);
        notBefore = epoch(key.inputs.notBeforeDate);
        where = `managed HSM '${cmk.hsmName}' (expirationDate/notBeforeDate)`;
      } else {
        return undefined;
      }
      const now = s.now ?? Math.floor(Date.now() / 1000);
      const why =
        enabled === false
          ? "is disabled (enabled: false), so it permits no wrapKey or unwrapKey"
          : expires !== undefined && expires <= now
            ? `expired at ${iso(expires)}`
            : notBefore !== undefined && notBefore > now
              ? `is not valid before ${iso(notBefore)}`
              : undefined;
      return why === undefined
        ? undefined
        : `The operation failed because of authentication issue on the keyvault: key '${cmk.keyName}' in ${where} ${why}, and Azure Storage must wrap the account encryption key with it when the account is created. Fix: enable the key or give it a validity period that includes now (or use another key); an account created before keeps working until the key is disabled.`;
    },
  },
];
