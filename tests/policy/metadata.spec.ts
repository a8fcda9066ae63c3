import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { type Policy } from "@pulumi/policy";
import {
  configDefaults,
  isResourcePolicy,
  isStackPolicy,
  policies,
  reconcileConfig,
} from "../support/policyHarness";

const CONFIG_DIR = join(__dirname, "../../policy/config");
const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

/** The schema the CLI validates a policy's config against, plus enforcementLevel (stricter: no unknown keys). */
function cliSchema(p: Policy): object {
  return {
    type: "object",
    properties: {
      ...(p.configSchema?.properties ?? {}),
      enforcementLevel: { type: "string", enum: LEVELS },
    },
    ...(p.configSchema?.required ? { required: p.configSchema.required } : {}),
    additionalProperties: false,
  };
}

function loadConfig(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(CONFIG_DIR, file), "utf8")) as Record<string, unknown>;
}

describe("policy pack metadata", () => {
  it("has unique kebab-case names and never the reserved name 'all'", () => {
    const names = policies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) {
      assert.match(n, /^[a-z0-9]+(-[a-z0-9]+)*$/, n);
      assert.notEqual(n, "all");
    }
  });

  it("gives every policy a description sentence, level, severity, remediation steps and a url", () => {
    for (const p of policies) {
      assert.match(p.description, /^[A-Z].*\.$/, p.name);
      assert.ok(p.enforcementLevel === "advisory" || p.enforcementLevel === "mandatory", p.name);
      assert.ok(p.severity, p.name);
      assert.ok((p.remediationSteps ?? "").length > 20, p.name);
      assert.match(p.url ?? "", /^https:\/\//, p.name);
    }
  });

  it("contains only resource or stack validation policies", () => {
    for (const p of policies) {
      assert.ok(isResourcePolicy(p) !== isStackPolicy(p), p.name);
    }
  });

  it("has config schemas that compile as JSON Schema, with a default for every property", () => {
    const ajv = new Ajv({ strict: true });
    for (const p of policies.filter((x) => x.configSchema)) {
      const props = p.configSchema?.properties ?? {};
      assert.ok(!("enforcementLevel" in props), p.name);
      assert.ok(!(p.configSchema?.required ?? []).includes("enforcementLevel"), p.name);
      for (const [k, s] of Object.entries(props)) {
        assert.ok("default" in s, `${p.name}.${k} has no default`);
        assert.ok(s.description, `${p.name}.${k} has no description`);
      }
      const validate = ajv.compile(cliSchema(p));
      assert.ok(
        validate(configDefaults(p)),
        `${p.name} defaults: ${ajv.errorsText(validate.errors)}`,
      );
    }
  });

  const files = readdirSync(CONFIG_DIR).filter((f) => f.endsWith(".json"));

  it("ships dev, staging and prod configs", () => {
    assert.deepEqual(files.sort(), ["dev.json", "prod.json", "staging.json"]);
  });

  for (const file of files) {
    it(`validates policy/config/${file} against every policy's schema as the CLI would`, () => {
      const ajv = new Ajv({ strict: true });
      const config = loadConfig(file);
      const names = new Set(policies.map((p) => p.name));
      for (const key of Object.keys(config)) {
        assert.ok(names.has(key) || key === "all", `${file}: unknown policy ${key}`);
      }
      for (const p of policies) {
        const given = config[p.name];
        const props =
          typeof given === "string"
            ? { enforcementLevel: given }
            : ((given as object | undefined) ?? {});
        const merged = { ...configDefaults(p), ...props };
        const validate = ajv.compile(cliSchema(p));
        assert.ok(validate(merged), `${file} ${p.name}: ${ajv.errorsText(validate.errors)}`);
      }
    });
  }

  it("fails validation for a config value outside its schema", () => {
    const ajv = new Ajv({ strict: true });
    const p = policies.find((x) => x.name === "kv-soft-delete-retention");
    assert.ok(p);
    assert.equal(ajv.compile(cliSchema(p))({ minRetentionDays: 5 }), false);
  });

  it("makes HSM-backed keys and key deletion protection mandatory in prod only", () => {
    const level = (file: string, name: string) =>
      reconcileConfig(policies, loadConfig(file) as never).get(name)?.enforcementLevel;
    assert.equal(level("prod.json", "kv-key-hsm-backed"), "mandatory");
    assert.equal(level("prod.json", "cmk-key-deletion-protected"), "mandatory");
    for (const env of ["dev.json", "staging.json"]) {
      assert.equal(level(env, "kv-key-hsm-backed"), "advisory");
      assert.equal(level(env, "cmk-key-deletion-protected"), "advisory");
    }
  });
});

describe("reconcileConfig", () => {
  it("merges schema defaults, the 'all' level and per-policy settings like the CLI", () => {
    const cfg = reconcileConfig(policies, {
      all: "advisory",
      "kv-soft-delete-retention": { minRetentionDays: 30 },
      "kv-key-hsm-backed": "mandatory",
    });
    assert.deepEqual(cfg.get("kv-soft-delete-retention"), {
      enforcementLevel: "advisory",
      properties: { minRetentionDays: 30 },
    });
    assert.equal(cfg.get("kv-key-hsm-backed")?.enforcementLevel, "mandatory");
    assert.deepEqual(cfg.get("kv-key-type-and-size")?.properties, {
      allowedKeyTypes: ["RSA", "RSA-HSM"],
      minRsaKeySize: 2048,
    });
  });
});
