/**
 * Quotas a fleet reaches only across stacks: Azure counts them per subscription (and region), whichever stack creates
 * the resources. Pure: counts the fleet's per-stack summaries (preview/fleetSummary.ts), so the parent process never
 * holds every stack's resources (2,000 team stacks stay cheap). The limits, their sources and the ways out are the
 * single-stack counter's (`QUOTA_LIMITS` in preview/rules/quotas.ts, which every stack also applies to itself):
 * - storage accounts per region per subscription: 250 (standard endpoints; 500 on request), regions normalised
 *   ("West Europe" and "westeurope" are one bucket). A granted increase counts when a stack declares it
 *   (`cmk-preview:quotas: { storage-accounts-per-region: <n> }`): the quota is the subscription's, so the highest limit
 *   declared by any stack with accounts in that subscription and region applies to the whole bucket;
 * - storage accounts with Azure DNS zone endpoints (`dnsEndpointType: AzureDnsZone`) per region per subscription:
 *   5,000, counted apart from the standard ones;
 * - Azure role assignments per subscription: 4,000 (counted in the subscription of their scope: a team's grant on a
 *   platform key counts in the platform's subscription).
 */
import type { StackSummary } from "./fleetSummary";
import { normalisedLocation } from "./azureSpec";
import { QUOTA_LIMITS } from "./rules/quotas";

export const FLEET_QUOTA_SOURCES = {
  storageAccounts: QUOTA_LIMITS["storage-accounts-per-region"].source,
  dnsZoneStorageAccounts: QUOTA_LIMITS["storage-accounts-dns-zone-per-region"].source,
  roleAssignments: QUOTA_LIMITS["role-assignments-per-subscription"].source,
} as const;

export const STORAGE_ACCOUNTS_PER_REGION_PER_SUBSCRIPTION =
  QUOTA_LIMITS["storage-accounts-per-region"].limit;
export const ROLE_ASSIGNMENTS_PER_SUBSCRIPTION =
  QUOTA_LIMITS["role-assignments-per-subscription"].limit;

export interface QuotaCount {
  quota:
    | "storage-accounts-per-region"
    | "storage-accounts-dns-zone-per-region"
    | "role-assignments-per-subscription";
  subscriptionId: string;
  /** The region (storage accounts); null for a per-subscription quota. */
  location: string | null;
  count: number;
  limit: number;
  /** Stacks that contribute, most first. */
  stacks: { stack: string; count: number }[];
  exceeded: boolean;
  /** When exceeded: what Azure refuses and the way out. */
  message: string | null;
  source: string;
}

function bucket<T>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (!v) map.set(key, (v = make()));
  return v;
}

/** Every quota bucket the fleet uses (exceeded ones first, then by subscription and region). */
export function countFleetQuotas(
  stacks: readonly StackSummary[],
  limits = {
    storageAccounts: STORAGE_ACCOUNTS_PER_REGION_PER_SUBSCRIPTION,
    roleAssignments: ROLE_ASSIGNMENTS_PER_SUBSCRIPTION,
  } as { storageAccounts: number; roleAssignments: number; dnsZoneStorageAccounts?: number },
): QuotaCount[] {
  const accounts = new Map<
    string,
    { sub: string; loc: string; dns: boolean; granted: number; per: Map<string, number> }
  >();
  const grants = new Map<string, { sub: string; per: Map<string, number> }>();
  for (const s of stacks) {
    for (const a of s.storageAccounts) {
      const loc = normalisedLocation(a.location);
      const dns = a.dnsZone === true;
      const b = bucket(accounts, `${a.subscriptionId}|${loc}|${dns ? "dns" : ""}`, () => ({
        sub: a.subscriptionId,
        loc,
        dns,
        granted: 0,
        per: new Map(),
      }));
      b.per.set(s.stack, (b.per.get(s.stack) ?? 0) + a.count);
      b.granted = Math.max(b.granted, s.grantedStorageAccountsPerRegion ?? 0);
    }
    for (const g of s.roleAssignments) {
      const b = bucket(grants, g.subscriptionId, () => ({ sub: g.subscriptionId, per: new Map() }));
      b.per.set(s.stack, (b.per.get(s.stack) ?? 0) + g.count);
    }
  }
  const list = (per: Map<string, number>): { stack: string; count: number }[] =>
    [...per]
      .map(([stack, count]) => ({ stack, count }))
      .sort((a, b) => b.count - a.count || (a.stack < b.stack ? -1 : 1));
  const total = (per: Map<string, number>): number => [...per.values()].reduce((a, b) => a + b, 0);
  const out: QuotaCount[] = [];
  for (const b of accounts.values()) {
    const count = total(b.per);
    if (b.dns) {
      const limit =
        limits.dnsZoneStorageAccounts ?? QUOTA_LIMITS["storage-accounts-dns-zone-per-region"].limit;
      const exceeded = count > limit;
      out.push({
        quota: "storage-accounts-dns-zone-per-region",
        subscriptionId: b.sub,
        location: b.loc,
        count,
        limit,
        stacks: list(b.per),
        exceeded,
        message: exceeded
          ? `${count} storage accounts with Azure DNS zone endpoints in subscription ${b.sub}, region ${b.loc}, over ${b.per.size} stack(s): Azure allows ${limit} per region per subscription, so account ${limit + 1} and later fail to create. Way out: ${QUOTA_LIMITS["storage-accounts-dns-zone-per-region"].wayOut}.`
          : null,
        source: FLEET_QUOTA_SOURCES.dnsZoneStorageAccounts,
      });
      continue;
    }
    const limit = Math.max(limits.storageAccounts, b.granted);
    const exceeded = count > limit;
    out.push({
      quota: "storage-accounts-per-region",
      subscriptionId: b.sub,
      location: b.loc,
      count,
      limit,
      stacks: list(b.per),
      exceeded,
      message: exceeded
        ? `${count} storage accounts in subscription ${b.sub}, region ${b.loc}, over ${b.per.size} stack(s): Azure allows ${limit} per region per subscription, so account ${limit + 1} and later fail to create. ` +
          `Way out: shard the teams over subscriptions (each team stack sets its own azure-native:subscriptionId; at most ${limit} accounts per subscription and region, so at least ${Math.ceil(count / limit)} subscription(s) here), ` +
          `or spread them over regions with a platform stack per region, or ask Azure support for the 500 limit.`
        : null,
      source: FLEET_QUOTA_SOURCES.storageAccounts,
    });
  }
  for (const b of grants.values()) {
    const count = total(b.per);
    const limit = limits.roleAssignments;
    const exceeded = count > limit;
    out.push({
      quota: "role-assignments-per-subscription",
      subscriptionId: b.sub,
      location: null,
      count,
      limit,
      stacks: list(b.per),
      exceeded,
      message: exceeded
        ? `${count} role assignments in subscription ${b.sub} (counted where their scope is, e.g. team grants on a platform key) over ${b.per.size} stack(s): Azure allows ${limit} per subscription. ` +
          `Way out: split the platform stack (its keys and vault) over more subscriptions, so each one's team grants stay under ${limit}.`
        : null,
      source: FLEET_QUOTA_SOURCES.roleAssignments,
    });
  }
  return out.sort(
    (a, b) =>
      Number(b.exceeded) - Number(a.exceeded) ||
      (a.subscriptionId < b.subscriptionId ? -1 : a.subscriptionId > b.subscriptionId ? 1 : 0) ||
      String(a.location ?? "").localeCompare(String(b.location ?? "")),
  );
}
