import * as assert from "node:assert/strict";
import {
  fleetMatrix,
  planRollout,
  readFleetStackFiles,
  type RolloutStack,
  runRollout,
  type StackFile,
} from "../../stacks/rollout";
import { errorOf } from "../support/mocks";
import { REPO } from "../support/stackFiles";

const files = (): StackFile[] => readFleetStackFiles(REPO);

describe("planRollout (stacks/rollout.ts)", () => {
  it("puts the platform stack in the first stage and the three team stacks in the second", () => {
    const plan = planRollout(files());
    assert.equal(plan.organization, "acme");
    assert.deepEqual(
      plan.stages.map((s) => [s.name, s.stacks.map((x) => x.qualifiedName)]),
      [
        ["platform", ["acme/cmk-storage/platform-weu"]],
        [
          "team",
          [
            "acme/cmk-storage/team-analytics",
            "acme/cmk-storage/team-ledger",
            "acme/cmk-storage/team-payments",
          ],
        ],
      ],
    );
  });

  it("gives each stack its stack file, its kind's policy config, subscription, region and config", () => {
    const [platform] = planRollout(files()).stages[0].stacks;
    const ledger = planRollout(files()).stages[1].stacks.find((s) => s.stack === "team-ledger")!;
    assert.deepEqual(
      [platform.file, platform.policyConfig, platform.subscriptionId, platform.location],
      [
        "stacks/fleet/Pulumi.platform-weu.yaml",
        "policy/config/fleet/platform.json",
        "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d",
        "westeurope",
      ],
    );
    assert.equal(ledger.policyConfig, "policy/config/fleet/team.json");
    assert.equal(ledger.subscriptionId, "2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e");
    assert.equal(ledger.platformStack, "acme/cmk-storage/platform-weu");
    assert.equal(ledger.config["cmk-storage:platformKey"], "storage");
  });

  it("fails when a team stack reads a platform stack that is not in the fleet", () => {
    const fleet = files().filter((f) => !f.file.includes("platform-weu"));
    const e = errorOf(() => planRollout(fleet));
    assert.match(e.message, /^Cannot plan the fleet rollout:/);
    assert.match(
      e.message,
      /stacks\/fleet\/Pulumi\.team-ledger\.yaml: cmk-storage:platformStack acme\/cmk-storage\/platform-weu is not a platform stack of this fleet \(platform stacks: none\)/,
    );
  });

  it("fails when a stack file is invalid, naming the file and the problem", () => {
    const fleet = files().map((f) =>
      f.file.endsWith("team-payments.yaml")
        ? { ...f, config: { ...f.config, "cmk-storage:keyType": "RSA-HSM" } }
        : f,
    );
    assert.match(
      errorOf(() => planRollout(fleet)).message,
      /Invalid stack configuration in stacks\/fleet\/Pulumi\.team-payments\.yaml:\n {2}- cmk-storage:keyType does not apply to a team stack/,
    );
  });

  it("fails when a fleet file is a single stack (those roll out with the ci workflow)", () => {
    const fleet = [
      ...files(),
      { file: "stacks/fleet/Pulumi.odd.yaml", config: { "cmk-storage:location": "westeurope" } },
    ];
    assert.match(
      errorOf(() => planRollout(fleet)).message,
      /stacks\/fleet\/Pulumi\.odd\.yaml: a fleet stack must set cmk-storage:stackKind to platform or team/,
    );
  });

  it("gives GitHub Actions one include matrix per stage", () => {
    const m = fleetMatrix(planRollout(files()));
    assert.deepEqual(m.platform.include, [
      {
        stack: "platform-weu",
        name: "acme/cmk-storage/platform-weu",
        file: "stacks/fleet/Pulumi.platform-weu.yaml",
        policyConfig: "policy/config/fleet/platform.json",
      },
    ]);
    assert.deepEqual(
      m.team.include.map((i) => i.stack),
      ["team-analytics", "team-ledger", "team-payments"],
    );
  });
});

describe("planRollout: the organization", () => {
  const platformOnly = (): StackFile[] => files().filter((f) => f.file.includes("platform-"));

  it("names a platform-only fleet's stacks in the organization given", () => {
    const plan = planRollout(platformOnly(), { organization: "contoso" });
    assert.deepEqual(
      plan.stages.map((s) => s.stacks.map((x) => x.qualifiedName)),
      [["contoso/cmk-storage/platform-weu"], []],
    );
  });

  it("fails when no team stack names the organization and none is given, instead of guessing one", () => {
    assert.match(
      errorOf(() => planRollout(platformOnly())).message,
      /^Cannot plan the fleet rollout: no team stack's cmk-storage:platformStack names the Pulumi organization; pass --organization <org>/,
    );
  });
});

describe("runRollout (Automation API, with a fake workspace)", () => {
  function fakeWorkspace(fail: string[] = []) {
    const events: string[] = [];
    let running = 0;
    let peak = 0;
    const calls: Record<string, unknown>[] = [];
    const selectStack = async (name: string): Promise<RolloutStack> => {
      const run = async (command: string, opts: Record<string, unknown>) => {
        calls.push({ name, command, ...opts });
        running++;
        peak = Math.max(peak, running);
        events.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        events.push(`end ${name}`);
        if (fail.includes(name)) throw new Error(`${name} failed`);
        return {};
      };
      return { up: (o) => run("up", o), preview: (o) => run("preview", o) };
    };
    return { events, calls, selectStack, peak: () => peak };
  }

  it("finishes every platform stack before the first team stack starts, and bounds the team stage", async () => {
    const ws = fakeWorkspace();
    const out = await runRollout(planRollout(files()), {
      command: "up",
      workDir: "/repo",
      parallel: 2,
      selectStack: ws.selectStack,
      log: () => undefined,
    });
    assert.deepEqual(
      out.map((o) => [o.stack, o.ok]),
      [
        ["platform-weu", true],
        ["team-analytics", true],
        ["team-ledger", true],
        ["team-payments", true],
      ],
    );
    const platformEnd = ws.events.indexOf("end acme/cmk-storage/platform-weu");
    const firstTeam = ws.events.findIndex((e) => e.startsWith("start acme/cmk-storage/team-"));
    assert.ok(platformEnd < firstTeam, ws.events.join(", "));
    assert.equal(ws.peak(), 2);
  });

  it("runs each stack with its stack file, the policy pack and its kind's policy config", async () => {
    const ws = fakeWorkspace();
    await runRollout(planRollout(files()), {
      command: "preview",
      workDir: "/repo",
      selectStack: ws.selectStack,
      log: () => undefined,
    });
    const ledger = ws.calls.find((c) => c.name === "acme/cmk-storage/team-ledger")!;
    assert.equal(ledger.command, "preview");
    assert.equal(ledger.configFile, "/repo/stacks/fleet/Pulumi.team-ledger.yaml");
    assert.deepEqual(ledger.policyPacks, ["/repo/policy"]);
    assert.deepEqual(ledger.policyPackConfigs, ["/repo/policy/config/fleet/team.json"]);
  });

  it("fails the rollout before the team stage when a platform stack fails", async () => {
    const ws = fakeWorkspace(["acme/cmk-storage/platform-weu"]);
    const out = await runRollout(planRollout(files()), {
      command: "up",
      workDir: "/repo",
      selectStack: ws.selectStack,
      log: () => undefined,
    });
    assert.deepEqual(
      out.map((o) => [o.stack, o.ok]),
      [["platform-weu", false]],
    );
    assert.ok(!ws.events.some((e) => e.includes("team-")));
  });

  it("fails the rollout at the first failed platform stack, before the next region's platform stack starts", async () => {
    const plan = planRollout(files());
    const [weu] = plan.stages[0].stacks;
    plan.stages[0].stacks.push({
      ...weu,
      stack: "platform-neu",
      qualifiedName: "acme/cmk-storage/platform-neu",
    });
    const ws = fakeWorkspace(["acme/cmk-storage/platform-weu"]);
    const out = await runRollout(plan, {
      command: "up",
      workDir: "/repo",
      selectStack: ws.selectStack,
      log: () => undefined,
    });
    assert.deepEqual(
      out.map((o) => [o.stack, o.ok]),
      [["platform-weu", false]],
    );
    assert.deepEqual(ws.events, [
      "start acme/cmk-storage/platform-weu",
      "end acme/cmk-storage/platform-weu",
    ]);
  });

  it("keeps deploying the other teams when one team stack fails, and reports it", async () => {
    const ws = fakeWorkspace(["acme/cmk-storage/team-ledger"]);
    const out = await runRollout(planRollout(files()), {
      command: "up",
      workDir: "/repo",
      selectStack: ws.selectStack,
      log: () => undefined,
    });
    assert.deepEqual(
      out.filter((o) => !o.ok).map((o) => [o.stack, o.error]),
      [["team-ledger", "acme/cmk-storage/team-ledger failed"]],
    );
    assert.equal(out.filter((o) => o.ok).length, 3);
  });
});
