/**
 * Private endpoints (`network.PrivateEndpoint`) as Azure Resource Manager checks them: the private-link group ids the
 * target resource type offers (and one per connection to a first-party resource), the `_secondary` storage groups only
 * on read-access geo-redundant accounts, and the subnet: it must exist and be in the endpoint's region. Which DNS zone
 * a zone group names is not checked here: ARM accepts any private DNS zone, a wrong one only breaks name resolution
 * (the `private-endpoint-dns-zone` policy reports it).
 */
import { T, type ArmRule, type AzureState, type PendingResource } from "../armTypes";
import { physicalName } from "../armState";
import { lc } from "../text";
import { type Connection, connectionsOf } from "./listEntries";

export { connectionsOf };

/** A value as text for a message (strings as they are, anything else as JSON). */
const txt = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
import { accountNamed } from "./storageAccounts";

const SOURCES = {
  groupIds:
    'learn.microsoft.com azure/private-link/private-endpoint-overview#private-link-resource (Microsoft.KeyVault/vaults: vault; Microsoft.KeyVault/managedHSMs: managedhsm; Microsoft.Storage/storageAccounts: blob, blob_secondary, dfs, dfs_secondary, file, queue, queue_secondary, table, table_secondary, web, web_secondary); Azure/azure-cli#16750 (InvalidValuesForRequestParameters "Call to Microsoft.Storage/storageAccounts failed. Error message: Values for request parameters are invalid: GroupId: TABLE_SECONDARY.": group ids are lowercase); the code for a vault or Managed HSM is unconfirmed',
  oneGroup:
    'hashicorp/terraform-provider-azurerm#5820 and DFE-Digital/terraform-azurerm-container-apps-hosting#352 (OnlyOneGroupIdPermitted, HTTP 400: "Only one group Id is permitted when connecting to a first-party resource")',
  secondary:
    "learn.microsoft.com azure/storage/common/storage-private-endpoints (a private endpoint for the secondary endpoint needs a read-access geo-redundant account, RA-GRS or RA-GZRS); the error code ARM returns is unconfirmed (InvalidValuesForRequestParameters assumed, as for an unknown group id)",
  subnet:
    'learn.microsoft.com azure/private-link/private-endpoint-overview ("The private endpoint must be deployed in the same region and subscription as the virtual network"); Azure/azure-cli#13614 and microsoft-foundry/foundry-samples#657 (InvalidResourceReference: "Resource <subnet> referenced by resource <private endpoint> was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.")',
} as const;

/** The private-link group ids of each target resource type (ARM provider/type, lowercase). */
export const GROUP_IDS: Readonly<Record<string, readonly string[]>> = {
  "microsoft.keyvault/vaults": ["vault"],
  "microsoft.keyvault/managedhsms": ["managedhsm"],
  "microsoft.storage/storageaccounts": [
    "blob",
    "blob_secondary",
    "dfs",
    "dfs_secondary",
    "file",
    "queue",
    "queue_secondary",
    "table",
    "table_secondary",
    "web",
    "web_secondary",
  ],
};

/** Read-access geo-redundant SKUs: the only accounts with a readable secondary endpoint. */
const READ_ACCESS_SKUS = new Set(["standard_ragrs", "standard_ragzrs"]);

/** `{ provider/type, name }` of an ARM resource id (`…/providers/<ns>/<type>/<name>`), lowercase type. */
export function targetOf(id: unknown): { type: string; name: string } | undefined {
  const m = /\/providers\/([^/]+)\/([^/]+)\/([^/]+)\/?$/i.exec(typeof id === "string" ? id : "");
  return m ? { type: `${m[1]}/${m[2]}`.toLowerCase(), name: m[3] } : undefined;
}

const groupsOf = (c: Connection): unknown[] => (Array.isArray(c.groupIds) ? c.groupIds : []);

const endpointName = (p: PendingResource): string =>
  String(p.inputs.privateEndpointName ?? physicalName(p.type, p.name, p.inputs));

/** Why the endpoint's subnet is unknown or in another region, or undefined (also when the subnets are not known). */
function subnetProblem(p: PendingResource, s: AzureState): string | undefined {
  const subnet: unknown = p.inputs.subnet?.id;
  if (!s.existingSubnets || typeof subnet !== "string") return undefined;
  const region = s.existingSubnets.get(lc(subnet));
  const location = lc(p.inputs.location).replace(/\s+/g, "");
  if (region !== undefined && (location === "" || region === location)) return undefined;
  const why =
    region === undefined
      ? "the subnet does not exist (it is neither created by the stack nor one of the subnets known to exist)"
      : `the subnet's virtual network is in ${region}, the endpoint in ${p.inputs.location}`;
  return `Resource ${subnet} referenced by resource privateEndpoints/${endpointName(p)} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region: ${why}. Fix: ${region === undefined ? "use the id of an existing subnet" : `set location to ${region} (the virtual network's region) or use a subnet in ${p.inputs.location}`}.`;
}

export const PRIVATE_ENDPOINT_RULES: readonly ArmRule[] = [
  {
    id: "private-endpoint-group-id",
    code: "InvalidValuesForRequestParameters",
    types: [T.privateEndpoint],
    title:
      "Private endpoint group id the target resource type does not offer (vault: vault; Managed HSM: managedhsm; storage: blob, dfs, file, queue, table, web and their _secondary variants, lowercase)",
    source: SOURCES.groupIds,
    check(p) {
      for (const c of connectionsOf(p)) {
        const target = targetOf(c.privateLinkServiceId);
        const valid = target ? GROUP_IDS[target.type] : undefined;
        if (!target || !valid) continue;
        const bad = groupsOf(c).find((g) => typeof g !== "string" || !valid.includes(g));
        if (bad === undefined) continue;
        const provider = target.type.split("/")[0].replace(/^microsoft/, "Microsoft");
        return `Call to ${provider}/${target.type.split("/")[1]} failed. Error message: Values for request parameters are invalid: GroupId: ${txt(bad)}. Fix: set groupIds to one of ${valid.join(", ")} (the private-link sub-resources of ${target.type}, lowercase).`;
      }
      return undefined;
    },
  },
  {
    id: "private-endpoint-one-group-id",
    code: "OnlyOneGroupIdPermitted",
    types: [T.privateEndpoint],
    title:
      "Private link service connection to a vault, Managed HSM or storage account with more than one group id",
    source: SOURCES.oneGroup,
    check(p) {
      for (const c of connectionsOf(p)) {
        const target = targetOf(c.privateLinkServiceId);
        const groups = groupsOf(c);
        if (!target || !GROUP_IDS[target.type] || groups.length <= 1) continue;
        return `Private link service connection ${txt(c.name ?? "")} has the following group Ids: ${groups.join(", ")}. Only one group Id is permitted when connecting to a first-party resource (${String(c.privateLinkServiceId)}). Fix: create one private endpoint per group id.`;
      }
      return undefined;
    },
  },
  {
    id: "private-endpoint-secondary-sku",
    code: "InvalidValuesForRequestParameters",
    types: [T.privateEndpoint],
    title:
      "Private endpoint for a _secondary storage group to an account of the stack that is not read-access geo-redundant (Standard_RAGRS, Standard_RAGZRS)",
    source: SOURCES.secondary,
    check(p, s) {
      for (const c of connectionsOf(p)) {
        const target = targetOf(c.privateLinkServiceId);
        if (target?.type !== "microsoft.storage/storageaccounts") continue;
        const secondary = groupsOf(c).find(
          (g) => typeof g === "string" && g.endsWith("_secondary"),
        );
        const account = accountNamed(s, target.name);
        const sku = lc(account?.inputs.sku?.name);
        if (secondary === undefined || !account || READ_ACCESS_SKUS.has(sku)) continue;
        return `Values for request parameters are invalid: GroupId: ${txt(secondary)}. Account '${target.name}' has sku ${account.inputs.sku?.name ?? "(none)"}, which has no readable secondary endpoint. Fix: make the account Standard_RAGRS or Standard_RAGZRS, or connect to the primary group ${txt(secondary).replace(/_secondary$/, "")}.`;
      }
      return undefined;
    },
  },
  {
    id: "private-endpoint-subnet",
    code: "InvalidResourceReference",
    types: [T.privateEndpoint],
    title:
      "Private endpoint in a subnet that does not exist, or in a region other than its virtual network's (checked when the stack declares the subnets outside it)",
    source: SOURCES.subnet,
    check: subnetProblem,
  },
];
