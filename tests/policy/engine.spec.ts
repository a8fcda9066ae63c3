import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TYPES } from "../../policy/lib/constants";
import {
  type DeploymentResource,
  type PolicyConfigFile,
  mandatoryViolations,
  policies,
  runPolicyPack,
} from "../support/policyHarness";
import { keyInputs, storageInputs, vaultInputs } from "./fixtures";
import { guardedStack } from "./guardrailFixtures";

function config(env: string): PolicyConfigFile {
  return JSON.parse(
    readFileSync(join(__dirname, `../../policy/config/${env}.json`), "utf8"),
  ) as PolicyConfigFile;
}

/**
 * The compliant fixtures as a deployment: inputs for resource policies, outputs + graph for stack policies. The CMK
 * stack carries the guardrails (private endpoints, logs, locks, blob protection) so that the guardrail policies pass.
 */
function deployment(): DeploymentResource[] {
  const inputsByType: Record<string, Record<string, unknown>> = {
    [TYPES.vault]: vaultInputs(),
    [TYPES.key]: keyInputs(),
    [TYPES.storageAccount]: storageInputs(),
  };
  return guardedStack().map((spec) => ({
    ...spec,
    inputs: inputsByType[spec.type] ?? spec.props,
    outputs: spec.props,
  }));
}

describe("runPolicyPack", () => {
  it("finds no mandatory violation in the compliant deployment with the dev config", async () => {
    const result = await runPolicyPack(policies, deployment(), { config: config("dev") });
    assert.deepEqual(mandatoryViolations(result), []);
    assert.deepEqual(
      result.violations.map((v) => v.policyName),
      ["kv-key-hsm-backed"],
    );
  });

  it("fails the software key under the prod config, where HSM-backed keys are mandatory", async () => {
    const result = await runPolicyPack(policies, deployment(), { config: config("prod") });
    assert.deepEqual(
      mandatoryViolations(result).map((v) => [v.policyName, v.message]),
      [
        [
          "kv-key-hsm-backed",
          'properties.kty is "RSA"; use an HSM-backed type ("RSA-HSM" or "EC-HSM").',
        ],
      ],
    );
  });

  it("skips disabled policies and records type mismatches as not applicable", async () => {
    const result = await runPolicyPack(policies, deployment(), {
      config: { "kv-key-hsm-backed": "disabled" },
    });
    assert.deepEqual(result.violations, []);
    assert.ok(
      result.notApplicable.some(
        (n) =>
          n.policyName === "kv-purge-protection-enabled" &&
          n.reason === "Policy only applies to resources of type 'azure-native:keyvault:Vault'",
      ),
    );
  });

  it("reports each violation with the policy name, level, severity and resource URN", async () => {
    const broken = deployment().map((r) =>
      r.type === TYPES.vault
        ? {
            ...r,
            inputs: {
              ...r.inputs,
              properties: {
                ...(r.inputs["properties"] as object),
                enablePurgeProtection: undefined,
              },
            },
          }
        : r,
    );
    const result = await runPolicyPack(policies, broken, { config: config("dev") });
    const v = mandatoryViolations(result);
    assert.equal(v.length, 1);
    assert.equal(v[0]?.policyName, "kv-purge-protection-enabled");
    assert.equal(v[0]?.severity, "high");
    assert.equal(v[0]?.urn, "urn:pulumi:dev::project::azure-native:keyvault:Vault::app-vault");
  });
});
