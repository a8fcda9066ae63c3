import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as network from "@pulumi/azure-native/network";
import { regionProblem } from "./azureRegions";
import { enumValues, StorageService, type StorageSku } from "./enums";
import {
  type ArgumentProblems,
  checkArray,
  checkEnum,
  checkString,
  type InputChecker,
  isKnown,
  show,
  subnetIdProblem,
} from "./validation";

/**
 * A private endpoint for a SecureVault (private-link group id `vault`), in the shape of Azure Verified Modules'
 * `privateEndpoints` (`privateEndpointSingleServiceType`), flattened: one DNS zone id instead of a zone-group object.
 */
export interface VaultPrivateEndpoint {
  /**
   * ARM id of the subnet that gets the endpoint's network interface
   * (`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>`).
   * Azure creates an endpoint only in the subscription and region of its virtual network, so the subnet must be in
   * the subscription the component deploys to. Required.
   */
  subnetResourceId: pulumi.Input<string>;
  /**
   * ARM id of the private DNS zone `privatelink.vaultcore.azure.net` (in hub-and-spoke networks, the central
   * connectivity subscription's zone, linked to the virtual networks that resolve it). The endpoint gets a DNS zone
   * group "default" on it, so the vault's name resolves to the endpoint's private address. Default: none (no zone
   * group; the DNS record is then created elsewhere, e.g. by an Azure Landing Zones DeployIfNotExists policy).
   */
  privateDnsZoneResourceId?: pulumi.Input<string>;
  /** Region of the endpoint, which must be the virtual network's region. Default: the vault's location. */
  location?: string;
  /**
   * Azure name of the endpoint (2-64 letters, digits, underscores, periods and hyphens; starts with a letter or digit;
   * ends with a letter, digit or underscore). Default: `pep-<vault name>-vault`.
   */
  name?: string;
  /**
   * Name of the endpoint's network interface (1-80 characters of the same kind). Default: Azure's
   * (`<endpoint name>.nic.<guid>`).
   */
  customNetworkInterfaceName?: string;
}

/**
 * A private endpoint for one storage service of a CmkStorageAccount, in the shape of Azure Verified Modules'
 * `privateEndpoints` (`privateEndpointMultiServiceType`), flattened: one DNS zone id instead of a zone-group object.
 */
export interface StoragePrivateEndpoint {
  /**
   * Storage service (private-link group id) the endpoint connects to: blob, dfs, file, queue, table or web; the
   * `_secondary` variants need a read-access geo-redundant SKU (Standard_RAGRS, Standard_RAGZRS). Each service at most
   * once per account. Required.
   */
  service: StorageService;
  /**
   * ARM id of the subnet that gets the endpoint's network interface
   * (`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>`).
   * Azure creates an endpoint only in the subscription and region of its virtual network, so the subnet must be in
   * the subscription the component deploys to. Required.
   */
  subnetResourceId: pulumi.Input<string>;
  /**
   * ARM id of the service's private DNS zone, `privatelink.<service>.core.windows.net` (secondaries use the primary's
   * zone), usually owned by a central connectivity subscription. The endpoint gets a DNS zone group "default" on it.
   * Default: none (no zone group; the DNS record is then created elsewhere, e.g. by an Azure Landing Zones
   * DeployIfNotExists policy).
   */
  privateDnsZoneResourceId?: pulumi.Input<string>;
  /** Region of the endpoint, which must be the virtual network's region. Default: the account's location. */
  location?: string;
  /**
   * Azure name of the endpoint (2-64 letters, digits, underscores, periods and hyphens; starts with a letter or digit;
   * ends with a letter, digit or underscore). Default: `pep-<account name>-<service>`.
   */
  name?: string;
  /**
   * Name of the endpoint's network interface (1-80 characters of the same kind). Default: Azure's
   * (`<endpoint name>.nic.<guid>`).
   */
  customNetworkInterfaceName?: string;
}

/** Which resource an endpoint connects to: a vault (group `vault`) or a storage account (a StorageService). */
export type PrivateEndpointTarget = "vault" | "storage";

/**
 * DNS zone name suffixes per cloud (public, US Government, China), by target. Source: learn.microsoft.com
 * azure/private-link/private-endpoint-dns ("Azure Private Endpoint private DNS zone values": Key Vault `vault` →
 * privatelink.vaultcore.azure.net; storage `blob`/`blob_secondary` → privatelink.blob.core.windows.net, and so on for
 * dfs, file, queue, table and web).
 */
const ZONE_SUFFIXES: Record<PrivateEndpointTarget, readonly string[]> = {
  vault: ["vaultcore.azure.net", "vaultcore.usgovcloudapi.net", "vaultcore.azure.cn"],
  storage: ["core.windows.net", "core.usgovcloudapi.net", "core.chinacloudapi.cn"],
};

/** The private DNS zone names that fit a group id, e.g. `blob_secondary` → privatelink.blob.core.windows.net, …. */
export function privateDnsZoneNames(target: PrivateEndpointTarget, groupId: string): string[] {
  if (target === "vault") return ZONE_SUFFIXES.vault.map((s) => `privatelink.${s}`);
  const service = groupId.replace(/_secondary$/, "");
  return ZONE_SUFFIXES.storage.map((s) => `privatelink.${service}.${s}`);
}

const DNS_ZONE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)$/i;

/** Why `value` is not the ARM id of the private DNS zone for `groupId`, or undefined. */
export function privateDnsZoneIdProblem(
  value: unknown,
  target: PrivateEndpointTarget,
  groupId: string,
): string | undefined {
  const zones = privateDnsZoneNames(target, groupId);
  const m = typeof value === "string" ? DNS_ZONE_ID.exec(value) : null;
  if (!m) {
    return `must be a private DNS zone resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/${zones[0]}), got ${show(value)}`;
  }
  if (!zones.includes(m[3].toLowerCase())) {
    return `must be the zone of the "${groupId}" group, ${zones.join(" or ")} (learn.microsoft.com private-endpoint-dns), but names zone "${m[3]}"; got ${show(value)}`;
  }
  return undefined;
}

/** The subscription of a subnet ARM id (validated elsewhere), lowercased. */
function subnetSubscription(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)\//i.exec(id)?.[1]?.toLowerCase();
}

/** Microsoft.Network naming rules (learn.microsoft.com resource-name-rules): privateEndpoints 2-64, NICs 1-80. */
const ENDPOINT_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_])$/;
const NIC_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/;

/** Read-access geo-redundant SKUs, the only ones with a readable secondary (and so `_secondary` endpoints). */
const READ_ACCESS_SKUS: readonly StorageSku[] = ["Standard_RAGRS", "Standard_RAGZRS"];

/**
 * Validates `privateEndpoints` (as an untyped caller may send it): a list of objects, each with a subnet id, an
 * optional DNS zone id of the group's zone, region, names; for storage a service each at most once (secondaries only
 * on read-access geo-redundant SKUs); for a vault at most one endpoint (its only group is `vault`).
 */
export function checkPrivateEndpoints(
  problems: ArgumentProblems,
  value: unknown,
  target: PrivateEndpointTarget,
  skuName?: unknown,
): void {
  const path = "privateEndpoints";
  const list = checkArray(problems, path, value);
  if (target === "vault" && list.length > 1) {
    problems.add(
      path,
      `may hold at most one endpoint (a vault has one private-link group, "vault"; reach it from other networks through peering to that endpoint's network), got ${list.length}`,
    );
  }
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    const at = `${path}[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.add(
        at,
        `must be an object with subnetResourceId${target === "storage" ? ", service" : ""} and optionally privateDnsZoneResourceId, location, name, customNetworkInterfaceName, got ${show(entry)}`,
      );
      return;
    }
    const e = entry as Partial<StoragePrivateEndpoint>;
    let group = "vault";
    if (target === "storage") {
      if (e.service === undefined || e.service === null) {
        problems.add(
          `${at}.service`,
          `is required (one of ${enumValues(StorageService).join(", ")}), got ${show(e.service)}`,
        );
        return;
      }
      if (!isKnown(e.service)) {
        problems.add(
          `${at}.service`,
          "must be a plain value, not an output: it names the endpoint and picks its DNS zone",
        );
        return;
      }
      checkEnum(problems, `${at}.service`, e.service, enumValues(StorageService));
      if (!(enumValues(StorageService) as readonly unknown[]).includes(e.service)) return;
      group = e.service;
      if (seen.has(group)) {
        problems.add(
          `${at}.service`,
          `is listed twice ("${group}"); an account gets one endpoint per service (reach it from other networks through peering)`,
        );
      }
      seen.add(group);
      if (group.endsWith("_secondary")) {
        const sku = skuName ?? "Standard_ZRS";
        if (typeof sku === "string" && !(READ_ACCESS_SKUS as readonly string[]).includes(sku)) {
          problems.add(
            `${at}.service`,
            `"${group}" needs a read-access geo-redundant account (skuName ${READ_ACCESS_SKUS.join(" or ")}: only those have a readable secondary endpoint), but skuName is ${show(sku)}`,
          );
        }
      }
    }
    if (checkString(problems, `${at}.subnetResourceId`, e.subnetResourceId, true)) {
      const p = subnetIdProblem(e.subnetResourceId);
      if (p) problems.add(`${at}.subnetResourceId`, p);
    }
    if (checkString(problems, `${at}.privateDnsZoneResourceId`, e.privateDnsZoneResourceId)) {
      const p = privateDnsZoneIdProblem(e.privateDnsZoneResourceId, target, group);
      if (p) problems.add(`${at}.privateDnsZoneResourceId`, p);
    }
    if (checkString(problems, `${at}.location`, e.location)) {
      const p = regionProblem(e.location);
      if (p) problems.add(`${at}.location`, p);
    }
    if (checkString(problems, `${at}.name`, e.name) && !ENDPOINT_NAME.test(e.name)) {
      problems.add(
        `${at}.name`,
        `must be 2-64 letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore (Microsoft.Network naming rules), got ${show(e.name)}`,
      );
    }
    if (
      checkString(problems, `${at}.customNetworkInterfaceName`, e.customNetworkInterfaceName) &&
      !NIC_NAME.test(e.customNetworkInterfaceName)
    ) {
      problems.add(
        `${at}.customNetworkInterfaceName`,
        `must be 1-80 letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore (Microsoft.Network naming rules), got ${show(e.customNetworkInterfaceName)}`,
      );
    }
  });
}

/** One endpoint the component created, with its DNS zone group when a zone was given. */
export interface CreatedPrivateEndpoint {
  groupId: string;
  endpoint: network.PrivateEndpoint;
  zoneGroup?: network.PrivateDnsZoneGroup;
}

/** What the endpoints connect to and where they go. */
export interface PrivateEndpointPlacement {
  /** `SecureVault "platform"`: for messages. */
  component: string;
  /** Component name: the base of the children's logical names. */
  name: string;
  target: PrivateEndpointTarget;
  /** ARM id of the vault or account. */
  targetId: pulumi.Input<string>;
  /** Name of the vault or account, the base of the endpoints' default names. */
  targetName: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  tags: Record<string, pulumi.Input<string>>;
  checked: InputChecker;
}

/**
 * Creates one `network.PrivateEndpoint` per entry (`<name>-pe-<group>`: named by the group id, so reordering changes
 * nothing) and, with a zone id, its `network.PrivateDnsZoneGroup` "default" (`<name>-pe-<group>-dns`). Subnet and zone
 * ids that are outputs are checked when they resolve; the subnet must be in the provider's subscription (Azure:
 * "The private endpoint must be deployed in the same region and subscription as the virtual network",
 * learn.microsoft.com azure/private-link/private-endpoint-overview).
 */
export function createPrivateEndpoints(
  entries: readonly (VaultPrivateEndpoint | StoragePrivateEndpoint)[],
  p: PrivateEndpointPlacement,
  parent: pulumi.Resource,
): CreatedPrivateEndpoint[] {
  if (entries.length === 0) return [];
  const providerSubscription = authorization.getClientConfigOutput({ parent }).subscriptionId;
  return entries.map((e, i) => {
    const groupId = p.target === "vault" ? "vault" : (e as StoragePrivateEndpoint).service;
    const at = `privateEndpoints[${i}]`;
    const subnet = pulumi
      .all([
        p.checked(`${at}.subnetResourceId`, e.subnetResourceId, subnetIdProblem),
        providerSubscription,
      ])
      .apply(([id, providerSub]) => {
        const subnetSub = subnetSubscription(id);
        if (subnetSub !== undefined && subnetSub !== providerSub.toLowerCase()) {
          throw new Error(
            `Invalid arguments for ${p.component}:\n  - ${at}.subnetResourceId: is in subscription ${subnetSub}, but the Azure provider deploys to subscription ${providerSub}; a private endpoint must be in its virtual network's subscription (learn.microsoft.com private-endpoint-overview). Use a subnet of that subscription, or deploy the component with a provider for subscription ${subnetSub}`,
          );
        }
        return id;
      });
    // Named like Azure Verified Modules' endpoints (pep-<resource>-<service>), so the zone group can name it too.
    const endpointName = e.name ?? pulumi.interpolate`pep-${p.targetName}-${groupId}`;
    const endpoint = new network.PrivateEndpoint(
      `${p.name}-pe-${groupId}`,
      {
        privateEndpointName: endpointName,
        resourceGroupName: p.resourceGroupName,
        location: e.location ?? p.location,
        subnet: { id: subnet },
        privateLinkServiceConnections: [
          { name: groupId, privateLinkServiceId: p.targetId, groupIds: [groupId] },
        ],
        ...(e.customNetworkInterfaceName !== undefined
          ? { customNetworkInterfaceName: e.customNetworkInterfaceName }
          : {}),
        tags: p.tags,
      },
      // An endpoint keeps its name when it is replaced (e.g. another subnet), so the old one goes first.
      { parent, deleteBeforeReplace: true },
    );
    if (e.privateDnsZoneResourceId === undefined) return { groupId, endpoint };
    const zoneGroup = new network.PrivateDnsZoneGroup(
      `${p.name}-pe-${groupId}-dns`,
      {
        resourceGroupName: p.resourceGroupName,
        privateEndpointName: endpointName,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: [
          {
            name: groupId,
            privateDnsZoneId: p.checked(
              `${at}.privateDnsZoneResourceId`,
              e.privateDnsZoneResourceId,
              (v) => privateDnsZoneIdProblem(v, p.target, groupId),
            ),
          },
        ],
      },
      { parent, dependsOn: [endpoint] },
    );
    return { groupId, endpoint, zoneGroup };
  });
}
