import * as assert from "node:assert/strict";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_KEYS as SINGLE_KEYS } from "../../stacks/configSchema";
import { FLEET_CONFIG_KEYS } from "../../stacks/fleetConfigSchema";
import { REPO, STACKS } from "../support/stackFiles";

/** Every key the program reads: the single layout's and the fleet layout's (stackKind, platform*). */
const CONFIG_KEYS = { ...SINGLE_KEYS, ...FLEET_CONFIG_KEYS };

describe("Pulumi.yaml", () => {
  const project = parse(readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8")) as Record<
    string,
    any
  >;

  it("is a TypeScript nodejs project whose program and stack files live in stacks/", () => {
    assert.equal(project.name, "cmk-storage");
    assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: true } });
    assert.equal(project.main, "stacks/index.ts");
    assert.equal(project.stackConfigDir, "stacks");
  });

  it("declares every config key the program reads with the same type, description and default", () => {
    const expected = Object.fromEntries(
      Object.entries(CONFIG_KEYS).map(([k, s]) => [
        k,
        {
          // Pulumi.yaml types only string, integer, boolean and array keys: an object key is declared untyped.
          ...(s.type === "object" ? {} : { type: s.type }),
          description: s.description,
          ...(s.type === "array" ? { items: { type: "string" } } : {}),
          ...(s.default !== undefined ? { default: s.default } : {}),
        },
      ]),
    );
    assert.deepEqual(project.config, expected);
  });

  it("declares the object-typed keys (teams, privateDnsZoneIds, platformKeys) without a type and with an empty-map default, so stacks in the list form need no teams", () => {
    assert.deepEqual(
      Object.entries(CONFIG_KEYS)
        .filter(([, s]) => s.type === "object")
        .map(([k]) => k),
      ["teams", "privateDnsZoneIds", "platformKeys"],
    );
    for (const key of ["teams", "privateDnsZoneIds", "platformKeys"]) {
      assert.equal(
        "type" in project.config[key],
        false,
        "Pulumi.yaml accepts only string, integer, boolean and array types",
      );
      assert.deepEqual(project.config[key].default, {});
    }
    assert.deepEqual(
      project.config.accounts.default,
      [],
      "stacks in the map form need no accounts",
    );
  });

  it("gives every optional key a default, as Pulumi requires for keys a stack may leave out", () => {
    for (const [k, s] of Object.entries(CONFIG_KEYS)) {
      assert.equal(s.required === true || s.default !== undefined, true, k);
    }
  });

  for (const stack of STACKS) {
    it(`has a stacks/Pulumi.${stack}.yaml that sets only declared project keys and the provider location`, () => {
      const doc = parse(
        readFileSync(path.join(REPO, "stacks", `Pulumi.${stack}.yaml`), "utf8"),
      ) as { config: Record<string, unknown> };
      for (const key of Object.keys(doc.config)) {
        assert.ok(
          key === "azure-native:location" ||
            (key.startsWith("cmk-storage:") && key.slice(12) in CONFIG_KEYS),
          key,
        );
      }
      assert.equal(doc.config["azure-native:location"], doc.config["cmk-storage:location"]);
    });
  }
});
