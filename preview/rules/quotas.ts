/**
 * Quotas and limits a platform of this shape reaches, counted over one or more stacks' recorded resources (a pure
 * function: the single-stack preview passes its own stack, the fleet preview every stack, so that stacks sharing a
 * subscription are counted together). Each finding names the limit, the count, the source and the way out.
 *
 * The counts are what the stacks create; resources that exist outside them (other teams' accounts in the same
 * subscription, role assignments made by hand) count against the same limits, so a count close to a limit is a
 * warning (at `WARN_AT` of it) and a count over it an error.
 */
import type { RecordedResource } from "../recorder";
import { physicalName } from "../armState";
import { ArmError, T } from "../armTypes";
import { normalisedLocation } from "../azureSpec";
import { lc } from "../text";
import { connectionsOf } from "./listEntries";

export type QuotaId =
  | "storage-accounts-per-region"
  | "storage-accounts-dns-zone-per-region"
  | "vault-access-policies"
  | "role-assignments-per-subscription"
  | "diagnostic-settings-per-resource"
  | "private-endpoints-per-vnet"
  | "private-endpoints-per-storage-account";

export interface QuotaLimit {
  id: QuotaId;
  /** What is counted, per what. */
  title: string;
  limit: number;
  /** Whether Azure raises this limit on request (a quota increase); only raisable limits may be declared in cmk-preview:quotas. */
  raisable: boolean;
  /** The highest limit Azure grants on request (raisable limits only). */
  maxGranted?: number;
  source: string;
  wayOut: string;
}

/** The limits, with their sources (docs/offline-preview.md, "Quotas"). */
export const QUOTA_LIMITS: Readonly<Record<QuotaId, QuotaLimit>> = {
  "storage-accounts-per-region": {
    id: "storage-accounts-per-region",
    title: "storage accounts with standard endpoints per region per subscription",
    limit: 250,
    raisable: true,
    maxGranted: 500,
    source:
      "learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#azure-storage-limits and learn.microsoft.com/azure/storage/common/scalability-targets-standard-account (250 per region per subscription by default, 500 with a quota increase; 5,000 with Azure DNS zone endpoints)",
    wayOut:
      "spread the teams over more subscriptions (one subscription per shard of at most 250 accounts per region), request a quota increase to 500 (Azure portal: Quotas > Storage; then declare it in the stack file as cmk-preview:quotas: { storage-accounts-per-region: 500 }), or create the accounts with dnsEndpointType AzureDnsZone (5,000 per region)",
  },
  "storage-accounts-dns-zone-per-region": {
    id: "storage-accounts-dns-zone-per-region",
    title: "storage accounts with Azure DNS zone endpoints per region per subscription",
    limit: 5000,
    raisable: false,
    source:
      "learn.microsoft.com/azure/storage/common/scalability-targets-standard-account (5,000 storage accounts with Azure DNS zone endpoints per region per subscription)",
    wayOut: "spread the teams over more subscriptions",
  },
  "vault-access-policies": {
    id: "vault-access-policies",
    title: "access-policy entries per key vault",
    limit: 1024,
    raisable: false,
    source:
      'Azure/azure-rest-api-specs keyvault.json 2024-11-01 VaultProperties.accessPolicies ("An array of 0 to 1024 identities"); learn.microsoft.com/azure/key-vault/general/assign-access-policy (1,024 access policy entries per vault)',
    wayOut:
      "switch the vault to Azure RBAC (cmk-storage:vaultPermissionModel: rbac; role assignments on the key scope) or grant groups instead of one entry per identity",
  },
  "role-assignments-per-subscription": {
    id: "role-assignments-per-subscription",
    title: "Azure role assignments per subscription",
    limit: 4000,
    raisable: false,
    source:
      "learn.microsoft.com/azure/role-based-access-control/troubleshoot-limits and azure-subscription-service-limits#azure-rbac-limits (4,000 role assignments per subscription)",
    wayOut:
      "assign roles to groups rather than to each identity, assign at a broader scope where that is acceptable, or spread the teams over more subscriptions",
  },
  "diagnostic-settings-per-resource": {
    id: "diagnostic-settings-per-resource",
    title: "diagnostic settings per resource",
    limit: 5,
    raisable: false,
    source:
      "learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings (at most five diagnostic settings per resource)",
    wayOut:
      "send the logs of one diagnostic setting to several destinations instead of adding settings",
  },
  "private-endpoints-per-vnet": {
    id: "private-endpoints-per-vnet",
    title: "private endpoints per virtual network",
    limit: 1000,
    raisable: false,
    source:
      "learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#private-link-limits (1,000 private endpoints per virtual network)",
    wayOut:
      "place the endpoints in more spoke virtual networks (cmk-storage:privateEndpointSubnetId per stack or shard)",
  },
  "private-endpoints-per-storage-account": {
    id: "private-endpoints-per-storage-account",
    title: "private endpoints per storage account",
    limit: 200,
    raisable: false,
    source:
      "learn.microsoft.com/azure/storage/common/scalability-targets-standard-account (200 private endpoints per storage account)",
    wayOut: "share endpoints: one per service and network is enough",
  },
};

/** A count is a warning from this share of its limit on (other resources in the same scope count too). */
export const WARN_AT = 0.8;

export interface QuotaStack {
  stack: string;
  resources: readonly RecordedResource[];
  /** The subscription the stack deploys to (`azure-native:subscriptionId`); else read from the resources' ids. */
  subscriptionId?: string;
}

export interface QuotaFinding {
  quota: QuotaId;
  severity: "error" | "warning";
  /** What the count is per: `subscription <id>, region <r>`, `vault <name>`, … */
  scope: string;
  count: number;
  limit: number;
  /** Stacks whose resources are counted. */
  stacks: string[];
  /** The first resource past the limit (errors), else the last counted one. */
  urn: string;
  type: string;
  name: string;
  /** Its name in Azure. */
  physicalName: string;
  message: string;
  source: string;
  wayOut: string;
}

export interface QuotaOptions {
  /** Limits granted by quota requests (e.g. storage-accounts-per-region: 500). */
  limits?: Partial<Record<QuotaId, number>>;
}

const SUBSCRIPTION = /\/subscriptions\/([^/]+)/i;
const VNET =
  /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\//i;

function subscriptionOf(r: RecordedResource, fallback: string | undefined): string {
  return lc(fallback ?? SUBSCRIPTION.exec(String(r.outputs?.id ?? r.id ?? ""))?.[1] ?? "unknown");
}

function physical(r: RecordedResource, input: string): string {
  return String(r.inputs[input] ?? r.outputs?.name ?? r.name);
}

/** Counts every quota over the given stacks; returns the findings (errors over the limit, warnings near it). */
export function countQuotas(
  stacks: readonly QuotaStack[],
  options: QuotaOptions = {},
): QuotaFinding[] {
  const groups = new Map<
    string,
    { quota: QuotaId; scope: string; items: { r: RecordedResource; stack: string; n: number }[] }
  >();
  const add = (quota: QuotaId, scope: string, r: RecordedResource, stack: string, n = 1): void => {
    const key = `${quota}|${lc(scope)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { quota, scope, items: [] }));
    g.items.push({ r, stack, n });
  };
  for (const { stack, resources, subscriptionId } of stacks) {
    for (const r of resources) {
      if (!r.custom) continue;
      const sub = subscriptionOf(r, subscriptionId);
      switch (r.type) {
        case T.account: {
          const region = normalisedLocation(String(r.inputs.location ?? "unknown"));
          const dnsZone = lc(r.inputs.dnsEndpointType) === "azurednszone";
          add(
            dnsZone ? "storage-accounts-dns-zone-per-region" : "storage-accounts-per-region",
            `subscription ${sub}, region ${region}`,
            r,
            stack,
          );
          break;
        }
        case T.vault: {
          const inline = Array.isArray(r.inputs.properties?.accessPolicies)
            ? r.inputs.properties.accessPolicies.length
            : 0;
          if (inline > 0) {
            add("vault-access-policies", `vault ${lc(physical(r, "vaultName"))}`, r, stack, inline);
          }
          break;
        }
        case T.accessPolicy: {
          const vault = lc(r.inputs.vaultName ?? "");
          if (vault) add("vault-access-policies", `vault ${vault}`, r, stack);
          break;
        }
        case T.roleAssignment: {
          const scopeSub = SUBSCRIPTION.exec(String(r.inputs.scope ?? ""))?.[1];
          add("role-assignments-per-subscription", `subscription ${lc(scopeSub ?? sub)}`, r, stack);
          break;
        }
        case "azure-native:monitor:DiagnosticSetting": {
          const target = String(r.inputs.resourceUri ?? "");
          if (target) add("diagnostic-settings-per-resource", `resource ${target}`, r, stack);
          break;
        }
        case T.privateEndpoint: {
          const vnet = VNET.exec(String(r.inputs.subnet?.id ?? ""))?.[1];
          if (vnet) add("private-endpoints-per-vnet", `virtual network ${vnet}`, r, stack);
          for (const c of connectionsOf(r)) {
            const target = typeof c.privateLinkServiceId === "string" ? c.privateLinkServiceId : "";
            if (/\/providers\/Microsoft\.Storage\/storageAccounts\//i.test(target)) {
              add("private-endpoints-per-storage-account", `storage account ${target}`, r, stack);
            }
          }
          break;
        }
      }
    }
  }
  const out: QuotaFinding[] = [];
  for (const g of groups.values()) {
    const q = QUOTA_LIMITS[g.quota];
    const limit = options.limits?.[g.quota] ?? q.limit;
    let count = 0;
    let first: RecordedResource | undefined;
    for (const it of g.items) {
      count += it.n;
      if (!first && count > limit) first = it.r;
    }
    if (count < limit * WARN_AT) continue;
    const severity = count > limit ? "error" : "warning";
    const at = first ?? g.items[g.items.length - 1].r;
    const stacksCounted = [...new Set(g.items.map((i) => i.stack))].sort();
    const raised =
      limit !== q.limit ? ` (raised from ${q.limit} by a declared quota increase)` : "";
    out.push({
      quota: g.quota,
      severity,
      scope: g.scope,
      count,
      limit,
      stacks: stacksCounted,
      urn: at.urn,
      type: at.type,
      name: at.name,
      physicalName: physicalName(at.type, at.name, at.inputs),
      message:
        severity === "error"
          ? `${count} ${q.title} in ${g.scope} (stack${stacksCounted.length > 1 ? "s" : ""} ${stacksCounted.join(", ")}) exceed the limit of ${limit}${raised}. Way out: ${q.wayOut}. Source: ${q.source}`
          : `${count} ${q.title} in ${g.scope} (stack${stacksCounted.length > 1 ? "s" : ""} ${stacksCounted.join(", ")}) are close to the limit of ${limit}${raised} (resources outside these stacks count too). Way out: ${q.wayOut}. Source: ${q.source}`,
      source: q.source,
      wayOut: q.wayOut,
    });
  }
  return out.sort((a, b) => (a.quota + a.scope < b.quota + b.scope ? -1 : 1));
}

/** ARM's answer when a create would pass a limit (the preview's label for the family). */
export const QUOTA_ERROR_CODE = "QuotaExceeded";

/** The error findings as the simulated Azure's errors (the run fails as `pulumi up` would, at the first resource past the limit). */
export function quotaErrors(findings: readonly QuotaFinding[]): ArmError[] {
  return findings
    .filter((f) => f.severity === "error")
    .map(
      (f) =>
        new ArmError(
          QUOTA_ERROR_CODE,
          f.message,
          `quota-${f.quota}`,
          { urn: f.urn, type: f.type, name: f.name },
          f.physicalName,
        ),
    );
}

/** The quota ids Azure raises on request. */
const raisableIds = (): string[] =>
  Object.values(QUOTA_LIMITS)
    .filter((q) => q.raisable)
    .map((q) => q.id);

/**
 * Parses `cmk-preview:quotas` (a map quota id → granted limit, for quota increases Azure has granted); returns the
 * limits, or the problems with the key.
 */
export function parseQuotaLimits(raw: string | undefined): {
  limits: Partial<Record<QuotaId, number>>;
  problems: string[];
} {
  if (raw === undefined) return { limits: {}, problems: [] };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      limits: {},
      problems: [
        `cmk-preview:quotas must be a map of quota id to the granted limit (known: ${Object.keys(QUOTA_LIMITS).join(", ")}); got ${JSON.stringify(value)}`,
      ],
    };
  }
  const limits: Partial<Record<QuotaId, number>> = {};
  const problems: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(k in QUOTA_LIMITS)) {
      problems.push(
        `cmk-preview:quotas.${k} is not a known quota (known: ${Object.keys(QUOTA_LIMITS).join(", ")}); got ${JSON.stringify(v)}`,
      );
    } else if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      problems.push(
        `cmk-preview:quotas.${k} must be a positive whole number (the granted limit); got ${JSON.stringify(v)}`,
      );
    } else if (!QUOTA_LIMITS[k as QuotaId].raisable) {
      problems.push(
        `cmk-preview:quotas.${k} cannot be raised: Azure grants no increase of the ${QUOTA_LIMITS[k as QuotaId].title} (fixed at ${QUOTA_LIMITS[k as QuotaId].limit}; ${QUOTA_LIMITS[k as QuotaId].source}); got ${JSON.stringify(v)}. Fix: remove the key; only ${raisableIds().join(", ")} can be raised.`,
      );
    } else if (v > (QUOTA_LIMITS[k as QuotaId].maxGranted ?? Infinity)) {
      problems.push(
        `cmk-preview:quotas.${k} is at most ${QUOTA_LIMITS[k as QuotaId].maxGranted} (the highest increase Azure grants for ${QUOTA_LIMITS[k as QuotaId].title}; ${QUOTA_LIMITS[k as QuotaId].source}); got ${JSON.stringify(v)}`,
      );
    } else limits[k as QuotaId] = v;
  }
  return { limits, problems };
}
