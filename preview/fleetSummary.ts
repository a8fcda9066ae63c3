/**
 * What a fleet preview keeps of one stack's preview (preview/fleet.ts): the verdict, counts, the findings in short,
 * and what the cross-stack quotas count. Pure: built from a PreviewResult in the worker that ran it, sent to the
 * fleet's parent process over IPC, so it holds plain data only.
 */
import type { PreviewResult, PreviewStatus } from "./run";
import type { RecordedResource } from "./recorder";
import { T } from "./armTypes";
import { normalisedLocation } from "./azureSpec";
import { policyHint } from "./stackHints";

/** The CLI's exit code of each preview status (preview/cli.ts EXIT). */
export const STATUS_EXIT: Readonly<Record<PreviewStatus, number>> = {
  ok: 0,
  "policy-violation": 1,
  "azure-error": 2,
  "program-error": 3,
  "data-loss": 4,
};

export type StackKind = "platform" | "team" | "single";

export interface StackSummary {
  stack: string;
  stackFile: string;
  kind: StackKind;
  /** The platform stack a team stack references (`cmk-storage:platformStack`), when it names one. */
  platformStack: string | null;
  status: PreviewStatus;
  exitCode: number;
  resources: number;
  /** Mandatory violations; `stackHint`: the stack config key that satisfies the policy (for this kind), if known. */
  mandatory: { policy: string; urn: string | null; message: string; stackHint: string | null }[];
  advisory: number;
  azureErrors: { code: string; rule: string; resource: string; message: string }[];
  programErrors: string[];
  /** Unacknowledged data-loss findings against `--previous` (null without an earlier deployment). */
  dataLoss: number | null;
  /** The earlier deployment compared with (`--previous <folder>`/<stack>.json), if any. */
  previous: string | null;
  /**
   * Storage accounts the stack creates, by the subscription of their ARM id, their region (normalised: "West Europe"
   * is westeurope) and whether their endpoints are Azure DNS zone ones (`dnsEndpointType: AzureDnsZone`, a separate
   * 5,000 limit).
   */
  storageAccounts: { subscriptionId: string; location: string; count: number; dnsZone?: boolean }[];
  /** The storage-account quota increase the stack declares (`cmk-preview:quotas`), if any. */
  grantedStorageAccountsPerRegion?: number | null;
  /** Role assignments the stack creates, by the subscription of their scope (where Azure counts them). */
  roleAssignments: { subscriptionId: string; count: number }[];
  durationMs: number;
}

/** The subscription of an ARM id or scope (`/subscriptions/<id>/…`), lowercased; "" when it names none. */
export function subscriptionOf(id: unknown): string {
  return (
    /^\/subscriptions\/([^/]+)/i.exec(typeof id === "string" ? id : "")?.[1] ?? ""
  ).toLowerCase();
}

function countBy<K extends string>(
  items: readonly RecordedResource[],
  key: (r: RecordedResource) => K,
): Map<K, number> {
  const counts = new Map<K, number>();
  for (const r of items) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return counts;
}

export function summarize(
  result: PreviewResult,
  meta: {
    kind: StackKind;
    platformStack: string | null;
    previous: string | null;
    durationMs: number;
  },
): StackSummary {
  const accounts = result.resources.filter((r) => r.type === T.account);
  const byRegion = countBy(
    accounts,
    (r) =>
      `${subscriptionOf(r.id)}|${normalisedLocation(String(r.inputs.location ?? ""))}|${String(r.inputs.dnsEndpointType ?? "").toLowerCase() === "azurednszone" ? "dns" : ""}`,
  );
  const assignments = result.resources.filter((r) => r.type === T.roleAssignment);
  const bySubscription = countBy(assignments, (r) => subscriptionOf(r.inputs.scope));
  return {
    stack: result.stack,
    stackFile: result.stackFile,
    kind: meta.kind,
    platformStack: meta.platformStack,
    status: result.status,
    exitCode: STATUS_EXIT[result.status],
    resources: result.resources.length,
    mandatory: (result.policy?.mandatory ?? []).map((v) => ({
      policy: v.policy,
      urn: v.urn ?? null,
      message: v.message,
      stackHint: policyHint(v.policy, meta.kind) ?? null,
    })),
    advisory: result.policy?.advisory.length ?? 0,
    azureErrors: result.azureErrors.map((e) => ({
      code: e.code,
      rule: e.rule,
      resource: e.resource.urn,
      message: e.armMessage,
    })),
    programErrors: [...result.programErrors],
    dataLoss: result.diff ? result.dataLoss.filter((f) => !f.acknowledged).length : null,
    previous: meta.previous,
    storageAccounts: [...byRegion].map(([k, count]) => {
      const [subscriptionId, location, dns] = k.split("|");
      return { subscriptionId, location, count, dnsZone: dns === "dns" };
    }),
    grantedStorageAccountsPerRegion: result.quotaLimits?.["storage-accounts-per-region"] ?? null,
    roleAssignments: [...bySubscription]
      .filter(([s]) => s !== "")
      .map(([subscriptionId, count]) => ({ subscriptionId, count })),
    durationMs: meta.durationMs,
  };
}
