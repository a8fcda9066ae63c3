/**
 * .github/workflows/ci.yml, parsed: every npm script, path, stack and policy config it names exists, every stack of the
 * repository is in its matrices, and the Pulumi jobs use the official action with the pack, OIDC and environment
 * protection as README "CI" describes.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOW = path.join(ROOT, ".github", "workflows", "ci.yml");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  strategy?: {
    matrix?: { env?: string[]; node?: number[] };
    "max-parallel"?: number;
    "fail-fast"?: boolean;
  };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(fs.readFileSync(WORKFLOW, "utf8")) as Workflow;
const scripts = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;
const stacks = fs
  .readdirSync(path.join(ROOT, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();
const jobs = Object.entries(workflow.jobs);
const matrixJobs = jobs.filter(([, j]) => j.strategy?.matrix?.env !== undefined);

/** A string of the workflow with `${{ matrix.env }}` replaced by one environment. */
const expand = (text: string, env: string): string =>
  text.replace(/\$\{\{\s*matrix\.env\s*\}\}/g, env);
/** Every `run:` script and `with:` value of a job, expanded for each of its matrix environments. */
function texts(job: Job): string[] {
  const raw = job.steps
    .flatMap((s) => [s.run ?? "", ...Object.values(s.with ?? {}).map(String)])
    .filter(Boolean);
  const envs = job.strategy?.matrix?.env ?? [];
  return envs.length === 0 ? raw : envs.flatMap((env) => raw.map((t) => expand(t, env)));
}
const pulumiSteps = (job: Job): Step[] =>
  job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));

describe(".github/workflows/ci.yml", () => {
  it("runs the tests on every supported Node.js line (package.json engines: 20.19+ and 22+)", () => {
    const engines = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        engines: { node: string };
      }
    ).engines.node;
    assert.equal(engines, ">=20.19");
    const test = workflow.jobs["test"];
    assert.deepEqual(test.strategy?.matrix?.node, [20, 22]);
    const setup = test.steps.find((st) => st.uses?.startsWith("actions/setup-node@"));
    assert.equal(setup?.with?.["node-version"], "${{ matrix.node }}");
  });

  it("runs on pull requests and on pushes to main with read-only default permissions", () => {
    assert.ok("pull_request" in workflow.on);
    assert.deepEqual((workflow.on["push"] as { branches: string[] }).branches, ["main"]);
    assert.deepEqual(workflow.permissions, { contents: "read" });
  });

  it("has the jobs test, offline-preview, pulumi-preview and pulumi-up, in that order of dependence", () => {
    assert.deepEqual(
      jobs.map(([id]) => id),
      ["test", "offline-preview", "pulumi-preview", "pulumi-up"],
    );
    assert.equal(workflow.jobs["offline-preview"].needs, "test");
    assert.equal(workflow.jobs["pulumi-preview"].needs, "test");
    assert.deepEqual(workflow.jobs["pulumi-up"].needs, ["offline-preview", "pulumi-preview"]);
  });

  it("installs with npm ci and runs npm test", () => {
    const runs = workflow.jobs["test"].steps.map((s) => s.run ?? "");
    assert.ok(runs.some((r) => /^npm ci\b/.test(r)));
    assert.ok(runs.includes("npm test"));
  });

  it("names only npm scripts that package.json defines", () => {
    const named = jobs
      .flatMap(([, j]) => texts(j))
      .flatMap((t) =>
        [...t.matchAll(/\bnpm (?:run(?:-script)?|test)\b\s*(\S*)/g)].map((m) =>
          m[0].startsWith("npm test") ? "test" : m[1],
        ),
      );
    assert.ok(named.includes("preview") && named.includes("test"), named.join(", "));
    for (const script of named) {
      assert.ok(script in scripts, `npm script "${script}" is not in package.json`);
    }
  });

  it("names only paths that exist in the repository", () => {
    const named = new Set(
      jobs
        .flatMap(([, j]) => texts(j))
        .flatMap((t) =>
          [
            ...t.matchAll(
              /(?<![\w./-])((?:policy|stacks|preview|components|tests)(?:\/[\w.-]+)*)(?![\w-])/g,
            ),
          ].map((m) => m[1]),
        ),
    );
    assert.ok(named.has("policy") && named.has("policy/config/prod.json"), [...named].join(", "));
    for (const p of named) assert.ok(fs.existsSync(path.join(ROOT, p)), `${p} does not exist`);
  });

  it("lists every stack of stacks/ in each per-environment job, and every stack has a policy config", () => {
    assert.deepEqual(
      matrixJobs.map(([id]) => id),
      ["offline-preview", "pulumi-preview", "pulumi-up"],
    );
    for (const [id, job] of matrixJobs) {
      assert.deepEqual([...job.strategy!.matrix!.env!].sort(), stacks, `matrix of ${id}`);
    }
    for (const env of stacks) {
      assert.ok(
        fs.existsSync(path.join(ROOT, "policy", "config", `${env}.json`)),
        `policy/config/${env}.json`,
      );
    }
  });

  it("previews every stack offline with a report that becomes the job summary and a pull-request comment", () => {
    const job = workflow.jobs["offline-preview"];
    const preview = job.steps.find((s) => s.run?.startsWith("npm run preview"))!;
    const summary = job.steps.find((s) => s.run?.includes("$GITHUB_STEP_SUMMARY"))!;
    const comment = job.steps.find((s) => s.uses?.startsWith("actions/github-script@"))!;
    for (const env of job.strategy!.matrix!.env!) {
      const run = expand(preview.run!, env);
      assert.match(run, new RegExp(`--stack ${env}\\b`));
      const report = /--report (\S+)/.exec(run)?.[1];
      assert.ok(report, "the preview writes a report");
      assert.ok(
        expand(summary.run!, env).includes(`cat ${report} >> "$GITHUB_STEP_SUMMARY"`),
        summary.run,
      );
      assert.equal(expand(comment.env!["REPORT"], env), report);
    }
    assert.equal(
      summary.if,
      "${{ !cancelled() }}",
      "the summary is written when the preview fails too",
    );
    assert.match(comment.if!, /github\.event_name == 'pull_request'/);
    assert.equal(job.permissions?.["pull-requests"], "write");
  });

  for (const [id, command] of [
    ["pulumi-preview", "preview"],
    ["pulumi-up", "up"],
  ] as const) {
    it(`${id} runs the official pulumi/actions ${command} per stack with the pack and that stack's policy config (camelCase inputs)`, () => {
      const job = workflow.jobs[id];
      const steps = pulumiSteps(job);
      assert.equal(steps.length, 1);
      const w = steps[0].with!;
      assert.equal(w["command"], command);
      assert.match(String(w["stack-name"]), /matrix\.env/);
      assert.equal(w["policyPacks"], "policy");
      assert.equal(w["policyPackConfigs"], "policy/config/${{ matrix.env }}.json");
      assert.ok(
        !Object.keys(w).some((k) => /^policy-pack/.test(k)),
        "the action ignores kebab-case policy inputs",
      );
      assert.ok(
        fs.existsSync(
          path.join(ROOT, typeof w["work-dir"] === "string" ? w["work-dir"] : ".", "Pulumi.yaml"),
        ),
      );
      assert.ok(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")));
    });

    it(`${id} authenticates to Azure with OIDC and runs only where ARM_CLIENT_ID is configured`, () => {
      const job = workflow.jobs[id];
      assert.equal(job.permissions?.["id-token"], "write");
      assert.equal(job.env?.["ARM_USE_OIDC"], "true");
      for (const v of ["ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"]) {
        assert.equal(job.env?.[v], `\${{ vars.${v} }}`);
      }
      assert.equal(job.env?.["PULUMI_ACCESS_TOKEN"], "${{ secrets.PULUMI_ACCESS_TOKEN }}");
      assert.match(job.if!, /vars\.ARM_CLIENT_ID != ''/);
    });
  }

  it("runs pulumi up only on pushes to main, one stack at a time, each behind its GitHub environment", () => {
    const job = workflow.jobs["pulumi-up"];
    assert.match(job.if!, /github\.event_name == 'push' && github\.ref == 'refs\/heads\/main'/);
    assert.equal(job.environment, "${{ matrix.env }}");
    assert.equal(job.strategy?.["max-parallel"], 1);
    assert.equal(job.strategy?.["fail-fast"], true);
    const order = job.strategy.matrix!.env!;
    assert.ok(
      order.indexOf("dev") < order.indexOf("staging") &&
        order.indexOf("staging") < order.indexOf("prod"),
      `promotion order: ${order.join(", ")}`,
    );
    assert.equal(order.at(-1), "prod", "prod deploys last");
  });

  it("deploys from a production install, which keeps typescript and ts-node because they are dependencies", () => {
    const install = workflow.jobs["pulumi-up"].steps.find((s) => s.run?.startsWith("npm ci"))!;
    assert.match(install.run!, /--omit=dev/);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<
      string,
      Record<string, string>
    >;
    for (const dep of ["typescript", "ts-node"]) {
      assert.ok(pkg["dependencies"][dep], `${dep} is a dependency`);
      assert.equal(pkg["devDependencies"]?.[dep], undefined, `${dep} is not a devDependency`);
    }
  });

  it("pins every action to a major version", () => {
    const uses = jobs
      .flatMap(([, j]) => j.steps.map((s) => s.uses))
      .filter((u): u is string => u !== undefined);
    for (const u of uses) assert.match(u, /^[\w-]+\/[\w-]+@v\d+$/);
  });
});
