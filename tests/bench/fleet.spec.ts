import * as assert from "node:assert/strict";
import { fleetStackConfig, fleetTeams, MIXED_PROFILES } from "../../bench/fleet";
import { parseStackConfig } from "../../stacks/config";

describe("bench fleet generator", () => {
  it("generates a mixed fleet that the stack config accepts, cycling through every override profile", () => {
    const n = 2 * MIXED_PROFILES.length + 1;
    const s = parseStackConfig(fleetStackConfig(n, "mixed"), "cmk-storage", "bench");
    const teams = Object.values(s.teams);
    assert.equal(teams.length, n);
    const count = (pick: (t: (typeof teams)[number]) => boolean) => teams.filter(pick).length;
    assert.equal(
      count((t) => Object.keys(t).length === 0),
      3,
      "teams with the stack defaults",
    );
    assert.equal(
      count((t) => t.accountSku === "Standard_GZRS" && t.owner !== undefined),
      2,
    );
    assert.equal(
      count(
        (t) => (t.allowedSubnetIds ?? []).length === 1 && (t.allowedIpRanges ?? []).length === 1,
      ),
      2,
    );
    assert.equal(
      count((t) => t.rotateAccessKeys === true && t.allowSharedKeyAccess === true),
      2,
    );
    assert.equal(
      count((t) => t.key?.permissionModel === "rbac"),
      2,
    );
    assert.equal(
      count((t) => t.protect === true),
      2,
    );
  });

  it("generates a uniform fleet of teams with the stack defaults only, with valid team ids", () => {
    const teams = fleetTeams(160, "uniform");
    assert.equal(Object.keys(teams).length, 160);
    assert.deepEqual([...new Set(Object.values(teams).map((t) => JSON.stringify(t)))], ["{}"]);
    assert.deepEqual(
      Object.keys(parseStackConfig(fleetStackConfig(160, "uniform"), "cmk-storage", "bench").teams),
      Object.keys(teams),
    );
  });
});
