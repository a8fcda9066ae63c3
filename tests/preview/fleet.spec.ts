import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { type CliRun, previewCli } from "../support/previewCli";
import { subscriptionId, writeFleet } from "../../bench/fleetStacks";

/**
 * `npm run preview -- --fleet` end to end (child processes), on fleets generated into temp folders and previewed with
 * the fleet stand-in program (bench/fleetProgram.ts, compiled), which does what the platform and team programs do:
 * platform stacks export their keys, team stacks take theirs through pulumi.StackReference.
 */
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-fleet-"));
const PROGRAM = path.join(".build", "bench", "fleetProgram.js");
const POLICY = "policy/config/dev.json";

function fleetDir(
  name: string,
  teams: number,
  subscriptions: number,
  regions = ["westeurope"],
): string {
  const dir = path.join(TMP, name);
  writeFleet(dir, { teams, subscriptions, regions, policyConfig: POLICY });
  return dir;
}

/** Changes one stack file's config (undefined deletes a key). */
function edit(dir: string, stack: string, changes: Record<string, unknown>): void {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete doc.config[k];
    else doc.config[k] = v;
  }
  fs.writeFileSync(file, YAML.stringify(doc));
}

const fleet = (dir: string, ...args: string[]): Promise<CliRun> =>
  previewCli("--fleet", "--fleet-dir", dir, "--program", PROGRAM, "--jobs", "2", ...args);

interface FleetDoc {
  kind: string;
  status: string;
  exitCode: number;
  summary: Record<string, any>;
  quotas: {
    quota: string;
    subscriptionId: string;
    location: string | null;
    count: number;
    exceeded: boolean;
    message: string | null;
  }[];
  stacks: {
    stack: string;
    kind: string;
    status: string;
    exitCode: number;
    resources: number;
    mandatory: { policy: string; urn: string | null; message: string; stackHint: string | null }[];
    advisory: number;
    platformStack: string | null;
    previous: string | null;
    azureErrors: { rule: string; message: string }[];
    programErrors: string[];
  }[];
  warnings: string[];
  timing: { workers: { maxRssMiB: number }[] };
}

const doc = (r: CliRun): FleetDoc => JSON.parse(r.stdout) as FleetDoc;

describe("fleet preview (npm run preview -- --fleet, child processes)", function () {
  this.timeout(240_000);
  after(() => fs.rmSync(TMP, { recursive: true, force: true }));

  it("previews platform stacks first and feeds their keys to the team stacks, exit code 0 with one line per stack", async () => {
    const dir = fleetDir("small", 3, 2);
    const [text, json] = [await fleet(dir), await fleet(dir, "--json")];
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /4 stacks \(1 platform, 3 team\)/);
    assert.match(text.stdout, /platform-weu\s+platform\s+ok\s+5\s/);
    assert.match(text.stdout, /team-t0\s+team\s+ok\s+8\s/);
    assert.match(text.stdout, /Fleet: PASS: 4\/4 stacks clean, 29 resources/);
    const d = doc(json);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(d.kind, "fleet");
    assert.equal(d.status, "ok");
    assert.deepEqual(
      d.stacks.map((s) => [s.stack, s.kind, s.status, s.platformStack]),
      [
        ["platform-weu", "platform", "ok", null],
        ["team-t0", "team", "ok", "acme/cmk-storage/platform-weu"],
        ["team-t1", "team", "ok", "acme/cmk-storage/platform-weu"],
        ["team-t2", "team", "ok", "acme/cmk-storage/platform-weu"],
      ],
    );
    assert.deepEqual(d.summary.kinds, { platform: 1, team: 3, single: 0 });
    // Teams 0 and 2 share the first team subscription, team 1 has the second; the grants count where the key is.
    const accounts = d.quotas.filter((q) => q.quota === "storage-accounts-per-region");
    assert.deepEqual(
      accounts.map((q) => [q.subscriptionId, q.location, q.count]),
      [
        [subscriptionId(1), "westeurope", 2],
        [subscriptionId(2), "westeurope", 1],
      ],
    );
    const grants = d.quotas.find((q) => q.quota === "role-assignments-per-subscription");
    assert.equal(grants?.subscriptionId, subscriptionId(0));
    assert.equal(grants?.count, 4, "the platform's administrator grant and the three team grants");
    assert.ok(d.timing.workers.every((w) => w.maxRssMiB > 0 && w.maxRssMiB < 1024));
  });

  it("previews the committed example fleet (stacks/fleet/) with exit code 0: one platform stack, three team stacks in two subscriptions", async () => {
    const [r, text] = [await previewCli("--fleet", "--json"), await previewCli("--fleet")];
    assert.equal(r.code, 0, r.stderr);
    assert.equal(text.code, 0, text.stderr);
    const d = doc(r);
    assert.deepEqual(d.summary.kinds, { platform: 1, team: 3, single: 0 });
    assert.ok(d.stacks.every((s) => s.status === "ok"));
    // Private like prod: the platform adds the vault's endpoint (+ DNS zone group) and its diagnostic setting; each team
    // its blob endpoint, its account's and four services' diagnostic settings. Mandatory guardrails all met; advisory
    // left: the platform vault's lock (none, on purpose) and each team's two cross-stack references (key and vault).
    assert.deepEqual(
      d.stacks.map((s) => [s.stack, s.resources, s.mandatory.length, s.advisory]),
      [
        ["platform-weu", 12, 0, 1],
        ["team-analytics", 17, 0, 2],
        ["team-ledger", 17, 0, 2],
        ["team-payments", 17, 0, 2],
      ],
    );
    assert.equal(d.summary.resources, 63);
    assert.equal(d.summary.mandatoryViolations, 0);
    assert.equal(d.summary.advisoryViolations, 7);
    assert.match(
      text.stdout,
      /Fleet: PASS: 4\/4 stacks clean, 63 resources, 0 mandatory and 7 advisory violations/,
    );
    const teamSubscriptions = new Set(
      d.quotas
        .filter((q) => q.quota === "storage-accounts-per-region")
        .map((q) => q.subscriptionId),
    );
    assert.equal(teamSubscriptions.size, 2);
  });

  it("fails when a team stack of the example fleet has no private endpoint, with the mandatory storage-account-reachable and the team's stack key to set", async () => {
    const dir = path.join(TMP, "example-no-endpoint");
    fs.cpSync(path.join("stacks", "fleet"), dir, { recursive: true });
    const file = path.join(dir, "Pulumi.team-ledger.yaml");
    const ledger = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, any> };
    delete ledger.config["cmk-storage:teams"].ledger.privateEndpointSubnetId;
    delete ledger.config["cmk-storage:accountPrivateEndpoints"];
    fs.writeFileSync(file, YAML.stringify(ledger));
    const [r, text] = [
      await previewCli("--fleet", "--fleet-dir", dir, "--json"),
      await previewCli("--fleet", "--fleet-dir", dir),
    ];
    assert.equal(r.code, 1, r.stderr);
    const d = doc(r);
    assert.deepEqual(
      d.stacks.map((s) => [s.stack, s.status]),
      [
        ["platform-weu", "ok"],
        ["team-analytics", "ok"],
        ["team-ledger", "policy-violation"],
        ["team-payments", "ok"],
      ],
    );
    const [v] = d.stacks.find((s) => s.stack === "team-ledger")!.mandatory;
    assert.equal(v.policy, "storage-account-reachable");
    assert.match(
      v.message,
      /is unreachable: publicNetworkAccess is "Disabled" and no private endpoint/,
    );
    assert.match(
      v.stackHint ?? "",
      /^set cmk-storage:teams\.<team>\.privateEndpointSubnetId \(a subnet of the team's own subscription/,
    );
    assert.equal(d.summary.mandatoryViolations, 1);
    assert.equal(text.code, 1);
    assert.match(
      text.stdout,
      /mandatory storage-account-reachable .*ledger-account.*\n\s+stack config: set cmk-storage:teams\.<team>\.privateEndpointSubnetId/,
    );
  });

  it("fails when a team stack's StackReference names a stack the fleet does not have, naming cmk-storage:platformStack", async () => {
    const dir = fleetDir("unknown-ref", 2, 1);
    edit(dir, "team-t1", { "cmk-storage:platformStack": "acme/cmk-storage/platform-nowhere" });
    const r = await fleet(dir, "--json");
    assert.equal(r.code, 3, r.stderr);
    const t1 = doc(r).stacks.find((s) => s.stack === "team-t1")!;
    assert.equal(t1.status, "program-error");
    assert.equal(t1.programErrors.length, 1, "the cause once, not once per dependent property");
    assert.match(
      t1.programErrors[0],
      /StackReference "acme\/cmk-storage\/platform-nowhere" \(cmk-storage:platformStack\) names a stack whose outputs the preview does not have; stacks with outputs: platform-weu/,
    );
    assert.equal(doc(r).stacks.find((s) => s.stack === "team-t0")!.status, "ok");
    assert.match(
      r.stderr,
      /fleet preview failed: 1 stack\(s\) not clean: team-t1 \(program-error\)/,
    );
  });

  it("fails when a team stack grants itself the platform's key with an access policy, with the cross-stack rule and its fix", async () => {
    const dir = fleetDir("access-policy", 1, 1);
    // In the platform's subscription, so the grant reaches the vault (a team elsewhere is refused by the component).
    edit(dir, "team-t0", {
      "cmk-storage:grantAs": "accessPolicy",
      "azure-native:subscriptionId": subscriptionId(0),
    });
    const r = await fleet(dir, "--json");
    assert.equal(r.code, 2, r.stderr);
    const [err] = doc(r).stacks.find((s) => s.stack === "team-t0")!.azureErrors;
    assert.equal(err.rule, "cross-stack-access-policy");
    assert.match(err.message, /of stack platform-weu grants nothing: the vault uses Azure RBAC/);
  });

  it("fails when the platform vault uses access policies and a team stack grants with a role assignment", async () => {
    const dir = fleetDir("ap-vault", 1, 1);
    edit(dir, "platform-weu", { "cmk-storage:vaultPermissionModel": "accessPolicy" });
    const r = await fleet(dir, "--json");
    assert.equal(r.code, 2, r.stderr);
    const [err] = doc(r).stacks.find((s) => s.stack === "team-t0")!.azureErrors;
    assert.equal(err.rule, "cross-stack-role-assignment-model");
    assert.match(err.message, /Fix: make the platform vault an RBAC vault/);
  });

  it("fails when 300 teams share one subscription and region, with the storage account quota and the way out (shard); the same teams over two subscriptions preview clean", async () => {
    const one = await fleet(fleetDir("one-sub", 300, 1), "--json");
    const two = await fleet(fleetDir("two-subs", 300, 2), "--json");
    assert.equal(one.code, 2, one.stderr);
    const d = doc(one);
    assert.equal(d.summary.clean, 301, "every stack is clean on its own");
    const [quota] = d.quotas.filter((q) => q.exceeded);
    assert.equal(quota.quota, "storage-accounts-per-region");
    assert.equal(quota.count, 300);
    assert.match(
      quota.message!,
      /300 storage accounts in subscription .* region westeurope, over 300 stack\(s\): Azure allows 250/,
    );
    assert.match(
      quota.message!,
      /Way out: shard the teams over subscriptions .* at least 2 subscription\(s\)/,
    );
    assert.match(one.stderr, /1 quota\(s\) exceeded/);
    assert.equal(two.code, 0, two.stderr);
    assert.deepEqual(
      doc(two)
        .quotas.filter((q) => q.quota === "storage-accounts-per-region")
        .map((q) => q.count),
      [150, 150],
    );
  });

  it("compares each stack with its file in a --previous folder written by --out, and warns about files naming no stack", async () => {
    const dir = fleetDir("previous", 2, 1);
    const out = path.join(TMP, "previous-out");
    const first = await fleet(dir, "--out", out);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), [
      "platform-weu.json",
      "team-t0.json",
      "team-t1.json",
    ]);
    fs.copyFileSync(path.join(out, "team-t0.json"), path.join(out, "team-gone.json"));
    const again = await fleet(dir, "--json", "--previous", out);
    assert.equal(again.code, 0, again.stderr);
    const d = doc(again);
    assert.deepEqual(
      d.stacks.map((s) => s.previous && path.basename(s.previous)),
      ["platform-weu.json", "team-t0.json", "team-t1.json"],
    );
    assert.match(d.warnings.join("\n"), /team-gone\.json names no stack of the fleet; ignored/);
  });

  it("fails when a --previous file is another stack's deployment", async () => {
    const dir = fleetDir("previous-mixed", 2, 1);
    const out = path.join(TMP, "previous-mixed-out");
    assert.equal((await fleet(dir, "--out", out)).code, 0);
    fs.copyFileSync(path.join(out, "team-t0.json"), path.join(out, "team-t1.json"));
    const r = await fleet(dir, "--json", "--previous", out);
    assert.equal(r.code, 3);
    assert.match(
      doc(r).stacks.find((s) => s.stack === "team-t1")!.programErrors[0],
      /a deployment of stack team-t0, not of team-t1/,
    );
  });

  it("previews a single team stack file after its platform stack file, or with --stack-outputs", async () => {
    const dir = fleetDir("single", 1, 1);
    const team = path.join(dir, "Pulumi.team-t0.yaml");
    const alone = await previewCli("--stack-file", team, "--program", PROGRAM);
    assert.equal(alone.code, 0, alone.stderr);
    assert.match(alone.stdout, /Previewing stack team-t0 /);
    assert.match(alone.stdout, /key storage-cmk in cmkplt-kv-weu/);
    const outputs = path.join(TMP, "outputs.json");
    const vaultId = `/subscriptions/${subscriptionId(0)}/resourceGroups/rg-platform-weu/providers/Microsoft.KeyVault/vaults/cmkplt-kv-weu`;
    fs.writeFileSync(
      outputs,
      JSON.stringify({
        keys: {
          "storage-cmk": {
            vault: { vaultId, permissionModel: "rbac", location: "westeurope" },
            keyName: "storage-cmk",
          },
        },
      }),
    );
    const given = await previewCli(
      "--stack-file",
      team,
      "--program",
      PROGRAM,
      "--stack-outputs",
      outputs,
      "--json",
    );
    // The vault the outputs name counts as existing outside the stack.
    assert.equal(given.code, 0, given.stderr);
    const single = JSON.parse(given.stdout) as { existingVaults: string[]; status: string };
    assert.deepEqual(single.existingVaults, ["cmkplt-kv-weu"]);
  });

  it("previews a team stack of the example fleet with --stack-outputs of its platform stack's --json document", async () => {
    const platform = await previewCli(
      "--stack-file",
      "stacks/fleet/Pulumi.platform-weu.yaml",
      "--json",
    );
    assert.equal(platform.code, 0, platform.stderr);
    const outputs = (JSON.parse(platform.stdout) as { outputs: { keys: Record<string, unknown> } })
      .outputs;
    assert.deepEqual(Object.keys(outputs.keys).sort(), ["archive", "storage"]);
    const file = path.join(TMP, "platform-weu.json");
    fs.writeFileSync(file, platform.stdout);
    const team = await previewCli(
      "--stack-file",
      "stacks/fleet/Pulumi.team-ledger.yaml",
      "--stack-outputs",
      file,
    );
    assert.equal(team.code, 0, team.stderr);
    assert.match(team.stdout, /Previewing stack team-ledger /);
  });

  it("fails with a usage error when --jobs is not a whole number of workers", async () => {
    const r = await fleet(fleetDir("jobs", 1, 1), "--jobs", "0");
    assert.equal(r.code, 64);
    assert.match(r.stderr, /--jobs must be a whole number of worker processes ≥ 1; got "0"/);
  });

  it("fails with a usage error when --fleet is given options of a single stack", async () => {
    const r = await previewCli("--fleet", "--stack", "prod", "--allow-data-loss", "urn:x");
    assert.equal(r.code, 64);
    assert.match(r.stderr, /--stack, --allow-data-loss apply to one stack, not with --fleet/);
  });
});
