/**
 * What the guardrail policies (reachability, private DNS, audit logs, locks, blob data protection) need to know about a
 * stack: which private endpoints, diagnostic settings, locks and blob service properties belong to which vault or
 * storage account. Stack policies see OUTPUTS plus the dependency graph, so every relation is resolved first through
 * `propertyDependencies` (the input that carries the other resource's id), then by ARM id: an extension resource's id
 * starts with the id of the resource it extends (`<account id>/blobServices/default/providers/Microsoft.Insights/
 * diagnosticSettings/<name>`, `<vault id>/providers/Microsoft.Authorization/locks/<name>`). Nothing here catches
 * `UnknownValueError`: a value unknown during preview makes the policy report that it cannot run.
 */
import { type PolicyResource } from "@pulumi/policy";
import { TYPES } from "./constants";
import { dependsVia } from "./graph";
import { arr, lower, normaliseId, obj, str } from "./text";

/** Pulumi type tokens of the guardrail resources. */
export const GUARDRAIL_TYPES = {
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  privateDnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  blobServiceProperties: "azure-native:storage:BlobServiceProperties",
  locks: [
    "azure-native:authorization:ManagementLockByScope",
    "azure-native:authorization:ManagementLockAtResourceGroupLevel",
    "azure-native:authorization:ManagementLockAtResourceLevel",
    "azure-native:authorization:ManagementLockAtSubscriptionLevel",
  ],
} as const;

export const GUARDRAIL_URLS = {
  storageNetwork: "https://learn.microsoft.com/azure/storage/common/storage-network-security",
  privateDns: "https://learn.microsoft.com/azure/private-link/private-endpoint-dns",
  kvLogging: "https://learn.microsoft.com/azure/key-vault/general/logging",
  storageMonitoring: "https://learn.microsoft.com/azure/storage/blobs/monitor-blob-storage",
  locks: "https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources",
  blobSoftDelete: "https://learn.microsoft.com/azure/storage/blobs/soft-delete-blob-overview",
  containerSoftDelete:
    "https://learn.microsoft.com/azure/storage/blobs/soft-delete-container-overview",
  versioning: "https://learn.microsoft.com/azure/storage/blobs/versioning-overview",
} as const;

/** The private DNS zone names of a private-link group id (public cloud, US Government, China). */
export function dnsZonesFor(groupId: string): string[] {
  if (groupId === "vault") {
    return [
      "privatelink.vaultcore.azure.net",
      "privatelink.vaultcore.usgovcloudapi.net",
      "privatelink.vaultcore.azure.cn",
    ];
  }
  if (groupId === "managedhsm") {
    return [
      "privatelink.managedhsm.azure.net",
      "privatelink.managedhsm.usgovcloudapi.net",
      "privatelink.managedhsm.azure.cn",
    ];
  }
  const service = groupId.replace(/_secondary$/, "");
  return ["core.windows.net", "core.usgovcloudapi.net", "core.chinacloudapi.cn"].map(
    (s) => `privatelink.${service}.${s}`,
  );
}

/** Every private-link connection of an endpoint (automatic and manual). */
export function connectionsOf(pe: PolicyResource): Record<string, unknown>[] {
  return [
    ...arr(pe.props?.["privateLinkServiceConnections"]),
    ...arr(pe.props?.["manualPrivateLinkServiceConnections"]),
  ]
    .map(obj)
    .filter((c): c is Record<string, unknown> => c !== undefined);
}

/** Group ids an endpoint connects to, lowercase. */
export function groupIdsOf(pe: PolicyResource): string[] {
  return connectionsOf(pe).flatMap((c) =>
    arr(c["groupIds"])
      .map(lower)
      .filter((g): g is string => g !== undefined),
  );
}

const idOf = (r: PolicyResource): string | undefined => normaliseId(r.props?.["id"]);

/** True when `id` is `target`'s id or below it. */
function under(id: string | undefined, target: PolicyResource): boolean {
  const t = idOf(target);
  return id !== undefined && t !== undefined && (id === t || id.startsWith(`${t}/`));
}

/** The last two segments of a vault or account id (`vaults/<name>`), for matching when outputs carry no id. */
const TAIL = /\/providers\/microsoft\.(?:keyvault\/vaults|storage\/storageaccounts)\/([^/]+)$/;

/** True when ARM id `id` is `target` (by id when its outputs carry one, else by its type and name). */
export function refersTo(id: string, target: PolicyResource): boolean {
  const t = idOf(target);
  if (t !== undefined) return id === t;
  const name = TAIL.exec(id)?.[1];
  const kind = target.type === TYPES.vault ? "/vaults/" : "/storageaccounts/";
  return name !== undefined && id.includes(kind) && name === lower(target.props?.["name"]);
}

/** The resource a diagnostic setting monitors, as an ARM id (its `resourceUri`, else its own id without the suffix). */
export function monitoredId(setting: PolicyResource): string | undefined {
  const uri = normaliseId(setting.props?.["resourceUri"]);
  if (uri !== undefined) return uri;
  return idOf(setting)?.replace(/\/providers\/microsoft\.insights\/diagnosticsettings\/[^/]+$/, "");
}

const LOCK_SUFFIX = /\/providers\/microsoft\.authorization\/locks\/[^/]+$/;

/**
 * The scope a lock applies to, as an ARM id: `scope`, else its id without `/providers/Microsoft.Authorization/locks/
 * <name>`, else derived from its properties and the subscription of its id (subscription `/subscriptions/<sub>`,
 * resource group `…/resourceGroups/<rg>`, resource `…/providers/<namespace>/[<parentResourcePath>/]<resourceType>/
 * <resourceName>`); undefined when unknown. A copy of preview/lockScope.ts `lockScope` (the policy pack installs on its
 * own and cannot import preview/): keep the two the same.
 */
export function lockScope(lock: PolicyResource): string | undefined {
  const scope = normaliseId(lock.props?.["scope"]);
  if (scope !== undefined) return scope;
  const id = idOf(lock);
  if (id !== undefined && id.startsWith("/subscriptions/") && LOCK_SUFFIX.test(id)) {
    return id.replace(LOCK_SUFFIX, "");
  }
  const sub = /^\/subscriptions\/([^/]+)/.exec(id ?? "")?.[1];
  if (sub === undefined) return undefined;
  const seg = (k: string): string | undefined =>
    lower(lock.props?.[k])?.replace(/^\/+|\/+$/g, "") || undefined;
  if (lock.type === "azure-native:authorization:ManagementLockAtSubscriptionLevel") {
    return `/subscriptions/${sub}`;
  }
  const rg = seg("resourceGroupName");
  if (rg === undefined) return undefined;
  if (lock.type === "azure-native:authorization:ManagementLockAtResourceGroupLevel") {
    return `/subscriptions/${sub}/resourcegroups/${rg}`;
  }
  const [ns, rt, name, parent] = [
    seg("resourceProviderNamespace"),
    seg("resourceType"),
    seg("resourceName"),
    seg("parentResourcePath"),
  ];
  if (lock.type !== "azure-native:authorization:ManagementLockAtResourceLevel") return undefined;
  if (ns === undefined || rt === undefined || name === undefined) return undefined;
  return `/subscriptions/${sub}/resourcegroups/${rg}/providers/${ns}/${parent ? `${parent}/` : ""}${rt}/${name}`;
}

/** The stack's guardrail resources, grouped by the vault or storage account they belong to. */
export class GuardrailIndex {
  readonly vaults: PolicyResource[] = [];
  readonly accounts: PolicyResource[] = [];
  readonly endpoints: PolicyResource[] = [];
  readonly zoneGroups: PolicyResource[] = [];
  readonly settings: PolicyResource[] = [];
  readonly locks: PolicyResource[] = [];
  readonly blobServices: PolicyResource[] = [];

  constructor(resources: readonly PolicyResource[]) {
    for (const r of resources) {
      if (r.type === TYPES.vault) this.vaults.push(r);
      else if (r.type === TYPES.storageAccount) this.accounts.push(r);
      else if (r.type === GUARDRAIL_TYPES.privateEndpoint) this.endpoints.push(r);
      else if (r.type === GUARDRAIL_TYPES.privateDnsZoneGroup) this.zoneGroups.push(r);
      else if (r.type === GUARDRAIL_TYPES.diagnosticSetting) this.settings.push(r);
      else if (r.type === GUARDRAIL_TYPES.blobServiceProperties) this.blobServices.push(r);
      else if ((GUARDRAIL_TYPES.locks as readonly string[]).includes(r.type)) this.locks.push(r);
    }
  }

  /** Private endpoints connected to `target` (through the graph, else by the connection's target id). */
  endpointsTo(target: PolicyResource): PolicyResource[] {
    return this.endpoints.filter((pe) => {
      const deps = [
        ...dependsVia(pe, "privateLinkServiceConnections"),
        ...dependsVia(pe, "manualPrivateLinkServiceConnections"),
      ];
      if (deps.length > 0) return deps.some((d) => d.urn === target.urn);
      return connectionsOf(pe).some(
        (c) =>
          normaliseId(c["privateLinkServiceId"]) === idOf(target) && idOf(target) !== undefined,
      );
    });
  }

  /**
   * Diagnostic settings whose monitored resource is `target` itself, or `target` + `suffix` (e.g.
   * `/blobservices/default`): the `resourceUri` dependency names the resource, the URI's tail the sub-resource.
   */
  settingsOn(target: PolicyResource, suffix = ""): PolicyResource[] {
    return this.settings.filter((s) => {
      const id = monitoredId(s);
      const deps = dependsVia(s, "resourceUri");
      if (deps.length > 0) {
        if (!deps.some((d) => d.urn === target.urn)) return false;
        if (id === undefined) return suffix === "";
        return suffix === ""
          ? !/\/(blob|file|queue|table)services\//.test(id)
          : id.endsWith(suffix);
      }
      return (
        id !== undefined &&
        refersTo(suffix === "" ? id : id.slice(0, -suffix.length), target) &&
        (suffix === "" || id.endsWith(suffix))
      );
    });
  }

  /** Locks that cover `target`: on it, or on a scope above it (its resource group or subscription). */
  locksOn(target: PolicyResource): PolicyResource[] {
    return this.locks.filter((l) => {
      const viaGraph = dependsVia(l, "scope");
      if (viaGraph.some((d) => d.urn === target.urn)) return true;
      const scope = lockScope(l);
      const t = idOf(target);
      if (scope !== undefined && t !== undefined) return t === scope || t.startsWith(`${scope}/`);
      if (scope !== undefined && refersTo(scope, target)) return true;
      // A resource-group lock names its group.
      const rg = lower(l.props?.["resourceGroupName"]);
      return (
        l.type === GUARDRAIL_TYPES.locks[1] &&
        rg !== undefined &&
        /\/resourcegroups\/([^/]+)\//.exec(t ?? "")?.[1] === rg
      );
    });
  }

  /** The blob service properties of `account` (through `accountName`, else by id or name). */
  blobServicesOf(account: PolicyResource): PolicyResource[] {
    return this.blobServices.filter((b) => {
      const deps = dependsVia(b, "accountName");
      if (deps.length > 0) return deps.some((d) => d.urn === account.urn);
      if (under(idOf(b), account)) return true;
      const name = lower(b.props?.["accountName"]);
      return name !== undefined && name === lower(account.props?.["name"]);
    });
  }

  /** The endpoint a DNS zone group belongs to (its dependency, else by `privateEndpointName`). */
  endpointOf(zoneGroup: PolicyResource): PolicyResource | undefined {
    const deps = [
      ...dependsVia(zoneGroup, "privateEndpointName"),
      ...(zoneGroup.dependencies ?? []),
    ].filter((d) => d.type === GUARDRAIL_TYPES.privateEndpoint);
    if (deps.length > 0) return deps[0];
    const name = lower(zoneGroup.props?.["privateEndpointName"]);
    return this.endpoints.find(
      (pe) =>
        name !== undefined &&
        (lower(pe.props?.["privateEndpointName"]) ?? lower(pe.props?.["name"])) === name,
    );
  }
}

/** A resource's physical name for messages (its `name` output, else the logical name). */
export function nameOf(r: PolicyResource): string {
  return str(r.props?.["name"]) ?? r.name;
}

/** Log categories a setting sends (enabled entries; a category group counts as its name), lowercase. */
export function logCategories(setting: PolicyResource): string[] {
  return arr(setting.props?.["logs"])
    .map(obj)
    .filter((e) => e !== undefined && e["enabled"] !== false)
    .map((e) => lower(e?.["category"]) ?? lower(e?.["categoryGroup"]))
    .filter((c): c is string => c !== undefined);
}

/** True when a setting has a destination (workspace, storage account, event hub or partner). */
export function hasDestination(setting: PolicyResource): boolean {
  return [
    "workspaceId",
    "storageAccountId",
    "eventHubAuthorizationRuleId",
    "marketplacePartnerId",
  ].some((k) => str(setting.props?.[k]) !== undefined);
}
