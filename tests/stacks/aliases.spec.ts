import * as assert from "node:assert/strict";
import { readFileSync } from "fs";
import * as path from "path";
import { parseStackConfig } from "../../stacks/config";
import { deployCmkPlatform } from "../../stacks/program";
import { urnsAnsweredTo } from "../support/aliases";
import { recorder, settled } from "../support/mocks";
import { rawStackConfig, REPO, STACKS } from "../support/stackFiles";

/**
 * What every stack registered with release 0.1.0 (tokens `cmk:<module>:<Class>`, index-named administrator grants),
 * recorded under these mocks from commit 5a48b01: URN, inputs and protection of each resource.
 */
interface Registered {
  urn: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
}
const RELEASE_0_1_0 = JSON.parse(readFileSync(path.join(REPO, "tests/fixtures/release-0.1.0-stacks.json"), "utf8")) as Record<string, Registered[]>;

/**
 * Resources of 0.1.0 that 0.2.0 deliberately does not keep: the RBAC propagation wait was a dynamic resource and is a
 * `time:Sleep` now (deleting the old one is a no-op in Azure; the new one sleeps once).
 */
const RETIRED = /pulumi-nodejs:dynamic\/cmk:RbacPropagationWait::/;

describe("upgrading from 0.1.0 keeps every resource (aliases)", () => {
  for (const stack of STACKS) {
    it(`${stack}: every resource of 0.1.0 maps onto exactly one resource of this release with the same inputs`, async () => {
      recorder.reset();
      deployCmkPlatform(parseStackConfig(rawStackConfig(stack), "cmk-storage", `stacks/Pulumi.${stack}.yaml`));
      const now = await settled();
      const answers = urnsAnsweredTo(now);
      const old = RELEASE_0_1_0[stack]!;
      assert.ok(old.length > 10, "the fixture holds the stack");
      const unmatched: string[] = [];
      const changed: string[] = [];
      for (const before of old) {
        if (RETIRED.test(before.urn)) continue;
        const claimants = now.filter((r) => answers.get(r.urn)!.has(before.urn));
        if (claimants.length !== 1) {
          unmatched.push(`${before.urn} → ${claimants.length} resources`);
          continue;
        }
        const after = claimants[0]!;
        // Same inputs and protection: the engine sees no diff, so nothing is updated, let alone replaced.
        try {
          assert.deepEqual(
            { inputs: after.inputs, protect: after.protect, retainOnDelete: after.retainOnDelete },
            { inputs: before.inputs, protect: before.protect, retainOnDelete: before.retainOnDelete },
          );
        } catch (e) {
          changed.push(`${before.urn}: ${(e as Error).message}`);
        }
      }
      assert.deepEqual(unmatched, []);
      assert.deepEqual(changed, []);
      // No resource of this release is new except the replacements of the retired waits.
      const oldUrns = new Set(old.map((o) => o.urn));
      const created = now.filter((r) => ![...answers.get(r.urn)!].some((u) => oldUrns.has(u))).map((r) => `${r.type}::${r.name}`);
      const retired = old.filter((o) => RETIRED.test(o.urn)).length;
      assert.deepEqual(created.filter((c) => !c.startsWith("time:index/sleep:Sleep::")), []);
      assert.equal(created.length, retired, "one time:Sleep per retired RbacPropagationWait");
    });
  }
});
