/**
 * Policy test harness faithful to @pulumi/policy 1.21's runtime (see preview/policyEngine.ts for the
 * semantics): props wrapped in `unknownCheckingProxy`, `notApplicable` and `stackTags` on the args,
 * config schema defaults merged as the CLI does, stack resources with `parent`, `dependencies` and
 * `propertyDependencies`, and `UnknownValueError` turned into the server's advisory diagnostic.
 *
 * Everything engine-like lives in `preview/policyEngine.ts` (the offline preview uses it at runtime);
 * this module re-exports it and adds conveniences for specs. It does not depend on tests/setup.ts.
 */
import {
  type Policy,
  type PolicyResourceOptions,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import {
  type PolicyRunResult,
  type StackResourceSpec,
  type Violation,
  makeUrn,
  runResourcePolicies,
  runStackPolicies,
} from "../../preview/policyEngine";

export * from "../../preview/policyEngine";
export { policies } from "../../policy/policies";

/** What one policy produced for one run. */
export interface PolicyOutcome {
  /** Messages of real violations (not the preview-unknown diagnostic). */
  messages: string[];
  /** Reasons the policy reported itself not applicable. */
  notApplicable: string[];
  /** Advisory "can't run … during preview" messages (an unknown value was read). */
  previewUnknown: string[];
  violations: Violation[];
}

function outcome(result: PolicyRunResult): PolicyOutcome {
  return {
    messages: result.violations.filter((v) => !v.previewUnknown).map((v) => v.message),
    notApplicable: result.notApplicable.map((n) => n.reason ?? ""),
    previewUnknown: result.violations.filter((v) => v.previewUnknown).map((v) => v.message),
    violations: result.violations,
  };
}

export interface RunOneOptions {
  /** This policy's config properties (merged over the schema defaults, like the CLI). */
  config?: Record<string, unknown>;
  /** Logical resource name (default "r"). */
  name?: string;
  opts?: Partial<PolicyResourceOptions>;
  stackTags?: ReadonlyMap<string, string>;
}

/** Runs one resource policy on one resource's inputs with engine semantics. */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  options: RunOneOptions = {},
): Promise<PolicyOutcome> {
  const result = await runResourcePolicies(
    [policy],
    { type, name: options.name ?? "r", props, opts: options.opts },
    {
      config: options.config ? { [policy.name]: options.config } : {},
      stackTags: options.stackTags,
    },
  );
  return outcome(result);
}

/** Runs one stack policy on a stack's outputs and graph with engine semantics. */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: readonly StackResourceSpec[],
  options: Omit<RunOneOptions, "name" | "opts"> = {},
): Promise<PolicyOutcome> {
  const result = await runStackPolicies([policy], resources, {
    config: options.config ? { [policy.name]: options.config } : {},
    stackTags: options.stackTags,
  });
  return outcome(result);
}

/** Graph edges of a stack resource, given as other specs rather than URNs. */
export interface StackEdges {
  parent?: StackResourceSpec;
  dependencies?: StackResourceSpec[];
  propertyDependencies?: Record<string, StackResourceSpec[]>;
  opts?: Partial<PolicyResourceOptions>;
}

/** Builds a stack resource spec (outputs + graph) with an engine-style URN. */
export function stackResource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  edges: StackEdges = {},
): StackResourceSpec {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, deps] of Object.entries(edges.propertyDependencies ?? {})) {
    propertyDependencies[k] = deps.map((d) => d.urn ?? makeUrn(d.type, d.name));
  }
  const allDeps = new Set<string>([
    ...(edges.dependencies ?? []).map((d) => d.urn ?? makeUrn(d.type, d.name)),
    ...Object.values(propertyDependencies).flat(),
  ]);
  return {
    type,
    name,
    urn: makeUrn(type, name),
    props,
    opts: edges.opts,
    parent: edges.parent?.urn,
    dependencies: [...allDeps],
    propertyDependencies,
  };
}

/** Deep copy (fixtures are mutated per test). */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Sets a dotted path (creating objects on the way); `undefined` deletes the property. */
export function setPath(
  target: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const parts = path.split(".");
  let cursor: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    const next = cursor[part];
    if (typeof next !== "object" || next === null) {
      cursor[part] = {};
    }
    cursor = cursor[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) {
    delete cursor[last];
  } else {
    cursor[last] = value;
  }
  return target;
}

/** A copy of `props` with `path` set to `value` (or removed when `value` is undefined). */
export function withPath(
  props: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  return setPath(clone(props), path, value);
}

/** Policy metadata helper for specs. */
export function policyNamed(list: readonly Policy[], name: string): Policy {
  const p = list.find((x) => x.name === name);
  if (!p) {
    throw new Error(`no policy named ${name}`);
  }
  return p;
}
