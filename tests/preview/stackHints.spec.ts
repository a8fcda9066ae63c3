import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { POLICY_HINTS, TEAM_STACK_POLICY_HINTS, policyHint } from "../../preview/stackHints";
import { policies } from "../../policy/policies";
import { type CliRun, previewCliRuns } from "../support/previewCli";
import { prodCopy } from "../support/prodCopies";

/**
 * The guardrail policies' stack-config hints (preview/stackHints.ts, POLICY_HINTS): a prod stack without private
 * endpoints or without logs fails its preview, and the output names the stack key that fixes it.
 */
describe("stack-config hints for guardrail policy violations (CLI, child processes)", function () {
  this.timeout(180_000);
  const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-hints-"));
  let runs: Record<string, CliRun> = {};

  before(async () => {
    runs = await previewCliRuns([
      ["prod", ["--stack", "prod", "--json"]],
      ["noEndpoints", ["--stack", "prod", "--stack-file", prodCopy(TMP, "noEndpoints")]],
      ["noLogs", ["--stack", "prod", "--stack-file", prodCopy(TMP, "noLogs")]],
      ["noLogsJson", ["--stack", "prod", "--json", "--stack-file", prodCopy(TMP, "noLogs")]],
    ]);
  });
  after(() => fs.rmSync(TMP, { recursive: true, force: true }));

  it("names only policies of the pack", () => {
    const names = new Set(policies.map((p) => p.name));
    for (const name of Object.keys(POLICY_HINTS)) assert.ok(names.has(name), name);
    assert.equal(policyHint("kv-soft-delete"), undefined);
  });

  it("passes the committed prod stack: private, logged, locked and protected", () => {
    assert.equal(runs["prod"].code, 0, runs["prod"].stderr);
    const doc = JSON.parse(runs["prod"].stdout) as { policies: { violations: unknown[] } };
    assert.deepEqual(doc.policies.violations, []);
  });

  it("fails when prod has no private endpoints, naming cmk-storage:privateEndpointSubnetId", () => {
    const r = runs["noEndpoints"];
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /\[mandatory\] storage-account-reachable \(payments-account\): Storage account "cmkprdpayments\w+" is unreachable: publicNetworkAccess is "Disabled" and no private endpoint connects to it/,
    );
    assert.match(
      r.stdout,
      /\n {8}stack config: set cmk-storage:privateEndpointSubnetId and cmk-storage:accountPrivateEndpoints/,
    );
    // treasury's partner IP range keeps it reachable through the firewall.
    assert.doesNotMatch(r.stdout, /storage-account-reachable \(treasury-account\)/);
    assert.match(r.stderr, /mandatory policy violation\(s\): storage-account-reachable/);
  });

  it("fails when prod sends no logs, naming cmk-storage:logAnalyticsWorkspaceId for the vault and every account", () => {
    const r = runs["noLogs"];
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /\[mandatory\] kv-audit-logs-enabled \(platform-vault\).*\n {8}stack config: set cmk-storage:logAnalyticsWorkspaceId/,
    );
    assert.equal((r.stdout.match(/\[mandatory\] storage-audit-logs-enabled/g) ?? []).length, 5);
    const doc = JSON.parse(runs["noLogsJson"].stdout) as {
      policies: { violations: { policy: string; stackHint?: string }[] };
    };
    for (const v of doc.policies.violations) {
      assert.match(v.stackHint ?? "", /cmk-storage:logAnalyticsWorkspaceId/, v.policy);
    }
  });
});

describe("stack-config hints by stack kind (fleet team stacks)", () => {
  it("names the team's own endpoint subnet key for a team stack, whose stack-level subnet key is refused", () => {
    assert.match(
      policyHint("storage-account-reachable", "team") ?? "",
      /^set cmk-storage:teams\.<team>\.privateEndpointSubnetId \(a subnet of the team's own subscription/,
    );
    assert.doesNotMatch(
      policyHint("storage-account-reachable", "team") ?? "",
      /cmk-storage:privateEndpointSubnetId/,
    );
    assert.equal(
      policyHint("storage-account-reachable", "single"),
      POLICY_HINTS["storage-account-reachable"],
    );
  });

  it("falls back to the stack hint for a team stack where no team-specific one exists, and names only policies with one", () => {
    assert.equal(
      policyHint("resource-lock-present", "team"),
      POLICY_HINTS["resource-lock-present"],
    );
    for (const name of Object.keys(TEAM_STACK_POLICY_HINTS)) assert.ok(name in POLICY_HINTS, name);
  });
});
