/**
 * How each vault and storage account of a previewed stack is reached (private endpoints with their services, the
 * firewall, public) and where its logs go (diagnostic settings by destination), plus its lock: the access lines of the
 * security summary and of the per-team view (render.ts, teams.ts). Pure functions of the recorded resources.
 */
import { T } from "./armTypes";
import type { RecordedResource } from "./recorder";
import { lockScope, scopeCovers } from "./lockScope";
import { connectionsOf, entries } from "./rules/listEntries";
import { LOCK_TYPES } from "./rules/locks";
import { lc } from "./text";

const trim = (v: unknown): string => lc(v).replace(/\/+$/, "");
const lastSegment = (v: unknown): string =>
  (typeof v === "string" ? v : "").replace(/\/+$/, "").split("/").pop() ?? "";

/** The private-link groups of the endpoints connected to `target`, in registration order. */
export function endpointGroups(
  resources: readonly RecordedResource[],
  target: RecordedResource,
): string[] {
  const id = trim(target.id);
  const groups: string[] = [];
  for (const pe of resources.filter((r) => r.type === T.privateEndpoint)) {
    for (const c of connectionsOf(pe)) {
      if (id === "" || trim(c.privateLinkServiceId) !== id) continue;
      groups.push(...(Array.isArray(c.groupIds) ? c.groupIds.map(String) : []));
    }
  }
  return groups;
}

/** How `target` (a vault or an account) is reached: its private endpoints, its firewall, or public. */
export function reachText(
  resources: readonly RecordedResource[],
  target: RecordedResource,
): string {
  const groups = endpointGroups(resources, target);
  const vault = target.type === T.vault;
  const p = vault ? (target.inputs.properties ?? {}) : target.inputs;
  const acl = (vault ? p.networkAcls : p.networkRuleSet) ?? {};
  const pna = lc(p.publicNetworkAccess ?? "enabled");
  const ips = entries(acl.ipRules).length;
  const subnets = entries(acl.virtualNetworkRules).length;
  const endpoints = groups.length
    ? `private endpoint${groups.length > 1 ? "s" : ""} ${groups.join(", ")}`
    : "";
  let network: string;
  if (pna === "securedbyperimeter") {
    // Inbound access follows the network security perimeter's rules, which the stack cannot see: not "unreachable".
    network =
      "public network access SecuredByPerimeter (cannot verify: the network security perimeter's access rules decide)";
  } else if (pna === "disabled") {
    network = "public network access Disabled";
  } else if (lc(acl.defaultAction) === "deny") {
    network =
      ips + subnets === 0
        ? "firewall denies all (no IP or subnet rule)"
        : `firewall ${ips} IP range${ips === 1 ? "" : "s"}, ${subnets} subnet${subnets === 1 ? "" : "s"}`;
  } else network = "PUBLIC (firewall allows every network)";
  if (
    !endpoints &&
    (network === "public network access Disabled" || network.startsWith("firewall denies all"))
  ) {
    return `UNREACHABLE (${network}, no private endpoint; trusted Azure services only)`;
  }
  return [endpoints, network].filter(Boolean).join("; ");
}

/** Which part of `target` a diagnostic setting monitors ("vault", "account", "blob", …), or undefined. */
function partOf(setting: RecordedResource, target: RecordedResource): string | undefined {
  const id = trim(target.id);
  const uri = trim(setting.inputs.resourceUri);
  if (id === "" || !(uri === id || uri.startsWith(`${id}/`))) return undefined;
  if (uri === id) return target.type === T.vault ? "vault" : "account";
  return /\/(blob|file|queue|table)services\/default$/.exec(uri)?.[1];
}

/** A destination of a setting, for people: `workspace <name>`, `storage account <name>`, `event hub <namespace>`. */
function destinations(setting: RecordedResource): string[] {
  const i = setting.inputs;
  return [
    ...(typeof i.workspaceId === "string" ? [`workspace ${lastSegment(i.workspaceId)}`] : []),
    ...(typeof i.storageAccountId === "string"
      ? [`storage account ${lastSegment(i.storageAccountId)}`]
      : []),
    ...(typeof i.eventHubAuthorizationRuleId === "string"
      ? [
          `event hub ${/\/namespaces\/([^/]+)/i.exec(i.eventHubAuthorizationRuleId)?.[1] ?? "?"}${i.eventHubName ? `/${String(i.eventHubName)}` : ""}`,
        ]
      : []),
  ];
}

/** Where `target`'s logs and metrics go: each destination with the parts and log categories sent there. */
export function logsText(resources: readonly RecordedResource[], target: RecordedResource): string {
  const byDestination = new Map<string, Map<string, Set<string>>>();
  for (const s of resources.filter((r) => r.type === T.diagnosticSetting)) {
    const part = partOf(s, target);
    if (part === undefined) continue;
    const logs = entries(s.inputs.logs)
      .filter((l) => l.enabled !== false)
      .map((l) => {
        const c = l.category ?? l.categoryGroup;
        return typeof c === "string" ? c : "?";
      });
    const metrics = entries(s.inputs.metrics).some((m) => m.enabled !== false);
    for (const d of destinations(s)) {
      const parts = byDestination.get(d) ?? new Map<string, Set<string>>();
      const sent = parts.get(part) ?? new Set<string>();
      for (const l of logs) sent.add(l);
      if (metrics) sent.add("metrics");
      parts.set(part, sent);
      byDestination.set(d, parts);
    }
  }
  if (byDestination.size === 0) return "NONE (no diagnostic setting)";
  return [...byDestination]
    .map(([d, parts]) => {
      // Parts that send the same things are listed together: "blob, file, queue, table: StorageRead, … , metrics".
      const groups = new Map<string, string[]>();
      for (const [part, sent] of parts) {
        const key = [...sent].join(", ");
        groups.set(key, [...(groups.get(key) ?? []), part]);
      }
      return `${d} (${[...groups].map(([sent, ps]) => `${ps.join(", ")}: ${sent}`).join("; ")})`;
    })
    .join(" and ");
}

/** The lock on `target` (`CanNotDelete`, `ReadOnly`) or "none". */
export function lockText(resources: readonly RecordedResource[], target: RecordedResource): string {
  const id = trim(target.id);
  const lock = resources.find((r) => {
    if (!LOCK_TYPES.includes(r.type) || id === "") return false;
    // A lock whose scope is unknown covers nothing (never "every resource").
    const scope = lockScope(r);
    return scope !== undefined && scopeCovers(scope, id);
  });
  return lock ? String(lock.inputs.level ?? "?") : "none";
}

/** Blob data protection of an account: soft delete days, container soft delete, versioning, restore window. */
export function blobProtectionText(
  resources: readonly RecordedResource[],
  account: RecordedResource,
): string {
  const name = lc(account.outputs.name ?? account.inputs.accountName);
  const b = resources.find(
    (r) => r.type === T.blobServiceProperties && lc(r.inputs.accountName) === name,
  );
  if (!b) return "blob protection NONE (Azure defaults: no soft delete, no versioning)";
  const i = b.inputs;
  const days = (p: { enabled?: boolean; days?: number } | undefined): string =>
    p?.enabled ? `${p.days ?? 7} days` : "OFF";
  return `blob soft delete ${days(i.deleteRetentionPolicy)}, container soft delete ${days(i.containerDeleteRetentionPolicy)}, versioning ${i.isVersioningEnabled ? "on" : "OFF"}${i.restorePolicy?.enabled ? `, point-in-time restore ${String(i.restorePolicy.days)} days` : ""}`;
}

/** One access line per vault and storage account: reached how, logs where, lock, blob protection. */
export function accessLines(resources: readonly RecordedResource[]): string[] {
  const name = (r: RecordedResource): string => String(r.outputs.name ?? r.name);
  return [
    ...resources
      .filter((r) => r.type === T.vault)
      .map(
        (v) =>
          `Access to vault ${name(v)}: ${reachText(resources, v)}; logs to ${logsText(resources, v)}; lock ${lockText(resources, v)}`,
      ),
    ...resources
      .filter((r) => r.type === T.account)
      .map(
        (a) =>
          `Access to account ${name(a)} (${a.name}): ${reachText(resources, a)}; logs to ${logsText(resources, a)}; lock ${lockText(resources, a)}; ${blobProtectionText(resources, a)}`,
      ),
  ];
}
