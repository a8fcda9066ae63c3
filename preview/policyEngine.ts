/**
 * An offline runner with the semantics of @pulumi/policy 1.21's policy server (`server.js`) and the
 * Pulumi CLI's config handling (`pkg/resource/analyzer/config.go`), for unit tests, bridge tests and
 * the offline preview tool. It never constructs a `PolicyPack` (that starts a gRPC server).
 *
 * It lives outside policy/ on purpose: it needs the internal `@pulumi/policy/proxy` module, and the
 * published pack holds only the policies and what they need at run time.
 *
 * Engine semantics reproduced here:
 * - Config: schema `default`s, then an optional `all` level, then per-policy levels/properties from
 *   the config file; effective level = config level → policy level → pack level (`mandatory`).
 *   `getConfig()` returns the properties without `enforcementLevel`. `disabled` skips the policy.
 * - Resource policies get INPUTS, stack policies get OUTPUTS plus `parent`, `dependencies` and
 *   `propertyDependencies` resolved from URNs (unknown URNs dropped). Props are wrapped in
 *   `unknownCheckingProxy`.
 * - A validation function tagged with a Pulumi type (`validateResourceOfType`) is skipped as
 *   "not applicable" for other types without being called; `args.notApplicable()` throws and is
 *   recorded as not applicable.
 * - `UnknownValueError` (reading a value unknown during preview) becomes an ADVISORY violation
 *   "can't run policy '<name>' from policy pack '<pack>@v<version>' during preview: …".
 * - Any other error propagates (the real server fails the whole analysis).
 */
import {
  type EnforcementLevel,
  type Policies,
  type Policy,
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type Severity,
  type StackValidationArgs,
  type StackValidationPolicy,
  UnknownValueError,
  unknownCheckingProxy,
} from "@pulumi/policy";

// `@pulumi/policy/proxy` exports the preview "unknown" sentinels the engine deserialises computed
// values into; they are marked @internal, so they are absent from the typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxyModule = require("@pulumi/policy/proxy") as Record<string, string>;

/** Sentinel values the policy runtime uses for values unknown during preview. */
export const UNKNOWN = {
  boolean: proxyModule["unknownBooleanValue"],
  number: proxyModule["unknownNumberValue"],
  string: proxyModule["unknownStringValue"],
  array: proxyModule["unknownArrayValue"],
  object: proxyModule["unknownObjectValue"],
} as const;

import { PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "../policy/lib/constants";

export { PACK_ENFORCEMENT_LEVEL, PACK_NAME };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const PACK_VERSION: string = (require("../policy/package.json") as { version: string }).version;

/** A policy config file (`policy/config/<env>.json`): `{ "<policy>": level | { enforcementLevel?, …props } }`. */
export type PolicyConfigFile = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** The effective configuration of one policy after reconciliation. */
export interface EffectivePolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

/** A violation as the engine reports it. */
export interface Violation {
  policyName: string;
  /** Effective level: `advisory` or `mandatory` (`remediate` is reported as `mandatory`). */
  enforcementLevel: EnforcementLevel;
  severity?: Severity;
  /** The message passed to `reportViolation` (the CLI prints `description` + "\n" + message). */
  message: string;
  description: string;
  /** URN of the offending resource (resource policies: the validated resource). */
  urn?: string;
  /** True for the advisory "can't run … during preview" diagnostic. */
  previewUnknown?: boolean;
}

/** A policy that reported itself not applicable (wrong type or `args.notApplicable()`). */
export interface NotApplicable {
  policyName: string;
  urn?: string;
  reason?: string;
}

export interface PolicyRunResult {
  violations: Violation[];
  notApplicable: NotApplicable[];
}

/** A resource as seen by resource policies: its INPUTS after SDK defaults. */
export interface ResourceInputSpec {
  type: string;
  name: string;
  /** Defaults to `urn:pulumi:<stack>::<project>::<type>::<name>`. */
  urn?: string;
  props: Record<string, unknown>;
  opts?: Partial<PolicyResourceOptions>;
}

/** A resource as seen by stack policies: its OUTPUTS plus the dependency graph (by URN). */
export interface StackResourceSpec extends ResourceInputSpec {
  /** URN of the parent resource. */
  parent?: string;
  /** URNs of every resource this one depends on. */
  dependencies?: string[];
  /** Top-level input name → URNs it depends on, e.g. `{ encryption: [keyUrn, identityUrn] }`. */
  propertyDependencies?: Record<string, string[]>;
}

/** Options shared by the runners. */
export interface RunOptions {
  /** Policy config file contents (see `PolicyConfigFile`); defaults only when omitted. */
  config?: PolicyConfigFile;
  stackTags?: ReadonlyMap<string, string>;
  packName?: string;
  packVersion?: string;
  packEnforcementLevel?: EnforcementLevel;
}

const DEFAULT_OPTS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  additionalSecretOutputs: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

/** Builds a URN the way the engine does (`parentType$type` for children of a component). */
export function makeUrn(
  type: string,
  name: string,
  stack = "dev",
  project = "project",
  parentType?: string,
): string {
  const qualified = parentType ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Error thrown by `args.notApplicable()` (the real one is private to `server.js`). */
export class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

function pulumiTypeOf(x: unknown): string | undefined {
  return (x as { __pulumiType?: string } | undefined)?.__pulumiType;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const t = pulumiTypeOf(resourceClass);
  if (t !== undefined) {
    return t === type;
  }
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

export function isResourcePolicy(p: Policy): p is ResourceValidationPolicy {
  return (
    typeof (p as ResourceValidationPolicy).validateResource === "function" ||
    Array.isArray((p as ResourceValidationPolicy).validateResource)
  );
}

export function isStackPolicy(p: Policy): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** Schema `default`s of a policy's config, as the CLI fills them in. */
export function configDefaults(policy: Policy): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    if (schema && "default" in schema) {
      result[k] = structuredClone(schema.default);
    }
  }
  return result;
}

/**
 * Reconciles policy config like the CLI: defaults → `all` level → per-policy level and properties.
 * Does not validate against the schemas (the tests do that with Ajv; the CLI with gojsonschema).
 */
export function reconcileConfig(
  policies: Policies,
  config: PolicyConfigFile = {},
  packEnforcementLevel: EnforcementLevel = PACK_ENFORCEMENT_LEVEL,
): Map<string, EffectivePolicyConfig> {
  const result = new Map<string, EffectivePolicyConfig>();
  const all = config["all"];
  const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
  for (const p of policies) {
    let level: EnforcementLevel = p.enforcementLevel ?? packEnforcementLevel;
    if (allLevel !== undefined) {
      level = allLevel;
    }
    const properties = configDefaults(p);
    const given = config[p.name];
    if (typeof given === "string") {
      level = given;
    } else if (given !== undefined) {
      const { enforcementLevel, ...props } = given;
      if (enforcementLevel !== undefined) {
        level = enforcementLevel;
      }
      Object.assign(properties, props);
    }
    result.set(p.name, { enforcementLevel: level, properties });
  }
  return result;
}

function effectiveLevel(level: EnforcementLevel): EnforcementLevel {
  return level === "remediate" ? "mandatory" : level;
}

function makeReporter(
  policy: Policy,
  level: EnforcementLevel,
  violations: Violation[],
  defaultUrn?: string,
) {
  return (message: string, urn?: string): void => {
    violations.push({
      policyName: policy.name,
      enforcementLevel: level,
      severity: policy.severity,
      message: message ?? "",
      description: policy.description,
      urn: urn ?? defaultUrn,
    });
  };
}

function handleError(
  e: unknown,
  policy: Policy,
  options: RunOptions,
  result: PolicyRunResult,
  urn: string | undefined,
): void {
  if (e instanceof UnknownValueError) {
    const pack = `'${options.packName ?? PACK_NAME}@v${options.packVersion ?? PACK_VERSION}'`;
    result.violations.push({
      policyName: policy.name,
      enforcementLevel: "advisory",
      severity: policy.severity,
      message: `can't run policy '${policy.name}' from policy pack ${pack} during preview: ${(e as Error).message}`,
      description: policy.description,
      urn,
      previewUnknown: true,
    });
  } else if (e instanceof NotApplicableError) {
    result.notApplicable.push({ policyName: policy.name, urn, reason: e.reason });
  } else {
    throw e;
  }
}

/** Builds runtime-faithful `ResourceValidationArgs` (props proxied; `getConfig` returns `config`). */
export function makeResourceArgs(
  spec: ResourceInputSpec,
  config: Record<string, unknown> = {},
  stackTags: ReadonlyMap<string, string> = new Map(),
): ResourceValidationArgs {
  const props = unknownCheckingProxy(spec.props) as Record<string, unknown>;
  const type = spec.type;
  return {
    type,
    props,
    urn: spec.urn ?? makeUrn(type, spec.name),
    name: spec.name,
    opts: { ...DEFAULT_OPTS, ...spec.opts },
    stackTags,
    isType: (cls: unknown) => isTypeOf(type, cls),
    asType: ((cls: unknown) =>
      isTypeOf(type, cls) ? props : undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => ({ ...config }) as T,
    notApplicable: throwNotApplicable,
  } as ResourceValidationArgs;
}

/** Builds runtime-faithful `PolicyResource`s (props proxied; graph resolved by URN). */
export function makePolicyResources(specs: readonly StackResourceSpec[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const built = specs.map((spec) => {
    const props = unknownCheckingProxy(spec.props) as Record<string, unknown>;
    const type = spec.type;
    const resource: PolicyResource = {
      type,
      props,
      urn: spec.urn ?? makeUrn(type, spec.name),
      name: spec.name,
      opts: { ...DEFAULT_OPTS, ...spec.opts },
      dependencies: [],
      propertyDependencies: {},
      isType: (cls: unknown) => isTypeOf(type, cls),
      asType: ((cls: unknown) =>
        isTypeOf(type, cls) ? props : undefined) as PolicyResource["asType"],
    } as PolicyResource;
    byUrn.set(resource.urn, resource);
    return { spec, resource };
  });
  for (const { spec, resource } of built) {
    const parent = spec.parent ? byUrn.get(spec.parent) : undefined;
    if (parent) {
      resource.parent = parent;
    }
    resource.dependencies = (spec.dependencies ?? [])
      .map((u) => byUrn.get(u))
      .filter((r): r is PolicyResource => r !== undefined);
    for (const [k, urns] of Object.entries(spec.propertyDependencies ?? {})) {
      resource.propertyDependencies[k] = urns
        .map((u) => byUrn.get(u))
        .filter((r): r is PolicyResource => r !== undefined);
    }
  }
  return built.map((b) => b.resource);
}

/** Runs every enabled resource policy against one resource's inputs (the engine's `analyze`). */
export async function runResourcePolicies(
  policies: Policies,
  resource: ResourceInputSpec,
  options: RunOptions = {},
): Promise<PolicyRunResult> {
  const result: PolicyRunResult = { violations: [], notApplicable: [] };
  const configs = reconcileConfig(policies, options.config, options.packEnforcementLevel);
  const urn = resource.urn ?? makeUrn(resource.type, resource.name);
  for (const p of policies) {
    const cfg = configs.get(p.name);
    if (
      !cfg ||
      cfg.enforcementLevel === "disabled" ||
      !isResourcePolicy(p) ||
      !p.validateResource
    ) {
      continue;
    }
    const level = effectiveLevel(cfg.enforcementLevel);
    if (!Array.isArray(p.validateResource)) {
      const t = pulumiTypeOf(p.validateResource);
      if (t !== undefined && t !== resource.type) {
        result.notApplicable.push({
          policyName: p.name,
          urn,
          reason: `Policy only applies to resources of type '${t}'`,
        });
        continue;
      }
    }
    const report = makeReporter(p, level, result.violations, urn);
    const validations = Array.isArray(p.validateResource)
      ? p.validateResource
      : [p.validateResource];
    for (const validate of validations) {
      try {
        const args = makeResourceArgs({ ...resource, urn }, cfg.properties, options.stackTags);
        await Promise.resolve(validate(args, (m: string) => report(m)));
      } catch (e) {
        handleError(e, p, options, result, urn);
      }
    }
  }
  return result;
}

/** Runs every enabled stack policy against a stack's outputs and graph (the engine's `analyzeStack`). */
export async function runStackPolicies(
  policies: Policies,
  resources: readonly StackResourceSpec[],
  options: RunOptions = {},
): Promise<PolicyRunResult> {
  const result: PolicyRunResult = { violations: [], notApplicable: [] };
  const configs = reconcileConfig(policies, options.config, options.packEnforcementLevel);
  for (const p of policies) {
    const cfg = configs.get(p.name);
    if (!cfg || cfg.enforcementLevel === "disabled" || !isStackPolicy(p)) {
      continue;
    }
    const level = effectiveLevel(cfg.enforcementLevel);
    const t = pulumiTypeOf(p.validateStack);
    if (t !== undefined && !resources.some((r) => r.type === t)) {
      result.notApplicable.push({
        policyName: p.name,
        reason: `Policy only applies to resources of type '${t}'`,
      });
      continue;
    }
    try {
      const args: StackValidationArgs = {
        resources: makePolicyResources(resources),
        getConfig: <T extends object>() => ({ ...cfg.properties }) as T,
        stackTags: options.stackTags ?? new Map(),
        notApplicable: throwNotApplicable,
      };
      await Promise.resolve(p.validateStack(args, makeReporter(p, level, result.violations)));
    } catch (e) {
      handleError(e, p, options, result, undefined);
    }
  }
  return result;
}

/** One resource of a deployment: its inputs (resource policies) and outputs + graph (stack policies). */
export interface DeploymentResource extends Omit<StackResourceSpec, "props"> {
  /** Inputs as the engine sends them to resource policies (after SDK defaults). */
  inputs: Record<string, unknown>;
  /** Outputs as the engine sends them to stack policies; defaults to `inputs`. */
  outputs?: Record<string, unknown>;
}

/**
 * Runs the whole pack the way `pulumi preview --policy-pack` does: every resource policy against
 * every resource's inputs, then every stack policy against all outputs and the graph.
 */
export async function runPolicyPack(
  policies: Policies,
  resources: readonly DeploymentResource[],
  options: RunOptions = {},
): Promise<PolicyRunResult> {
  const result: PolicyRunResult = { violations: [], notApplicable: [] };
  const withUrns = resources.map((r) => ({ ...r, urn: r.urn ?? makeUrn(r.type, r.name) }));
  for (const r of withUrns) {
    const one = await runResourcePolicies(
      policies,
      { type: r.type, name: r.name, urn: r.urn, props: r.inputs, opts: r.opts },
      options,
    );
    result.violations.push(...one.violations);
    result.notApplicable.push(...one.notApplicable);
  }
  const stack = await runStackPolicies(
    policies,
    withUrns.map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: r.outputs ?? r.inputs,
      opts: r.opts,
      parent: r.parent,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
    })),
    options,
  );
  result.violations.push(...stack.violations);
  result.notApplicable.push(...stack.notApplicable);
  return result;
}

/** Mandatory violations only (what fails `pulumi preview`), excluding preview-unknown notices. */
export function mandatoryViolations(result: PolicyRunResult): Violation[] {
  return result.violations.filter((v) => v.enforcementLevel === "mandatory");
}
