/**
 * Output of the offline preview: the text view (tree, security summary, policy results, summary line), the stable JSON
 * document (shape documented in docs/offline-preview.md) and the Markdown report with a Mermaid diagram.
 */
import { createHash } from "crypto";
import type { RecordedResource } from "./recorder";
import type { PreviewResult } from "./run";
import { managedHsmNameFromUri, T, vaultNameFromKeyVaultUri } from "./simulatedAzure";
import { teamAccessLines, teamLines, teamTreeNote, teamViews } from "./teams";
import { accessLines } from "./guardrailSummary";
import { policyHint, stackHint } from "./stackHints";
import { OP_MARK, type Step } from "./diff";
import { maskSecrets } from "./secrets";
import { lc } from "./text";

export const JSON_FORMAT_VERSION = 1;

/** Sorts object keys recursively so the JSON is byte-stable; replaces serialized dynamic providers with a digest. */
export function canonical(value: unknown, key?: string): unknown {
  if (key === "__provider" && typeof value === "string") {
    return `<serialized dynamic provider sha256:${createHash("sha256").update(value).digest("hex").slice(0, 16)}>`;
  }
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v, k);
    }
    return out;
  }
  return value;
}

function physical(r: RecordedResource): string {
  return String(r.outputs.name ?? r.name);
}

function childrenOf(
  resources: readonly RecordedResource[],
): Map<string | undefined, RecordedResource[]> {
  const urns = new Set(resources.map((r) => r.urn));
  const map = new Map<string | undefined, RecordedResource[]>();
  for (const r of resources) {
    const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
    map.set(parent, [...(map.get(parent) ?? []), r]);
  }
  return map;
}

/**
 * The resource tree, like `pulumi preview`'s: type and logical name, children indented under their component. Without
 * `--previous` every resource is `+` (create); with it each row carries the step's mark (`+ ~ +- -`, blank for same)
 * and, for a change, its cause; deleted resources appear under their earlier parent.
 */
export function renderTree(result: PreviewResult): string {
  const kids = childrenOf(result.resources);
  const teams = new Map(teamViews(result.resources).map((v) => [v.id, v]));
  const steps = new Map(
    (result.diff?.steps ?? []).filter((s) => s.op !== "delete").map((s) => [s.urn, s]),
  );
  const deleted = (result.diff?.steps ?? []).filter((s) => s.op === "delete");
  // A team's component carries its display name and the settings it overrides (those that differ from most teams).
  const note = (r: RecordedResource): string => {
    const team = !r.custom ? teams.get(r.name) : undefined;
    return team && /:CmkStorageAccount$/.test(r.type) ? teamTreeNote(team) : "";
  };
  const why = (s: Step | undefined): string =>
    s && s.op !== "same" && s.cause ? `  [${s.op}: ${s.cause}]` : "";
  type Row = [string, string, string, string];
  const rows: Row[] = [
    [result.diff ? " " : "+", "", `pulumi:pulumi:Stack`, `${result.project}-${result.stack}`],
  ];
  const current = new Set([...result.resources.map((r) => r.urn), ...deleted.map((d) => d.urn)]);
  const deletedUnder = new Map<string | undefined, Step[]>();
  for (const d of deleted) {
    const parent = findParent(result, d);
    const key = parent && current.has(parent) ? parent : undefined;
    deletedUnder.set(key, [...(deletedUnder.get(key) ?? []), d]);
  }
  const walk = (parent: string | undefined, prefix: string): void => {
    const list: (RecordedResource | Step)[] = [
      ...(kids.get(parent) ?? []),
      ...(deletedUnder.get(parent) ?? []),
    ];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = `${prefix}${last ? "└─ " : "├─ "}`;
      if ("op" in r) {
        rows.push([OP_MARK.delete, branch, r.type, `${r.name}${why(r)}`]);
        walk(r.urn, `${prefix}${last ? "   " : "│  "}`);
        return;
      }
      const step = steps.get(r.urn);
      const mark = result.diff ? OP_MARK[step?.op ?? "create"] : "+";
      rows.push([
        mark,
        branch,
        r.type,
        `${r.custom && physical(r) !== r.name ? `${r.name} (${physical(r)})` : `${r.name}${note(r)}`}${why(step)}`,
      ]);
      walk(r.urn, `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk(undefined, "");
  const width = Math.max(...rows.map(([, p, t]) => p.length + t.length)) + 2;
  const lines = [`     ${"Type".padEnd(width)}Name`];
  for (const [m, p, t, n] of rows) lines.push(` ${m.padEnd(2)}  ${(p + t).padEnd(width)}${n}`);
  return lines.join("\n");
}

/** The earlier parent of a deleted resource (from the previous deployment). */
function findParent(result: PreviewResult, step: Step): string | undefined {
  return result.previousParents?.get(step.urn);
}

/** One security-relevant line per vault, key and storage account, then one per team (its overrides marked). */
export function securitySummary(resources: readonly RecordedResource[]): string[] {
  const out: string[] = [];
  const vaults = resources.filter((r) => r.type === T.vault);
  const keys = resources.filter((r) => r.type === T.key);
  for (const v of vaults) {
    const p = v.inputs.properties ?? {};
    const acls = p.networkAcls ?? {};
    out.push(
      `Vault ${physical(v)} (${p.sku?.name ?? "?"}, ${v.inputs.location ?? "?"}): soft delete ${p.enableSoftDelete === false ? "OFF" : "on"}, ` +
        `retention ${p.softDeleteRetentionInDays ?? 90} days, purge protection ${p.enablePurgeProtection === true ? "on" : "OFF"}, ` +
        `permission model ${p.enableRbacAuthorization ? "Azure RBAC" : "access policies"}, public network access ${p.publicNetworkAccess ?? "enabled"}, ` +
        `firewall ${acls.defaultAction ?? "Allow"} (bypass ${acls.bypass ?? "none"}, ${(acls.ipRules ?? []).length} IP rules, ${(acls.virtualNetworkRules ?? []).length} subnets)`,
    );
  }
  for (const h of resources.filter((r) => r.type === T.managedHsm)) {
    const p = h.inputs.properties ?? {};
    out.push(
      `Managed HSM ${physical(h)} (${h.inputs.location ?? "?"}): soft delete on (always), retention ${p.softDeleteRetentionInDays ?? 90} days, ` +
        `purge protection ${p.enablePurgeProtection === true ? "on" : "OFF"}, permission model Managed HSM local RBAC, public network access ${p.publicNetworkAccess ?? "enabled"}`,
    );
  }
  for (const k of keys) {
    const p = k.inputs.properties ?? {};
    const actions = (p.rotationPolicy?.lifetimeActions ?? []) as {
      action?: { type?: string };
      trigger?: Record<string, string>;
    }[];
    const rot = actions.map(
      (a) =>
        `${a.action?.type} ${Object.entries(a.trigger ?? {})
          .map(([t, d]) => `${d} ${t === "timeAfterCreate" ? "after creation" : "before expiry"}`)
          .join("")}`,
    );
    out.push(
      `Key ${physical(k)} in ${k.inputs.vaultName}: ${p.kty ?? "?"} ${p.keySize ?? ""}, ops ${(p.keyOps ?? []).join("/") || "all"}, ` +
        `${p.attributes?.enabled === false ? "DISABLED, " : ""}rotation ${rot.length ? rot.join(", ") : "NONE"}, versions expire after ${p.rotationPolicy?.attributes?.expiryTime ?? "never"}, ` +
        `protected ${k.protect ? "yes" : "no"}${k.retainOnDelete ? " (retained on delete)" : ""}`,
    );
    if (p.attributes?.enabled === false) {
      const users = resources
        .filter(
          (a) =>
            a.type === T.account &&
            lc(a.inputs.encryption?.keyVaultProperties?.keyName) === lc(physical(k)) &&
            vaultNameFromKeyVaultUri(
              String(a.inputs.encryption?.keyVaultProperties?.keyVaultUri ?? ""),
            ) === lc(k.inputs.vaultName),
        )
        .map((a) => physical(a));
      out.push(
        `REVOKED: key ${physical(k)} is disabled; ${users.length ? `these accounts are unreadable (HTTP 403) until it is enabled again: ${users.join(", ")}` : "no account of the stack uses it"}`,
      );
    }
  }
  for (const a of resources.filter((r) => r.type === T.account)) {
    const enc = a.inputs.encryption ?? {};
    const kvp = enc.keyVaultProperties ?? {};
    if (lc(enc.keySource) !== "microsoft.keyvault") {
      out.push(`Account ${physical(a)}: Microsoft-managed keys (no CMK)`);
      continue;
    }
    const encId = String(enc.encryptionIdentity?.encryptionUserAssignedIdentity ?? "");
    const identity = resources.find((r) => r.type === T.identity && lc(r.id) === lc(encId));
    const principal = identity?.outputs.principalId;
    const grants = resources.filter(
      (r) =>
        (r.type === T.accessPolicy && lc(r.inputs.policy?.objectId) === lc(principal)) ||
        ((r.type === T.roleAssignment || r.type === T.hsmRoleAssignment) &&
          lc(r.inputs.principalId) === lc(principal)),
    );
    const grantText =
      grants.length === 0
        ? "NO GRANT"
        : grants
            .map((g) => {
              const ordered = a.dependencies.includes(g.urn)
                ? "account depends on it"
                : "account does NOT depend on it";
              if (g.type === T.hsmRoleAssignment) {
                return `Managed HSM local role assignment ${g.name} (${String(g.inputs.roleDefinitionId).split("/").pop()} on ${String(g.inputs.scope)}; ${ordered})`;
              }
              return g.type === T.accessPolicy
                ? `access policy ${g.name} (keys ${(g.inputs.policy?.permissions?.keys ?? []).join(", ")}; ${ordered})`
                : `role assignment ${g.name} (${String(g.inputs.roleDefinitionId).split("/").pop()} at ${String(g.inputs.scope).includes("/keys/") ? "key" : "vault"} scope; ${ordered})`;
            })
            .join("; ");
    const services = Object.entries(enc.services ?? {})
      .map(
        ([s, v]) =>
          `${s}${(v as { keyType?: string }).keyType === "Account" ? "" : "(service key)"}`,
      )
      .join(",");
    out.push(
      `Account ${physical(a)} (${a.name}): CMK ${managedHsmNameFromUri(String(kvp.keyVaultUri ?? "")) ? "in Managed HSM " : ""}${kvp.keyVaultUri}/keys/${kvp.keyName}${kvp.keyVersion ? ` PINNED to ${kvp.keyVersion}` : " (versionless, follows rotation)"}, ` +
        `identity ${identity?.name ?? encId}, grant: ${grantText}, services ${services}, infrastructure encryption ${enc.requireInfrastructureEncryption ? "on" : "off"}, ` +
        `HTTPS only ${a.inputs.enableHttpsTrafficOnly === false ? "NO" : "yes"}, TLS ${a.inputs.minimumTlsVersion ?? "?"}, shared keys ${a.inputs.allowSharedKeyAccess === false ? "off" : "ON"}`,
    );
  }
  const views = teamViews(resources);
  out.push(...teamLines(views));
  // How each vault and account is reached and where its logs go (issue 16), then the same per team.
  out.push(...accessLines(resources), ...teamAccessLines(views));
  return out;
}

function policyLines(result: PreviewResult): string[] {
  const p = result.policy;
  if (!p) return ["Policies: not run (the program did not complete)"];
  const lines = [
    `Policies (${p.policies.length} enabled${p.disabled.length ? `, ${p.disabled.length} disabled` : ""}; config ${result.policyConfigFile ?? "schema defaults"}):`,
  ];
  if (p.violations.length === 0) lines.push("    all policies passed");
  for (const v of [...p.mandatory, ...p.advisory]) {
    const who = v.urn ? v.urn.split("::").pop() : "stack";
    lines.push(
      `    ${v.level === "mandatory" ? "[mandatory]" : "[advisory] "} ${v.policy} (${who}): ${v.message}`,
    );
    const hint = policyHint(v.policy);
    if (hint && v.level === "mandatory") lines.push(`        stack config: ${hint}`);
  }
  return lines;
}

export function summaryLine(result: PreviewResult): string {
  const custom = result.resources.filter((r) => r.custom).length;
  const c = result.diff?.counts;
  const parts = [
    c
      ? `${result.resources.length} resources (${custom} Azure/provider, ${result.resources.length - custom} components) against ${result.diff!.format === "stack-export" ? "the stack export" : "the earlier preview"}: ${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete, ${c.same} unchanged${c.refused ? `, ${c.refused} refused` : ""}`
      : `${result.resources.length} resources (${custom} Azure/provider, ${result.resources.length - custom} components) to create`,
  ];
  const open = result.dataLoss.filter((f) => !f.acknowledged).length;
  if (result.dataLoss.length) {
    parts.push(
      `${open} data-loss finding(s)${result.dataLoss.length - open ? ` (${result.dataLoss.length - open} acknowledged)` : ""}`,
    );
  }
  if (result.azureErrors.length) {
    parts.push(`${result.azureErrors.length} rejected by the simulated Azure`);
  }
  if (result.programErrors.length) parts.push(`program failed`);
  if (result.policy) {
    parts.push(
      `${result.policy.mandatory.length} mandatory and ${result.policy.advisory.length} advisory policy violations`,
    );
  }
  const verdict = {
    ok: "PASS",
    "policy-violation": "FAIL (mandatory policy violation)",
    "azure-error": "FAIL (simulated Azure rejected a resource)",
    "data-loss": "FAIL (data loss)",
    "program-error": "FAIL (program error)",
  }[result.status];
  return `Summary: ${verdict}: ${parts.join(", ")}.`;
}

/** The changes against --previous, one line per resource that is not unchanged. */
export function changeLines(result: PreviewResult): string[] {
  const d = result.diff!;
  const changed = d.steps.filter((s) => s.op !== "same");
  const lines = [`Changes against ${d.file} (${d.format}):`];
  if (changed.length === 0) lines.push(`    none: all ${d.counts.same} resources unchanged`);
  for (const s of changed) {
    lines.push(
      `    ${OP_MARK[s.op].padEnd(2)} ${s.op.padEnd(7)} ${s.type} ${s.name}${s.previousUrn ? ` (was ${s.previousUrn.split("::").pop()})` : ""}: ${s.cause ?? ""}${s.protectedBefore && (s.op === "delete" || s.op === "replace") ? " (protected: pulumi up refuses)" : ""}`,
    );
  }
  return lines;
}

/** The data-loss findings, each with its safe way and whether the run acknowledged it. */
export function dataLossLines(result: PreviewResult): string[] {
  const lines = ["Data loss:"];
  for (const f of result.dataLoss) {
    lines.push(
      `    ${f.acknowledged ? "[acknowledged]" : "[DATA LOSS]   "} ${f.kind}: ${f.message}`,
      `        Safe way: ${f.safeWay}`,
    );
    if (!f.acknowledged) lines.push(`        To proceed anyway: --allow-data-loss '${f.urn}'`);
  }
  return lines;
}

/** The guardrails removed against --previous (reported, not blocking). */
export function guardrailLines(result: PreviewResult): string[] {
  return [
    "Guardrails removed (reported; the exit code does not change):",
    ...(result.guardrails ?? []).map((g) => `    [guardrail removed] ${g.kind}: ${g.message}`),
  ];
}

/** The text view printed by default. */
export function renderText(result: PreviewResult): string {
  const out: string[] = [
    `Previewing stack ${result.stack} (project ${result.project}, ${result.stackFile}) against the simulated Azure (offline; no Pulumi CLI, no credentials)`,
    "",
  ];
  if (result.resources.length) out.push(renderTree(result), "");
  for (const e of result.programErrors) out.push(`error: ${e}`, "");
  for (const e of result.azureErrors) {
    out.push(
      `error: simulated Azure rejected ${e.resource.type} "${e.resource.name}" (${e.target ?? ""}):`,
      `    ${e.code}: ${e.armMessage}`,
      `    rule: ${e.rule}`,
    );
    const hint = stackHint(e.rule);
    if (hint) out.push(`    stack config: ${hint}`);
    out.push("");
  }
  if (result.resources.length && !result.programErrors.length) {
    out.push("Security summary:", ...securitySummary(result.resources).map((l) => `    ${l}`), "");
  }
  if (result.diff) out.push(...changeLines(result), "");
  if (result.dataLoss.length) out.push(...dataLossLines(result), "");
  if (result.guardrails?.length) out.push(...guardrailLines(result), "");
  const diags = result.diagnostics.filter((d) => d.startsWith("warning"));
  if (diags.length) out.push("Diagnostics:", ...diags.map((d) => `    ${d}`), "");
  out.push(...policyLines(result), "", summaryLine(result));
  return out.join("\n");
}

/** The machine-readable document (stable: sorted, no timestamps; ids are armState's deterministic hashes). */
export function toJson(result: PreviewResult): unknown {
  return canonical({
    formatVersion: JSON_FORMAT_VERSION,
    project: result.project,
    stack: result.stack,
    stackFile: result.stackFile,
    policyConfigFile: result.policyConfigFile ?? null,
    existingVaults: result.existingVaults,
    status: result.status,
    summary: {
      resources: result.resources.length,
      azureErrors: result.azureErrors.length,
      programErrors: result.programErrors.length,
      mandatoryViolations: result.policy?.mandatory.length ?? null,
      advisoryViolations: result.policy?.advisory.length ?? null,
      dataLoss: result.diff ? result.dataLoss.filter((f) => !f.acknowledged).length : null,
    },
    previous: result.diff
      ? { file: result.diff.file, format: result.diff.format, counts: result.diff.counts }
      : null,
    changes: result.diff
      ? result.diff.steps.map((s) => ({
          op: s.op,
          urn: s.urn,
          type: s.type,
          name: s.name,
          previousUrn: s.previousUrn ?? null,
          changed: s.changed,
          cause: s.cause ?? null,
          source: s.source ?? null,
          protectedBefore: s.protectedBefore,
        }))
      : null,
    dataLoss: result.diff
      ? result.dataLoss.map((f) => ({
          kind: f.kind,
          urn: f.urn,
          type: f.type,
          message: f.message,
          safeWay: f.safeWay,
          acknowledged: f.acknowledged,
        }))
      : null,
    guardrails: result.diff ? (result.guardrails ?? []) : null,
    resources: result.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: r.custom,
      id: r.id ?? null,
      parent: r.parent ?? null,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      inputs: maskSecrets(r.inputs, r.secretInputs),
      outputs: r.outputs,
      dependencies: [...r.dependencies].sort(),
      propertyDependencies: Object.fromEntries(
        Object.entries(r.propertyDependencies).map(([k, v]) => [k, [...v].sort()]),
      ),
    })),
    azureErrors: result.azureErrors.map((e) => ({
      code: e.code,
      message: e.armMessage,
      rule: e.rule,
      stackHint: stackHint(e.rule) ?? null,
      target: e.target ?? null,
      urn: e.resource.urn,
      type: e.resource.type,
      name: e.resource.name,
    })),
    programErrors: result.programErrors,
    policies: result.policy
      ? {
          enabled: result.policy.policies,
          disabled: result.policy.disabled,
          violations: result.policy.violations.map((v) => ({
            ...v,
            stackHint: policyHint(v.policy),
          })),
        }
      : null,
    diagnostics: [...result.diagnostics].sort(),
    // The stack's exported outputs (what a StackReference to it reads; secrets masked).
    outputs: maskSecrets(result.outputs ?? {}, result.secretOutputs),
  });
}

function mermaidId(prefix: string, s: string): string {
  return `${prefix}_${s.toLowerCase().replace(/[^a-z0-9]/g, "_")}`;
}

function label(...lines: string[]): string {
  return `"${lines.map((l) => l.replace(/"/g, "'")).join("<br/>")}"`;
}

/** Mermaid flowchart: vault → key → identity → grant → storage account, one chain per account. */
export function mermaid(resources: readonly RecordedResource[]): string {
  const lines = ["flowchart LR"];
  for (const v of resources.filter((r) => r.type === T.vault)) {
    const p = v.inputs.properties ?? {};
    lines.push(
      `  ${mermaidId("vault", physical(v))}[${label(`Key Vault ${physical(v)}`, `${p.sku?.name} · ${p.enableRbacAuthorization ? "RBAC" : "access policies"}`, `soft delete ${p.softDeleteRetentionInDays ?? 90}d · purge protection ${p.enablePurgeProtection ? "on" : "off"}`)}]`,
    );
  }
  for (const k of resources.filter((r) => r.type === T.key)) {
    const p = k.inputs.properties ?? {};
    const rotate = (p.rotationPolicy?.lifetimeActions ?? []).find(
      (a: { action?: { type?: string } }) => a.action?.type === "rotate",
    );
    lines.push(
      `  ${mermaidId("key", `${k.inputs.vaultName}_${physical(k)}`)}[${label(`Key ${physical(k)}`, `${p.kty} ${p.keySize ?? ""}`, `rotate ${rotate?.trigger?.timeAfterCreate ?? rotate?.trigger?.timeBeforeExpiry ?? "never"} · expiry ${p.rotationPolicy?.attributes?.expiryTime ?? "none"}`)}]`,
    );
    lines.push(
      `  ${mermaidId("vault", String(k.inputs.vaultName))} -->|holds| ${mermaidId("key", `${k.inputs.vaultName}_${physical(k)}`)}`,
    );
  }
  for (const a of resources.filter((r) => r.type === T.account)) {
    const enc = a.inputs.encryption ?? {};
    const kvp = enc.keyVaultProperties ?? {};
    const acct = mermaidId("account", physical(a));
    lines.push(
      `  ${acct}[${label(`Storage account ${physical(a)}`, `${a.inputs.sku?.name ?? ""} · ${a.inputs.location ?? ""}`, kvp.keyVersion ? `key version pinned` : "versionless key")}]`,
    );
    if (lc(enc.keySource) !== "microsoft.keyvault") continue;
    const vaultName = vaultNameFromKeyVaultUri(String(kvp.keyVaultUri ?? "")) ?? "unknown";
    const keyNode = mermaidId("key", `${vaultName}_${kvp.keyName}`);
    const encId = String(enc.encryptionIdentity?.encryptionUserAssignedIdentity ?? "");
    const identity = resources.find((r) => r.type === T.identity && lc(r.id) === lc(encId));
    const idNode = mermaidId("identity", identity?.name ?? encId);
    lines.push(
      `  ${idNode}([${label(`Identity ${identity?.name ?? encId.split("/").pop()}`, `principal ${String(identity?.outputs.principalId ?? "?").slice(0, 8)}…`)}])`,
    );
    lines.push(`  ${keyNode} -->|used by| ${idNode}`);
    const grants = resources.filter(
      (r) =>
        (r.type === T.accessPolicy &&
          lc(r.inputs.policy?.objectId) === lc(identity?.outputs.principalId)) ||
        (r.type === T.roleAssignment &&
          lc(r.inputs.principalId) === lc(identity?.outputs.principalId)),
    );
    if (grants.length === 0) {
      lines.push(`  ${idNode} -.->|NO GRANT| ${acct}`);
    }
    for (const g of grants) {
      const gNode = mermaidId("grant", g.name);
      const what =
        g.type === T.accessPolicy ? `Access policy ${g.name}` : `Role assignment ${g.name}`;
      const detail =
        g.type === T.accessPolicy
          ? (g.inputs.policy?.permissions?.keys ?? []).join(", ")
          : "Crypto Service Encryption User";
      lines.push(`  ${gNode}{{${label(what, detail)}}}`);
      lines.push(`  ${idNode} -->|granted by| ${gNode}`);
      lines.push(
        `  ${gNode} ${a.dependencies.includes(g.urn) ? "-->|before|" : "-.->|NOT ordered|"} ${acct}`,
      );
    }
  }
  return lines.join("\n");
}

function mdCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The Markdown report: verdict, diagram, security summary, policy table, resource table. */
export function renderReport(result: PreviewResult): string {
  const out: string[] = [
    `# Offline preview: stack \`${result.stack}\``,
    "",
    `Project \`${result.project}\`, stack file \`${result.stackFile}\`, policy config \`${result.policyConfigFile ?? "schema defaults"}\`. Generated by \`npm run preview -- --stack ${result.stack}\` against the simulated Azure (no credentials).`,
    "",
    `**${summaryLine(result).replace(/^Summary: /, "")}**`,
    "",
  ];
  if (result.azureErrors.length || result.programErrors.length) {
    out.push("## Errors", "");
    for (const e of result.programErrors) out.push(`- Program: ${mdCell(e)}`);
    for (const e of result.azureErrors) {
      out.push(
        `- Simulated Azure rejected \`${e.resource.type}\` \`${e.resource.name}\`: **${e.code}**: ${mdCell(e.armMessage)} (rule \`${e.rule}\`)${stackHint(e.rule) ? `. Stack config: ${mdCell(stackHint(e.rule)!)}` : ""}`,
      );
    }
    out.push("");
  }
  if (result.diff) {
    const d = result.diff;
    out.push(
      `## Changes against \`${d.file}\``,
      "",
      `${d.counts.create} to create, ${d.counts.update} to update, ${d.counts.replace} to replace, ${d.counts.delete} to delete, ${d.counts.same} unchanged${d.counts.refused ? `, ${d.counts.refused} refused` : ""}.`,
      "",
    );
    out.push("| Op | Resource | Type | Cause |", "|---|---|---|---|");
    for (const s of d.steps) {
      out.push(
        `| \`${OP_MARK[s.op].trim() || "="}\` ${s.op} | ${s.name} | \`${s.type}\` | ${mdCell(s.cause ?? "")} |`,
      );
    }
    out.push("");
  }
  if (result.dataLoss.length) {
    out.push("## Data loss", "");
    for (const f of result.dataLoss) {
      out.push(
        `- ${f.acknowledged ? "acknowledged" : "**DATA LOSS**"} \`${f.kind}\` \`${f.urn}\`: ${mdCell(f.message)} Safe way: ${mdCell(f.safeWay)}`,
      );
    }
    out.push("");
  }
  if (result.guardrails?.length) {
    out.push("## Guardrails removed", "", "Reported; the exit code does not change.", "");
    for (const g of result.guardrails) {
      out.push(`- \`${g.kind}\` \`${g.urn}\`: ${mdCell(g.message)}`);
    }
    out.push("");
  }
  out.push("## Customer-managed key chain", "", "```mermaid", mermaid(result.resources), "```", "");
  out.push(
    "## Security summary",
    "",
    ...securitySummary(result.resources).map((l) => `- ${l}`),
    "",
  );
  out.push("## Policy results", "");
  if (result.policy) {
    out.push("| Policy | Kind | Level | Result | Details |", "|---|---|---|---|---|");
    for (const p of result.policy.policies) {
      const vs = result.policy.violations.filter((v) => v.policy === p.name);
      const res =
        vs.length === 0
          ? "pass"
          : vs.some((v) => v.level === "mandatory")
            ? "**FAIL**"
            : "advisory";
      const details = vs
        .map((v) => `${v.urn ? `\`${v.urn.split("::").pop()}\`: ` : ""}${mdCell(v.message)}`)
        .join("<br/>");
      out.push(`| \`${p.name}\` | ${p.kind} | ${p.level} | ${res} | ${details} |`);
    }
    for (const d of result.policy.disabled) out.push(`| \`${d}\` | | disabled | skipped | |`);
  } else {
    out.push("Not run: the program did not complete.");
  }
  out.push("", "## Resources", "", "| Type | Name | Parent | Depends on |", "|---|---|---|---|");
  for (const r of result.resources) {
    out.push(
      `| \`${r.type}\` | ${r.custom && physical(r) !== r.name ? `${r.name} (\`${physical(r)}\`)` : r.name} | ${r.parent ? r.parent.split("::").pop() : ""} | ${r.dependencies
        .map((d) => d.split("::").pop())
        .sort()
        .join(", ")} |`,
    );
  }
  out.push("");
  return out.join("\n");
}
