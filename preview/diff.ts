/**
 * `--previous FILE`: compares the program's registrations with an earlier deployment and classifies each resource as
 * create, update, replace, delete or same, with the property that causes it, as `pulumi preview` would.
 *
 * FILE is an earlier `--json` output of this preview (formatVersion 1) or a `pulumi stack export` (deployment JSON,
 * version 3). Resources are matched by URN, honouring the alias specs each registration carries (resolved as the
 * engine's step generator does: each spec under its own parent and under every URN the parent answers to). A change to
 * a create-only property (`CREATE_ONLY` in azureSpec.ts, each entry with its source) is a replacement; a replacement
 * propagates to every resource whose create-only input is derived from the replaced one (a new random suffix gives a
 * new account name).
 */
import * as fs from "fs";
import { CREATE_ONLY } from "./azureSpec";
import { refusedUpdate } from "./updateRefused";
import type { RecordedResource } from "./recorder";

/** `refused`: an update ARM refuses although the specification lets the property be sent (`updateRefused.ts`). */
export type Operation = "create" | "update" | "replace" | "delete" | "same" | "refused";

/** Pulumi's marks for each operation. */
export const OP_MARK: Record<Operation, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  same: " ",
  refused: "!~",
};

/** A resource of the earlier deployment. */
export interface PreviousResource {
  urn: string;
  type: string;
  custom: boolean;
  id: string | undefined;
  parent: string | undefined;
  inputs: Record<string, any>;
  outputs: Record<string, any>;
  protect: boolean;
  retainOnDelete: boolean;
  /** URNs it depended on (both formats record them). */
  dependencies?: string[];
}

export interface PreviousDeployment {
  file: string;
  format: "preview-json" | "stack-export";
  resources: PreviousResource[];
}

/** One resource's planned step. */
export interface Step {
  op: Operation;
  urn: string;
  type: string;
  name: string;
  /** URN in the earlier deployment (differs from `urn` when matched through an alias). */
  previousUrn?: string;
  /** Input paths that differ (update or replace). */
  changed: string[];
  /** Why: the create-only property (and its source) for a replace, the changed properties for an update. */
  cause?: string;
  /** Source of the create-only rule that forces a replacement. */
  source?: string;
  /** Protected in the earlier deployment (Pulumi refuses to delete or replace it). */
  protectedBefore: boolean;
  /** For a `refused` step: the rule, ARM's answer and the way to the new value. */
  refusal?: { id: string; code: string; path: string; fix: string };
}

export interface DiffResult {
  file: string;
  format: PreviousDeployment["format"];
  steps: Step[];
  counts: Record<Operation, number>;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Reads FILE as preview JSON or a stack export; throws with a clear message for anything else. */
export function readPrevious(file: string): PreviousDeployment {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(
      `--previous ${file}: cannot read it as JSON (${e instanceof Error ? e.message : String(e)})`,
      { cause: e },
    );
  }
  const norm = (r: Record<string, any>): PreviousResource => ({
    urn: String(r.urn),
    type: String(r.type),
    custom: r.custom !== false,
    id: r.id ?? undefined,
    parent: r.parent ?? undefined,
    inputs: isObj(r.inputs) ? r.inputs : {},
    outputs: isObj(r.outputs) ? r.outputs : {},
    protect: r.protect === true,
    retainOnDelete: r.retainOnDelete === true,
    dependencies: Array.isArray(r.dependencies) ? r.dependencies.map(String) : [],
  });
  if (isObj(doc) && doc.formatVersion === 1 && Array.isArray(doc.resources)) {
    return {
      file,
      format: "preview-json",
      resources: (doc.resources as Record<string, any>[]).map(norm),
    };
  }
  if (isObj(doc) && doc.version === 3 && isObj(doc.deployment)) {
    const list = Array.isArray(doc.deployment.resources)
      ? (doc.deployment.resources as Record<string, any>[])
      : [];
    // The stack resource and provider resources are engine bookkeeping, not part of the program's registrations.
    const resources = list
      .filter((r) => !String(r.type).startsWith("pulumi:") && r.delete !== true)
      .map(norm);
    return { file, format: "stack-export", resources };
  }
  throw new Error(
    `--previous ${file}: neither a preview --json document (formatVersion 1) nor a pulumi stack export (version 3)`,
  );
}

function urnOf(prefix: string, parentUrn: string | undefined, type: string, name: string): string {
  const qualified = parentUrn ? `${parentUrn.split("::")[2].split("$").pop()}$${type}` : type;
  return `${prefix}::${qualified}::${name}`;
}

/**
 * Every URN each registration answers to: its own, each alias spec (empty fields meaning "as now"), and the same
 * under each URN its parent answers to (pulumi/pulumi pkg/resource/deploy/step_generator.go `generateAliases`).
 */
export function answeredUrns(resources: readonly RecordedResource[]): Map<string, Set<string>> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const resolve = (r: RecordedResource): Set<string> => {
    const known = memo.get(r.urn);
    if (known) return known;
    const prefix = r.urn.split("::").slice(0, 2).join("::");
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const parentAliases = parent ? [...resolve(parent)].filter((u) => u !== r.parent) : [];
    const result = new Set<string>([r.urn]);
    for (const spec of [{}, ...(r.aliases ?? [])] as RecordedResource["aliases"]) {
      if (spec.urn) {
        result.add(spec.urn);
        continue;
      }
      const parents = [spec.noParent ? undefined : (spec.parentUrn ?? r.parent), ...parentAliases];
      for (const p of parents) {
        result.add(urnOf(prefix, p, spec.type ?? r.type, spec.name ?? r.name));
      }
    }
    memo.set(r.urn, result);
    return result;
  };
  return new Map(resources.map((r) => [r.urn, resolve(r)]));
}

/** The key Pulumi's state uses to mark a secret value (`{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext}`). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Leaf paths where two input trees differ (arrays compared whole; keys starting with "__" ignored). */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
  // A secret in a stack export is encrypted (Pulumi's signature key + ciphertext): it cannot be compared offline.
  if (isObj(before) && SECRET_SIG in before) return [];
  if (isObj(before) && isObj(after)) {
    const keys = new Set(
      [...Object.keys(before), ...Object.keys(after)].filter((k) => !k.startsWith("__")),
    );
    return [...keys]
      .sort()
      .flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before ?? null) === JSON.stringify(after ?? null)
    ? []
    : [prefix || "(root)"];
}

/** The create-only entry that a changed path falls under, if any. */
function createOnlyHit(type: string, path: string): { path: string; source: string } | undefined {
  return (CREATE_ONLY[type] ?? []).find(
    (c) => path === c.path || path.startsWith(`${c.path}.`) || c.path.startsWith(`${path}.`),
  );
}

const nameOfUrn = (urn: string): string => urn.split("::").pop() ?? urn;

/** Compares the program's registrations with the earlier deployment. */
export function diffDeployment(
  current: readonly RecordedResource[],
  previous: PreviousDeployment,
): DiffResult {
  const answers = answeredUrns(current);
  const prevByUrn = new Map(previous.resources.map((r) => [r.urn, r]));
  const matched = new Map<string, PreviousResource>(); // current urn → previous
  const claimed = new Set<string>();
  for (const r of current) {
    for (const u of answers.get(r.urn) ?? [r.urn]) {
      const prev = prevByUrn.get(u);
      if (prev && !claimed.has(u)) {
        matched.set(r.urn, prev);
        claimed.add(u);
        break;
      }
    }
  }
  const steps = new Map<string, Step>();
  for (const r of current) {
    const prev = matched.get(r.urn);
    if (!prev) {
      steps.set(r.urn, {
        op: "create",
        urn: r.urn,
        type: r.type,
        name: r.name,
        changed: [],
        protectedBefore: false,
      });
      continue;
    }
    const base = {
      urn: r.urn,
      type: r.type,
      name: r.name,
      protectedBefore: prev.protect,
      ...(prev.urn !== r.urn ? { previousUrn: prev.urn } : {}),
    };
    const changed = r.custom ? changedPaths(prev.inputs, r.inputs) : [];
    const hit = changed.map((p) => ({ p, c: createOnlyHit(r.type, p) })).find((x) => x.c);
    if (hit) {
      steps.set(r.urn, {
        ...base,
        op: "replace",
        changed,
        cause: `${hit.p} changed (create-only: ${show(prev.inputs, hit.p)} → ${show(r.inputs, hit.p)})`,
        source: hit.c!.source,
      });
    } else if (refusedUpdate(r.type, changed, prev.inputs, r.inputs)) {
      const { refusal, reason } = refusedUpdate(r.type, changed, prev.inputs, r.inputs)!;
      steps.set(r.urn, {
        ...base,
        op: "refused",
        changed,
        cause: `${refusal.path} changed (update refused: ${reason})`,
        source: refusal.source,
        refusal: { id: refusal.id, code: refusal.code, path: refusal.path, fix: refusal.fix },
      });
    } else if (changed.length > 0) {
      steps.set(r.urn, { ...base, op: "update", changed, cause: `${changed.join(", ")} changed` });
    } else {
      steps.set(r.urn, { ...base, op: "same", changed: [] });
    }
  }
  // A replacement gives new outputs (a new random value, a new id): dependants whose create-only inputs come from it are
  // replaced too, the others updated. Iterate to a fixed point (registrations are in dependency order, so one pass
  // mostly suffices).
  for (let changedAny = true; changedAny;) {
    changedAny = false;
    for (const r of current) {
      const step = steps.get(r.urn)!;
      if (step.op === "create" || step.op === "replace" || !r.custom) continue;
      for (const [prop, deps] of Object.entries(r.propertyDependencies)) {
        const replacedDep = deps.find(
          (d) => steps.get(d)?.op === "replace" || steps.get(d)?.op === "create",
        );
        if (!replacedDep) continue;
        const depStep = steps.get(replacedDep)!;
        // Only a property that is itself create-only (or inside one) forces the replacement; which part of a larger
        // object is derived from the dependency is not known.
        const hit = (CREATE_ONLY[r.type] ?? []).find(
          (c) => prop === c.path || prop.startsWith(`${c.path}.`),
        );
        const why = `${prop} comes from ${nameOfUrn(replacedDep)}, which is ${depStep.op === "replace" ? "replaced" : "new"}`;
        if (hit) {
          steps.set(r.urn, {
            ...step,
            op: "replace",
            changed: [...new Set([...step.changed, prop])],
            cause: `${why} (create-only ${hit.path})`,
            source: hit.source,
          });
          changedAny = true;
          break;
        }
        if (step.op === "same") {
          steps.set(r.urn, { ...step, op: "update", changed: [prop], cause: why });
          changedAny = true;
        }
      }
    }
  }
  const result: Step[] = current.map((r) => steps.get(r.urn)!);
  for (const prev of previous.resources) {
    if (claimed.has(prev.urn)) continue;
    result.push({
      op: "delete",
      urn: prev.urn,
      type: prev.type,
      name: nameOfUrn(prev.urn),
      changed: [],
      cause: "no longer registered by the program (removed, or its URN changed without an alias)",
      protectedBefore: prev.protect,
    });
  }
  const counts: Record<Operation, number> = {
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    same: 0,
    refused: 0,
  };
  for (const s of result) counts[s.op]++;
  return { file: previous.file, format: previous.format, steps: result, counts };
}

function show(obj: Record<string, any>, path: string): string {
  const v = path
    .split(".")
    .reduce<any>((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
  return v === undefined ? "unset" : JSON.stringify(v);
}

/** Previous resources by URN (for findings). */
export function previousByUrn(previous: PreviousDeployment): Map<string, PreviousResource> {
  return new Map(previous.resources.map((r) => [r.urn, r]));
}
