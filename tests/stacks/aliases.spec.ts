import * as assert from "node:assert/strict";
import { readFileSync } from "fs";
import * as path from "path";
import { parseStackConfig } from "../../stacks/config";
import { deployCmkPlatform } from "../../stacks/program";
import { TYPES } from "@cmk-platform/azure-cmk-storage";
import type { RecordedResource } from "../../preview/recorder";
import { answeredUrns } from "../../preview/diff";
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
const RELEASE_0_1_0 = JSON.parse(
  readFileSync(path.join(REPO, "tests/fixtures/release-0.1.0-stacks.json"), "utf8"),
) as Record<string, Registered[]>;

/**
 * Resources of 0.1.0 that 0.2.0 deliberately does not keep: the RBAC propagation wait was a dynamic resource and is a
 * `time:Sleep` now (deleting the old one is a no-op in Azure; the new one sleeps once).
 */
const RETIRED = /pulumi-nodejs:dynamic\/cmk:RbacPropagationWait::/;

/**
 * Resource types 0.3.0 adds beside existing resources (issue 16): blob data protection on every account, and, where a
 * stack asks for them, private endpoints with their DNS zone groups, diagnostic settings and locks. They are creates
 * only: every resource of 0.1.0 must still map onto one with the same inputs (checked below).
 */
const ADDED_BESIDE = new Set([
  "azure-native:storage:BlobServiceProperties",
  "azure-native:network:PrivateEndpoint",
  "azure-native:network:PrivateDnsZoneGroup",
  "azure-native:monitor:DiagnosticSetting",
  "azure-native:authorization:ManagementLockByScope",
]);

/** The team ids of a 0.1.0 stack: the names of its CmkStorageAccount components. */
function releasedTeams(stack: string): string[] {
  return RELEASE_0_1_0[stack]
    .map((r) => /::cmk:storage:CmkStorageAccount::(\w+)$/.exec(r.urn)?.[1])
    .filter((t): t is string => t !== undefined);
}

/** Whether a resource is a CmkStorageAccount component named by one of `teams`, or a descendant of one. */
function belongsToTeam(
  r: RecordedResource,
  teams: ReadonlySet<string>,
  byUrn: ReadonlyMap<string, RecordedResource>,
): boolean {
  for (
    let at: RecordedResource | undefined = r;
    at;
    at = at.parent ? byUrn.get(at.parent) : undefined
  ) {
    if (at.type === TYPES.CmkStorageAccount && teams.has(at.name)) return true;
  }
  return false;
}

/**
 * Builds a stack from raw config and compares it with the stack's 0.1.0 registrations: every old resource must map
 * onto exactly one new resource with the same inputs and protection, and nothing may be new except the replacements
 * of retired resources and the resources of teams onboarded after 0.1.0 (`newTeams`).
 */
async function compareWithRelease(
  stack: string,
  raw: Record<string, string>,
  newTeams: readonly string[],
): Promise<void> {
  recorder.reset();
  deployCmkPlatform(parseStackConfig(raw, "cmk-storage", `stacks/Pulumi.${stack}.yaml`));
  const now = await settled();
  const answers = answeredUrns(now);
  const old = RELEASE_0_1_0[stack];
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
    const after = claimants[0];
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
  // No resource of this release is new except the replacements of the retired waits and the new teams' resources.
  const oldUrns = new Set(old.map((o) => o.urn));
  const byUrn = new Map(now.map((r) => [r.urn, r]));
  const onboarded = new Set(newTeams);
  const created = now.filter((r) => ![...answers.get(r.urn)!].some((u) => oldUrns.has(u)));
  const createdOutsideNewTeams = created.filter(
    (r) => !belongsToTeam(r, onboarded, byUrn) && !ADDED_BESIDE.has(r.type),
  );
  const retired = old.filter((o) => RETIRED.test(o.urn)).length;
  assert.deepEqual(
    createdOutsideNewTeams
      .map((r) => `${r.type}::${r.name}`)
      .filter((c) => !c.startsWith("time:index/sleep:Sleep::")),
    [],
  );
  assert.equal(
    createdOutsideNewTeams.length,
    retired,
    "one time:Sleep per retired RbacPropagationWait",
  );
  if (onboarded.size > 0) {
    assert.deepEqual(
      created
        .filter((r) => r.type === TYPES.CmkStorageAccount)
        .map((r) => r.name)
        .sort(),
      [...onboarded].sort(),
      "each onboarded team is one new CmkStorageAccount",
    );
  }
}

describe("upgrading from 0.1.0 keeps every resource (aliases)", () => {
  for (const stack of STACKS) {
    it(`${stack}: every resource of 0.1.0 maps onto exactly one resource of this release with the same inputs`, async () => {
      const raw = rawStackConfig(stack);
      const released = releasedTeams(stack);
      const current = Object.keys(JSON.parse(raw.teams ?? "{}") as object);
      assert.deepEqual(
        current.filter((t) => released.includes(t)).sort(),
        [...released].sort(),
        "the stack file keeps every 0.1.0 team",
      );
      // Teams onboarded since 0.1.0 (with overrides, in the map form) are new by design; nothing else may be.
      await compareWithRelease(
        stack,
        raw,
        current.filter((t) => !released.includes(t)),
      );
    });

    it(`${stack}: the older list form cmk-storage:accounts of 0.1.0 still builds exactly the 0.1.0 resources`, async () => {
      const { teams: _mapForm, ...raw } = rawStackConfig(stack);
      await compareWithRelease(
        stack,
        { ...raw, accounts: JSON.stringify(releasedTeams(stack)) },
        [],
      );
    });
  }
});
