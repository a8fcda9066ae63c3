/**
 * What the storage rule families need to know about a storage account: which account a child or blob names, which
 * services the account's kind and SKU offer, and whether the deploying machine reaches its data plane. Pure functions
 * of the recorded state; `indexOf` is only called at check time (it lives in `../simulatedAzure`, which loads this
 * family).
 */
import { BlockList } from "net";
import type { RecordedResource } from "../recorder";
import {
  DEFAULT_DEPLOYER,
  T,
  type AzureState,
  type DeployerPosition,
  type PendingResource,
} from "../armTypes";
import { indexOf } from "../simulatedAzure";
import { lc } from "../text";

/** A service of a storage account, as the storage account overview names what each account type supports. */
export type StorageService = "blob" | "blockBlob" | "file" | "queue" | "table";

export const SERVICE_TEXT: Record<StorageService, string> = {
  blob: "Blob",
  blockBlob: "Block and append blobs",
  file: "File",
  queue: "Queue",
  table: "Table",
};

/**
 * Which service each resource type uses. Source: learn.microsoft.com storage/common/storage-account-overview (types of
 * storage accounts); azure-native's storage.Blob creates Block or Append blobs only (pulumi-azure-native
 * custom_storage_azidentity.go), the static website is a blob-service setting.
 */
export const SERVICE_OF: Readonly<Record<string, StorageService>> = {
  [T.blobContainer]: "blob",
  [T.blobServiceProperties]: "blob",
  [T.blob]: "blockBlob",
  [T.staticWebsite]: "blockBlob",
  [T.fileShare]: "file",
  [T.fileServiceProperties]: "file",
  [T.queue]: "queue",
  [T.queueServiceProperties]: "queue",
  [T.table]: "table",
  [T.tableServiceProperties]: "table",
};

export const STORAGE_ACCOUNT_TYPES_SOURCE =
  "learn.microsoft.com storage/common/storage-account-overview#types-of-storage-accounts (standard general-purpose v2: Blob, Data Lake, Queue, Table, Azure Files; premium block blobs (BlockBlobStorage): block and append blobs; premium file shares (FileStorage): Azure Files only; premium page blobs (general-purpose with a Premium SKU): page blobs only; legacy BlobStorage: block and append blobs)";

/** The services an account of this kind and SKU offers (kind defaults to StorageV2, SKU to Standard). */
export function servicesOf(account: RecordedResource): ReadonlySet<StorageService> {
  const kind = lc(account.inputs.kind ?? "StorageV2");
  const premium = lc(account.inputs.sku?.name).startsWith("premium");
  switch (kind) {
    case "filestorage":
      return new Set(["file"]);
    case "blockblobstorage":
    case "blobstorage":
      return new Set(["blob", "blockBlob"]);
    default:
      // StorageV2 and Storage (v1): everything on Standard; page blobs only on a Premium SKU.
      return premium ? new Set(["blob"]) : new Set(["blob", "blockBlob", "file", "queue", "table"]);
  }
}

interface AccountCache {
  count: number;
  byName: Map<string, RecordedResource>;
}
const caches = new WeakMap<object, AccountCache>();

/** The created storage account with this name (lowercase lookup, kept in step with the index). */
export function accountNamed(state: AzureState, name: string): RecordedResource | undefined {
  const idx = indexOf(state);
  const list = idx.byType.get(T.account) ?? [];
  let cache = caches.get(idx);
  if (!cache || cache.count > list.length) {
    cache = { count: 0, byName: new Map() };
    caches.set(idx, cache);
  }
  for (; cache.count < list.length; cache.count++) {
    const a = list[cache.count];
    cache.byName.set(lc(a.outputs.name ?? a.inputs.accountName), a);
  }
  return cache.byName.get(lc(name));
}

/** The account a child or blob names (`accountName`), if it is a string. */
export function accountNameOf(p: PendingResource): string | undefined {
  return typeof p.inputs.accountName === "string" ? p.inputs.accountName : undefined;
}

/** True when the account is declared to exist outside the stack (`cmk-preview:existingStorageAccounts`). */
export function accountIsExternal(state: AzureState, name: string): boolean {
  return state.existingStorageAccounts?.has(lc(name)) ?? false;
}

/** The deployer of this run (the state's, else the default position with no known principal). */
export function deployerOf(state: AzureState): DeployerPosition {
  return state.deployer ?? { objectId: "(unknown)", ...DEFAULT_DEPLOYER };
}

const vnetOf = (subnetId: string): string => lc(subnetId).replace(/\/subnets\/[^/]+\/?$/, "");

/** True when `ip` is inside one of the firewall's rules (single addresses or CIDR ranges; IPv4, as Azure Storage). */
export function ipAllowed(ip: string, rules: readonly string[]): boolean {
  const list = new BlockList();
  for (const rule of rules) {
    const [address, prefix] = rule.split("/");
    try {
      if (prefix === undefined) list.addAddress(address, "ipv4");
      else list.addSubnet(address, Number(prefix), "ipv4");
    } catch {
      // A malformed rule matches nothing (ARM would have refused the account).
    }
  }
  try {
    return list.check(ip, "ipv4");
  } catch {
    return false;
  }
}

/**
 * The private endpoints (automatic, approved connections) to `account` for `groupId` whose subnet is in a virtual
 * network the deployer runs in: the deployer's private path to the data plane.
 */
export function privatePaths(
  state: AzureState,
  account: RecordedResource,
  groupId: string,
  deployer: DeployerPosition,
): RecordedResource[] {
  const vnets = new Set(deployer.subnetIds.map(vnetOf));
  const accountId = lc(account.id);
  return (indexOf(state).byType.get(T.privateEndpoint) ?? []).filter((pe) => {
    const subnet: unknown = pe.inputs.subnet?.id;
    const connections: { privateLinkServiceId?: unknown; groupIds?: unknown }[] = Array.isArray(
      pe.inputs.privateLinkServiceConnections,
    )
      ? pe.inputs.privateLinkServiceConnections
      : [];
    return (
      typeof subnet === "string" &&
      vnets.has(vnetOf(subnet)) &&
      connections.some(
        (c) =>
          lc(c.privateLinkServiceId) === accountId &&
          Array.isArray(c.groupIds) &&
          c.groupIds.map(lc).includes(groupId),
      )
    );
  });
}

/**
 * Why the deployer's request to the account's `groupId` data-plane endpoint is refused by its network settings, or
 * undefined when it gets through. Source: learn.microsoft.com storage/common/storage-network-security (default action,
 * IP rules of public addresses, virtual-network rules, trusted-services exceptions that do not cover a deployer;
 * public network access Disabled leaves private endpoints only). `SecuredByPerimeter` is not refused: inbound access
 * then follows the network security perimeter's access rules (learn.microsoft.com private-link/network-security-perimeter-
 * concepts), which the stack cannot see, so the preview cannot say the deployer is refused.
 */
export function networkDenial(
  state: AzureState,
  account: RecordedResource,
  groupId: string,
): string | undefined {
  const deployer = deployerOf(state);
  if (privatePaths(state, account, groupId, deployer).length > 0) return undefined;
  const pna = lc(account.inputs.publicNetworkAccess);
  const acl = account.inputs.networkRuleSet ?? {};
  const where =
    deployer.subnetIds.length === 0
      ? `from ${deployer.publicIp}, outside every virtual network`
      : `from ${deployer.publicIp} and the subnets ${deployer.subnetIds.join(", ")}`;
  if (pna === "securedbyperimeter") return undefined;
  if (pna === "disabled") {
    return `publicNetworkAccess is ${account.inputs.publicNetworkAccess}, and the deployer (${where}) has no private path: no private endpoint with groupIds ["${groupId}"] to the account in a virtual network it runs in`;
  }
  if (lc(acl.defaultAction) !== "deny") return undefined;
  const ipRules: string[] = (Array.isArray(acl.ipRules) ? acl.ipRules : [])
    .map((r: { iPAddressOrRange?: unknown }) => r.iPAddressOrRange)
    .filter((v: unknown): v is string => typeof v === "string");
  if (ipAllowed(deployer.publicIp, ipRules)) return undefined;
  const subnets = new Set(deployer.subnetIds.map(lc));
  const vnetRules: string[] = (
    Array.isArray(acl.virtualNetworkRules) ? acl.virtualNetworkRules : []
  ).map((r: { virtualNetworkResourceId?: unknown }) => lc(r.virtualNetworkResourceId));
  if (vnetRules.some((id) => subnets.has(id))) return undefined;
  return `the firewall denies by default (networkRuleSet.defaultAction Deny) and lets the deployer (${where}) through neither an IP rule (ipRules ${JSON.stringify(ipRules)}) nor a virtual-network rule; bypass ${JSON.stringify(acl.bypass ?? "AzureServices")} admits trusted Azure services, never the deploying machine`;
}
