/**
 * Per-team view of a previewed stack: one entry per CmkStorageAccount component (named by its team id), with the
 * settings a team may override (SKU, firewall, shared keys and their rotation, key, protection) read from what the
 * program registered, and which of them differ from most teams of the stack. Used by the tree and the security
 * summary in render.ts.
 */
import type { RecordedResource } from "./recorder";
import { T, vaultNameFromKeyVaultUri } from "./simulatedAzure";
import { logsText, reachText } from "./guardrailSummary";

/** The settings compared across teams, in display order. */
export const TEAM_SETTINGS = ["sku", "network", "sharedKeys", "key", "protection"] as const;
export type TeamSetting = (typeof TEAM_SETTINGS)[number];

export interface TeamView {
  /** Team id: the component's logical name. */
  id: string;
  displayName: string | undefined;
  owner: string | undefined;
  costCentre: string | undefined;
  /** Physical storage account name. */
  accountName: string;
  settings: Record<TeamSetting, string>;
  /** Settings whose value differs from the value most teams of the stack have (empty with a single team). */
  differs: TeamSetting[];
  /** How the team's account is reached (private endpoints and their services, firewall, public). */
  reach?: string;
  /** Where the account's logs go (diagnostic settings by destination). */
  logs?: string;
}

const isTeamComponent = (r: RecordedResource): boolean =>
  !r.custom && /:CmkStorageAccount$/.test(r.type);

/** Every resource below `urn` in the parent tree. */
function descendants(resources: readonly RecordedResource[], urn: string): RecordedResource[] {
  const below = resources.filter((r) => r.parent === urn);
  return below.flatMap((r) => [r, ...descendants(resources, r.urn)]);
}

function settingsOf(
  component: RecordedResource,
  account: RecordedResource,
  below: readonly RecordedResource[],
): Record<TeamSetting, string> {
  const rules = account.inputs.networkRuleSet ?? {};
  const ips = (rules.ipRules ?? []).length as number;
  const subnets = (rules.virtualNetworkRules ?? []).length as number;
  const rotated = below.some((r) => /:StorageAccessKeyRotation$/.test(r.type));
  const days = account.inputs.keyPolicy?.keyExpirationPeriodInDays;
  const kvp = account.inputs.encryption?.keyVaultProperties ?? {};
  return {
    sku: String(account.inputs.sku?.name ?? "?"),
    network:
      ips + subnets === 0
        ? "private only"
        : `${ips} IP range${ips === 1 ? "" : "s"}, ${subnets} subnet${subnets === 1 ? "" : "s"}`,
    sharedKeys:
      account.inputs.allowSharedKeyAccess !== true
        ? "off"
        : rotated
          ? `ON, rotated every ${days} days`
          : "ON, not rotated",
    key: `${kvp.keyName ?? "?"} in ${vaultNameFromKeyVaultUri(String(kvp.keyVaultUri ?? "")) ?? "?"}`,
    protection: component.protect ? "protected" : "unprotected",
  };
}

/** The teams of a previewed stack, in registration order. */
export function teamViews(resources: readonly RecordedResource[]): TeamView[] {
  const views: TeamView[] = [];
  for (const component of resources.filter(isTeamComponent)) {
    const below = descendants(resources, component.urn);
    const account = below.find((r) => r.type === T.account);
    if (!account) continue;
    const tags = (account.inputs.tags ?? {}) as Record<string, string | undefined>;
    views.push({
      id: component.name,
      displayName: tags.displayName,
      owner: tags.owner,
      costCentre: tags.costCentre,
      accountName: String(account.outputs.name ?? account.inputs.accountName ?? account.name),
      settings: settingsOf(component, account, below),
      differs: [],
      reach: reachText(resources, account),
      logs: logsText(resources, account),
    });
  }
  for (const setting of TEAM_SETTINGS) {
    const counts = new Map<string, number>();
    for (const v of views) {
      counts.set(v.settings[setting], (counts.get(v.settings[setting]) ?? 0) + 1);
    }
    const most = Math.max(...counts.values());
    // A value shared by the most teams is the stack's norm; with a tie no value is singled out.
    const norm = [...counts].filter(([, n]) => n === most);
    if (norm.length !== 1) continue;
    for (const v of views) if (v.settings[setting] !== norm[0][0]) v.differs.push(setting);
  }
  return views;
}

const LABEL: Record<TeamSetting, string> = {
  sku: "SKU",
  network: "firewall",
  sharedKeys: "shared keys",
  key: "key",
  protection: "protection",
};

/** One security-summary line per team; settings that differ from most teams are marked "(differs)". */
export function teamLines(views: readonly TeamView[]): string[] {
  return views.map((v) => {
    const who = [v.owner && `owner ${v.owner}`, v.costCentre && `cost centre ${v.costCentre}`]
      .filter(Boolean)
      .join(", ");
    const settings = TEAM_SETTINGS.map(
      (s) => `${LABEL[s]} ${v.settings[s]}${v.differs.includes(s) ? " (differs)" : ""}`,
    ).join(", ");
    return `Team ${v.id}${v.displayName ? ` "${v.displayName}"` : ""}${who ? ` (${who})` : ""}: account ${v.accountName}, ${settings}`;
  });
}

/** The tree's note on a team component: its display name and the settings that differ from most teams. */
export function teamTreeNote(view: TeamView): string {
  const parts = [
    ...(view.displayName ? [`"${view.displayName}"`] : []),
    ...view.differs.map((s) => `${LABEL[s]} ${view.settings[s]}`),
  ];
  return parts.length ? ` [${parts.join("; ")}]` : "";
}

/** One line per team: how its account is reached and where its logs go. */
export function teamAccessLines(views: readonly TeamView[]): string[] {
  return views.map((v) => `Team ${v.id} access: ${v.reach ?? "?"}; logs to ${v.logs ?? "?"}`);
}
