/**
 * Storage account children that azure-native creates through Azure Resource Manager (the Microsoft.Storage resource
 * provider: `storageAccounts/blobServices/containers`, `fileServices/shares`, `queueServices/queues`,
 * `tableServices/tables` and the `<service>/default` settings). ARM authorises them with the deployer's Azure RBAC
 * role on the account and reaches the storage service itself, so the account's data-plane firewall, public network
 * access and shared-key setting do not apply to them (see `storageDataPlane.ts` for what does go through the data
 * plane). What ARM does check: the account exists, its kind offers the service, the names, anonymous access, shares.
 */
import { T, type ArmRule, type PendingResource } from "../armTypes";
import { physicalName } from "../armState";
import { lc } from "../text";
import {
  accountIsExternal,
  accountNamed,
  accountNameOf,
  SERVICE_OF,
  SERVICE_TEXT,
  servicesOf,
  STORAGE_ACCOUNT_TYPES_SOURCE,
} from "./storageAccounts";

/** Every type the storage families look at (ARM children, the blob and the static website). */
export const STORAGE_CHILD_TYPES: readonly string[] = Object.keys(SERVICE_OF);

const SOURCES = {
  parent:
    "learn.microsoft.com azure-resource-manager/troubleshooting/error-parent-resource (ParentResourceNotFound: the parent must exist before a child is created; depend on it)",
  service: `${STORAGE_ACCOUNT_TYPES_SOURCE}; MicrosoftDocs/azure-docs#75231 and turbot/steampipe-plugin-azure#458 (FeatureNotSupportedForAccount: "File is not supported for the account.", "Queue is not supported for the account.")`,
  names:
    "Azure/azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01 (blob.json containerName and file.json shareName: minLength 3, maxLength 63; queue.json queueName pattern ^[a-z0-9]([a-z0-9]|(-(?!-))){1,61}[a-z0-9]$; table.json tableName pattern ^[A-Za-z][A-Za-z0-9]{2,62}$); learn.microsoft.com rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata and naming-and-referencing-shares--directories--files--and-metadata (lowercase letters, digits and single hyphens, starting and ending with a letter or digit; $root, $web, $logs)",
  publicAccess:
    'learn.microsoft.com storage/blobs/anonymous-read-access-prevent (allowBlobPublicAccess false forbids container public access; new accounts default to false since API 2023-01-01); pivotal/paving#89 (PublicAccessNotPermitted: "Public access is not permitted on this storage account.", HTTP 409)',
  shareQuota:
    "Azure/azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/file.json (shareQuota: greater than 0, at most 5120 GiB, 102400 for large file shares); learn.microsoft.com storage/files/storage-files-scale-targets (premium shares 100 GiB to 100 TiB; standard 5 TiB, 100 TiB with large file shares enabled)",
  nfs: 'learn.microsoft.com storage/files/files-nfs-protocol (NFS shares only in premium FileStorage accounts); hashicorp/terraform-provider-azurerm#24269 (an NFS share on a StorageV2 account: InvalidHeaderValue "The value for one of the HTTP headers is not in the correct format")',
} as const;

/** Names the Blob service reserves for itself and accepts as container names. */
const RESERVED_CONTAINERS = new Set(["$root", "$web", "$logs"]);
/** Lowercase letters, digits and single hyphens, starting and ending with a letter or digit, 3-63 characters. */
const DNS_LABEL = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;

const NAME_RULES: Readonly<
  Record<string, { armType: string; input: string; test: (n: string) => boolean; text: string }>
> = {
  [T.blobContainer]: {
    armType: "Microsoft.Storage/storageAccounts/blobServices/containers",
    input: "containerName",
    test: (n) => RESERVED_CONTAINERS.has(n) || DNS_LABEL.test(n),
    text: "3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, no consecutive hyphens (or $root, $web, $logs)",
  },
  [T.fileShare]: {
    armType: "Microsoft.Storage/storageAccounts/fileServices/shares",
    input: "shareName",
    test: (n) => DNS_LABEL.test(n),
    text: "3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, no consecutive hyphens",
  },
  [T.queue]: {
    armType: "Microsoft.Storage/storageAccounts/queueServices/queues",
    input: "queueName",
    test: (n) => /^[a-z0-9]([a-z0-9]|(-(?!-))){1,61}[a-z0-9]$/.test(n),
    text: "3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, no consecutive hyphens",
  },
  [T.table]: {
    armType: "Microsoft.Storage/storageAccounts/tableServices/tables",
    input: "tableName",
    test: (n) => /^[A-Za-z][A-Za-z0-9]{2,62}$/.test(n),
    text: "3-63 letters and digits, starting with a letter",
  },
};

const nameOf = (p: PendingResource): string => physicalName(p.type, p.name, p.inputs);

/** Share size limits in GiB for the account (provisioned v2 accounts have their own, from GetFileServiceUsage). */
function shareLimits(account: PendingResource["inputs"]): { min: number; max: number } | undefined {
  const sku = lc(account.sku?.name);
  if (sku.includes("v2")) return undefined;
  if (lc(account.kind) === "filestorage") return { min: 100, max: 102400 };
  return { min: 1, max: lc(account.largeFileSharesState) === "enabled" ? 102400 : 5120 };
}

/** The ARM-created children of a storage account (containers, shares, queues, tables, service settings). */
export const STORAGE_CHILD_RULES: readonly ArmRule[] = [
  {
    id: "storage-child-account-missing",
    code: "ParentResourceNotFound",
    types: STORAGE_CHILD_TYPES,
    title:
      "Container, blob, share, queue, table or service setting in a storage account that is neither in the stack nor declared as existing",
    source: SOURCES.parent,
    check(p, s) {
      const name = accountNameOf(p);
      if (name === undefined || accountIsExternal(s, name) || accountNamed(s, name)) {
        return undefined;
      }
      return `Can not perform requested operation on nested resource. Parent resource '${name}' not found. Fix: create the storage account first (the ${p.type.split(":").pop()} must depend on it, e.g. accountName: account.name) or name an existing account in accountName.`;
    },
  },
  {
    id: "storage-child-service-unsupported",
    code: "FeatureNotSupportedForAccount",
    types: STORAGE_CHILD_TYPES,
    title:
      "Service the account's kind and SKU do not offer: FileStorage has only file shares; BlockBlobStorage and BlobStorage only blobs; a Premium general-purpose account only page blobs",
    source: SOURCES.service,
    check(p, s) {
      const name = accountNameOf(p);
      const account = name !== undefined ? accountNamed(s, name) : undefined;
      const service = SERVICE_OF[p.type];
      if (!account || service === undefined || servicesOf(account).has(service)) return undefined;
      const offered = [...servicesOf(account)].map((x) => SERVICE_TEXT[x]).join(", ");
      return `${SERVICE_TEXT[service]} is not supported for the account. Account '${name}' is kind ${account.inputs.kind ?? "StorageV2"} with sku ${account.inputs.sku?.name ?? "(none)"}, which offers: ${offered}. Fix: put the ${p.type.split(":").pop()} in a standard general-purpose v2 account (kind StorageV2, a Standard_* SKU), or in an account of the kind made for it (FileStorage for premium file shares, BlockBlobStorage for premium block blobs).`;
    },
  },
  {
    id: "storage-child-name-invalid",
    code: "InvalidResourceName",
    types: Object.keys(NAME_RULES),
    title:
      "Container, share or queue name other than 3-63 lowercase letters, digits and single hyphens; table name other than 3-63 letters and digits starting with a letter",
    source: SOURCES.names,
    check(p) {
      const rule = NAME_RULES[p.type];
      const name = nameOf(p);
      if (!rule || rule.test(name)) return undefined;
      return `The resource name '${name}' for type '${rule.armType}' is invalid: ${rule.text}. Fix: set ${rule.input} to a valid name${p.inputs[rule.input] === undefined ? ` (it was derived from the logical name "${p.name}")` : ""}.`;
    },
  },
  {
    id: "storage-container-public-access",
    code: "PublicAccessNotPermitted",
    types: [T.blobContainer],
    title:
      "Container with publicAccess Blob or Container in an account whose allowBlobPublicAccess is false (or unset: false by default)",
    source: SOURCES.publicAccess,
    check(p, s) {
      const access = p.inputs.publicAccess;
      const name = accountNameOf(p);
      const account = name !== undefined ? accountNamed(s, name) : undefined;
      if (!account || access === undefined || lc(access) === "none") return undefined;
      return account.inputs.allowBlobPublicAccess === true
        ? undefined
        : `Public access is not permitted on this storage account: container publicAccess ${JSON.stringify(access)}, but account '${name}' has allowBlobPublicAccess ${JSON.stringify(account.inputs.allowBlobPublicAccess ?? "unset (false)")}. Fix: set publicAccess to None and serve the data with Entra ID or a user delegation SAS (anonymous access to CMK-encrypted data is rarely intended).`;
    },
  },
  {
    id: "storage-share-quota",
    code: "InvalidRequestPropertyValue",
    types: [T.fileShare],
    title:
      "File share quota outside the account's range: 1-5120 GiB (standard), up to 102400 with large file shares, 100-102400 (premium FileStorage)",
    source: SOURCES.shareQuota,
    check(p, s) {
      const quota = p.inputs.shareQuota;
      const name = accountNameOf(p);
      const account = name !== undefined ? accountNamed(s, name) : undefined;
      const limits = account ? shareLimits(account.inputs) : undefined;
      if (quota === undefined || !limits) return undefined;
      if (
        typeof quota === "number" &&
        Number.isInteger(quota) &&
        quota >= limits.min &&
        quota <= limits.max
      ) {
        return undefined;
      }
      const large =
        limits.max === 5120
          ? " (or enable large file shares on the account: largeFileSharesState Enabled, up to 102400)"
          : "";
      return `The value ${JSON.stringify(quota)} of shareQuota is out of range for account '${name}': ${limits.min}-${limits.max} GiB. Fix: set shareQuota between ${limits.min} and ${limits.max}${large}.`;
    },
  },
  {
    id: "storage-share-nfs-premium",
    code: "InvalidHeaderValue",
    types: [T.fileShare],
    title: "NFS file share in an account that is not a premium FileStorage account",
    source: SOURCES.nfs,
    check(p, s) {
      if (lc(p.inputs.enabledProtocols) !== "nfs") return undefined;
      const name = accountNameOf(p);
      const account = name !== undefined ? accountNamed(s, name) : undefined;
      if (!account || lc(account.inputs.kind) === "filestorage") return undefined;
      return `The value for one of the HTTP headers is not in the correct format: enabledProtocols NFS needs a premium FileStorage account, account '${name}' is kind ${account.inputs.kind ?? "StorageV2"}. Fix: create the NFS share in a FileStorage account (sku Premium_LRS or Premium_ZRS), or use SMB.`;
    },
  },
];
