/**
 * .github/workflows/fleet.yml, parsed: the fleet is previewed on pull requests, deployed on main from matrices that
 * `npm run fleet:matrix` builds from the stack files (so they name every stack under stacks/fleet/), platform stage
 * before team stage, bounded parallelism, one environment approval per stage.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOW = path.join(ROOT, ".github", "workflows", "fleet.yml");

interface Step {
  run?: string;
  uses?: string;
  id?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix?: unknown; "max-parallel"?: number; "fail-fast"?: boolean };
  steps: Step[];
}

const workflow = parse(fs.readFileSync(WORKFLOW, "utf8")) as {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
};
const jobs = workflow.jobs;
const needs = (j: Job): string[] =>
  j.needs === undefined ? [] : Array.isArray(j.needs) ? j.needs : [j.needs];
const scripts = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;
const fleetStacks = fs
  .readdirSync(path.join(ROOT, "stacks", "fleet"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();

/** What `npm run --silent fleet:matrix` prints (the compiled entry, as the npm script runs it). */
function matrixOutput(): {
  platform: { include: { stack: string }[] };
  team: { include: { stack: string }[] };
} {
  const r = spawnSync(process.execPath, ["scripts/compiled.js", "stacks/rollout", "--matrix"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReturnType<typeof matrixOutput>;
}

describe(".github/workflows/fleet.yml", () => {
  it("skips a stage whose matrix is empty (GitHub fails a job with an empty matrix), and runs the team stage after a skipped platform stage", () => {
    const step = jobs["fleet-matrix"].steps.find((s) => s.id === "matrix")!;
    assert.match(step.run!, /has-platform=\$\(jq '\.platform\.include \| length > 0'/);
    assert.match(step.run!, /has-team=\$\(jq '\.team\.include \| length > 0'/);
    for (const j of ["approve-platform", "deploy-platform"]) {
      assert.equal(jobs[j].if, "${{ needs.fleet-matrix.outputs.has-platform == 'true' }}", j);
    }
    for (const j of ["approve-teams", "deploy-teams"]) {
      assert.equal(
        jobs[j].if,
        "${{ !failure() && !cancelled() && needs.fleet-matrix.outputs.has-team == 'true' }}",
        j,
      );
    }
  });

  it("passes the PULUMI_ORG variable to fleet:matrix when it is set", () => {
    const step = jobs["fleet-matrix"].steps.find((s) => s.id === "matrix") as Step & {
      env?: Record<string, string>;
    };
    assert.equal(step.env?.PULUMI_ORG, "${{ vars.PULUMI_ORG }}");
    assert.match(step.run!, /fleet:matrix -- \$\{PULUMI_ORG:\+--organization "\$PULUMI_ORG"\}/);
  });

  it("previews the whole fleet offline on pull requests with npm run preview -- --fleet", () => {
    assert.ok("pull_request" in workflow.on);
    const preview = jobs["fleet-preview"];
    assert.equal(preview.if, undefined, "runs on every event, pull requests included");
    assert.ok(preview.steps.some((s) => s.run === "npm run preview -- --fleet"));
  });

  it("deploys only on pushes to main, from matrices that npm run fleet:matrix builds", () => {
    assert.match(jobs["fleet-matrix"].if!, /github\.ref == 'refs\/heads\/main'/);
    assert.match(jobs["fleet-matrix"].if!, /github\.event_name == 'push'/);
    const step = jobs["fleet-matrix"].steps.find((s) => s.id === "matrix")!;
    assert.match(step.run!, /npm run --silent fleet:matrix/);
    assert.equal(scripts["fleet:matrix"], "node scripts/compiled.js stacks/rollout --matrix");
    assert.equal(
      jobs["deploy-platform"].strategy?.matrix,
      "${{ fromJSON(needs.fleet-matrix.outputs.platform) }}",
    );
    assert.equal(
      jobs["deploy-teams"].strategy?.matrix,
      "${{ fromJSON(needs.fleet-matrix.outputs.team) }}",
    );
  });

  it("names every stack under stacks/fleet/ in its stages: platform stacks in the first, team stacks in the second", () => {
    const m = matrixOutput();
    const platform = m.platform.include.map((i) => i.stack);
    const team = m.team.include.map((i) => i.stack);
    assert.deepEqual([...platform, ...team].sort(), fleetStacks);
    assert.ok(platform.length >= 1 && platform.every((s) => s.startsWith("platform-")));
    assert.ok(team.length >= 3 && team.every((s) => s.startsWith("team-")));
  });

  it("runs the platform stage before the team stage, each behind one environment approval", () => {
    assert.deepEqual(needs(jobs["approve-platform"]), ["fleet-matrix"]);
    assert.equal(jobs["approve-platform"].environment, "fleet-platform");
    assert.deepEqual(needs(jobs["deploy-platform"]).sort(), ["approve-platform", "fleet-matrix"]);
    assert.deepEqual(needs(jobs["approve-teams"]).sort(), ["deploy-platform", "fleet-matrix"]);
    assert.equal(jobs["approve-teams"].environment, "fleet-teams");
    assert.deepEqual(needs(jobs["deploy-teams"]).sort(), ["approve-teams", "fleet-matrix"]);
    // One approval per stage: the matrix jobs reference no environment (each would ask again).
    assert.equal(jobs["deploy-platform"].environment, undefined);
    assert.equal(jobs["deploy-teams"].environment, undefined);
  });

  it("bounds parallelism: one platform stack at a time (fail fast), a few team stacks at a time (independent)", () => {
    assert.equal(jobs["deploy-platform"].strategy?.["max-parallel"], 1);
    assert.equal(jobs["deploy-platform"].strategy?.["fail-fast"], true);
    assert.ok((jobs["deploy-teams"].strategy?.["max-parallel"] ?? 0) > 1);
    assert.equal(jobs["deploy-teams"].strategy?.["fail-fast"], false);
  });

  for (const id of ["deploy-platform", "deploy-teams"]) {
    it(`${id} runs pulumi up per stack with its stack file and its kind's policy config`, () => {
      const steps = jobs[id].steps;
      const copy = steps.find((s) => s.run?.startsWith("cp "))!;
      assert.equal(copy.run, "cp ${{ matrix.file }} stacks/Pulumi.${{ matrix.stack }}.yaml");
      const up = steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
      assert.equal(up.with?.["command"], "up");
      assert.equal(up.with?.["stack-name"], "${{ matrix.name }}");
      assert.equal(up.with?.["policyPacks"], "policy");
      assert.equal(up.with?.["policyPackConfigs"], "${{ matrix.policyConfig }}");
      assert.ok(steps.indexOf(copy) < steps.indexOf(up));
    });
  }

  it("names only npm scripts that package.json defines", () => {
    const named = Object.values(jobs)
      .flatMap((j) => j.steps.map((s) => s.run ?? ""))
      .flatMap((t) => [...t.matchAll(/\bnpm run(?: --silent)? (\S+)/g)].map((m) => m[1]));
    assert.ok(named.includes("preview") && named.includes("fleet:matrix"));
    for (const s of named) assert.ok(s in scripts, s);
  });
});
