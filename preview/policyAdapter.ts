/**
 * Feeds a recorded deployment into the policy pack through preview/policyEngine.ts (the engine-semantics runner): resource
 * policies see each resource's inputs, stack policies see outputs with dependencies and property dependencies; the
 * per-environment config file is reconciled like the Pulumi CLI does.
 */
import * as fs from "fs";
import type { Policies } from "@pulumi/policy";
import type { RecordedResource } from "./recorder";
import type * as PolicyEngine from "./policyEngine";

export interface PolicyViolationRecord {
  policy: string;
  level: string;
  severity?: string;
  message: string;
  urn?: string;
  previewUnknown?: boolean;
}

export interface PolicyOutcome {
  /** Every enabled policy with its effective level, in the pack's order. */
  policies: { name: string; level: string; kind: "resource" | "stack" }[];
  disabled: string[];
  violations: PolicyViolationRecord[];
  mandatory: PolicyViolationRecord[];
  advisory: PolicyViolationRecord[];
}

// Loaded on first use: the engine pulls in @pulumi/policy, which a --help or usage error never needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadEngine = (): typeof PolicyEngine => require("./policyEngine") as typeof PolicyEngine;

/** Loads `policies` from policy/policies.ts, with a clear error when the pack is not there. */
export function loadPolicies(): Policies {
  let mod: { policies?: Policies };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require("../policy/policies");
  } catch (e) {
    if (
      (e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" &&
      String((e as Error).message).includes("policy/policies")
    ) {
      throw new Error(
        "policy/policies.ts not found: the policy pack must export `policies` from policy/policies.ts",
        { cause: e },
      );
    }
    throw e;
  }
  if (!Array.isArray(mod.policies)) {
    throw new Error("policy/policies.ts does not export a `policies` array");
  }
  return mod.policies;
}

/** Every `<policy>.<setting>=<default>` of the pack's config schemas: what applies without a policy config file. */
export function schemaDefaults(policies: Policies): string[] {
  const out: string[] = [];
  for (const p of policies) {
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (schema && typeof schema === "object" && "default" in schema) {
        out.push(`${p.name}.${k}=${JSON.stringify(schema.default)}`);
      }
    }
  }
  return out;
}

export async function runPolicyAdapter(
  resources: readonly RecordedResource[],
  configFile: string | undefined,
): Promise<PolicyOutcome> {
  const engine = loadEngine();
  const policies = loadPolicies();
  let config: Record<string, any> | undefined;
  if (configFile) {
    try {
      config = JSON.parse(fs.readFileSync(configFile, "utf8"));
    } catch (e) {
      throw new Error(`cannot read policy config ${configFile}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  const result = await engine.runPolicyPack(
    policies,
    resources.map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      inputs: r.inputs,
      outputs: r.outputs,
      parent: r.parent,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      opts: { protect: r.protect },
    })),
    { config: config as any },
  );
  const effective = engine.reconcileConfig(policies, config as any);
  const listed: PolicyOutcome["policies"] = [];
  const disabled: string[] = [];
  for (const p of policies) {
    const level = effective.get(p.name)?.enforcementLevel ?? "advisory";
    if (level === "disabled") disabled.push(p.name);
    else {
      listed.push({
        name: p.name,
        level: level === "remediate" ? "mandatory" : level,
        kind: engine.isStackPolicy(p) ? "stack" : "resource",
      });
    }
  }
  const violations: PolicyViolationRecord[] = result.violations
    .map((v) => ({
      policy: v.policyName,
      level: v.enforcementLevel,
      ...(v.severity ? { severity: v.severity } : {}),
      message: v.message,
      ...(v.urn ? { urn: v.urn } : {}),
      ...(v.previewUnknown ? { previewUnknown: true } : {}),
    }))
    .sort((a, b) =>
      `${a.policy}\u0000${a.urn ?? ""}\u0000${a.message}`.localeCompare(
        `${b.policy}\u0000${b.urn ?? ""}\u0000${b.message}`,
      ),
    );
  return {
    policies: listed,
    disabled,
    violations,
    mandatory: violations.filter((v) => v.level === "mandatory"),
    advisory: violations.filter((v) => v.level !== "mandatory"),
  };
}
