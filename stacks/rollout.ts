/**
 * Rolling the fleet out from a program, with the Pulumi Automation API (`@pulumi/pulumi/automation`): every stack of
 * stacks/fleet/, platform stacks first (their `keys` are what the team stacks read), then team stacks with bounded
 * parallelism, each with its own stack file (`--config-file`) and policy config, as CI does it
 * (.github/workflows/fleet.yml). `planRollout` is pure (which stacks, in which order, with which config; tested
 * offline); `runRollout` drives the CLI.
 *
 *   npm run fleet:rollout -- --plan                      # print the plan as JSON, run nothing
 *   npm run fleet:rollout -- --preview [--jobs 4]        # pulumi preview of every stack, in rollout order
 *   npm run fleet:rollout -- --up [--jobs 4]             # pulumi up of every stack
 *   npm run fleet:matrix                                 # the GitHub Actions matrix (JSON) of the same plan
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { Command, CommanderError } from "commander";
import { parsePlatformConfig, parseTeamConfig } from "./fleetConfig";
import { readStackKind } from "./stackKind";
import { runtimeView } from "./onboarding";
import { projectRoot } from "./projectRoot";

const PROJECT = "cmk-storage";

/** A fleet stack file: its path (relative to the repository) and its `config:` map. */
export interface StackFile {
  file: string;
  config: Record<string, unknown>;
}

/** One stack of the plan. */
export interface PlannedStack {
  /** Stack name (the file's `Pulumi.<stack>.yaml`). */
  stack: string;
  /** `<organization>/<project>/<stack>`: the name the Pulumi CLI and StackReferences use. */
  qualifiedName: string;
  kind: "platform" | "team";
  /** Stack file, given to the CLI as `--config-file`. */
  file: string;
  /** Policy config for `--policy-pack policy --policy-pack-config <file>`. */
  policyConfig: string;
  subscriptionId: string;
  location: string;
  /** The stack's config as the CLI reads it from the file (`<namespace>:<key>` → value). */
  config: Record<string, unknown>;
  /** Team stacks: the qualified name of the platform stack they read. */
  platformStack?: string;
}

export interface RolloutStage {
  name: "platform" | "team";
  stacks: PlannedStack[];
}

export interface RolloutPlan {
  organization: string;
  stages: RolloutStage[];
}

/** Every stack file of stacks/fleet/ (sorted by name). */
export function readFleetStackFiles(root: string): StackFile[] {
  const dir = path.join(root, "stacks", "fleet");
  return fs
    .readdirSync(dir)
    .filter((f) => /^Pulumi\.(.+)\.yaml$/.test(f))
    .sort()
    .map((f) => {
      const doc = YAML.parse(fs.readFileSync(path.join(dir, f), "utf8")) as {
        config?: Record<string, unknown>;
      } | null;
      return { file: path.posix.join("stacks", "fleet", f), config: doc?.config ?? {} };
    });
}

/**
 * The rollout plan of a fleet: each stack file validated by its kind's own rules (a bad file stops the plan, naming
 * it), platform stacks in the first stage and team stacks in the second, each team's platform stack found in the plan
 * (a team whose platform is not in the fleet is refused: it would read a stack the rollout never deploys). Stacks
 * are named `<organization>/cmk-storage/<stack>`; the organization is the one the team stacks' `platformStack` names
 * (all must agree), else `options.organization`; with neither, planning fails (a stack is never guessed into an
 * organization).
 */
export function planRollout(
  stackFiles: readonly StackFile[],
  options: { organization?: string } = {},
): RolloutPlan {
  const problems: string[] = [];
  const parsed = stackFiles.map((sf) => {
    const stack = /Pulumi\.(.+)\.yaml$/.exec(sf.file)?.[1] ?? sf.file;
    const { raw, provider } = runtimeView(sf.config);
    try {
      const kind = readStackKind(raw, PROJECT, sf.file);
      if (kind === "single") {
        throw new Error(
          `${sf.file}: a fleet stack must set ${PROJECT}:stackKind to platform or team (single stacks live in stacks/ and roll out with the ci workflow)`,
        );
      }
      const s =
        kind === "platform"
          ? parsePlatformConfig(raw, PROJECT, sf.file, provider)
          : parseTeamConfig(raw, PROJECT, sf.file, provider);
      return { sf, stack, s };
    } catch (e) {
      problems.push((e as Error).message);
      return undefined;
    }
  });
  const ok = parsed.filter((p): p is NonNullable<typeof p> => p !== undefined);
  const orgs = new Set(
    ok.flatMap((p) => (p.s.kind === "team" ? [p.s.platformStack.split("/")[0]] : [])),
  );
  if (orgs.size > 1) {
    problems.push(
      `the team stacks name platform stacks of several organizations (${[...orgs].join(", ")}); a fleet rolls out in one organization`,
    );
  }
  const organization = [...orgs][0] ?? options.organization;
  if (organization === undefined) {
    throw new Error(
      "Cannot plan the fleet rollout: no team stack's cmk-storage:platformStack names the Pulumi organization; pass --organization <org> (in CI: the PULUMI_ORG variable)",
    );
  }
  const qualified = (stack: string) => `${organization}/${PROJECT}/${stack}`;
  const platforms = new Set(ok.filter((p) => p.s.kind === "platform").map((p) => p.stack));
  const seen = new Set<string>();
  for (const p of ok) {
    if (seen.has(p.stack)) problems.push(`stack ${p.stack} is defined twice`);
    seen.add(p.stack);
    if (p.s.kind === "team") {
      const [org, project, stack] = p.s.platformStack.split("/");
      if (project !== PROJECT || !platforms.has(stack)) {
        problems.push(
          `${p.sf.file}: ${PROJECT}:platformStack ${p.s.platformStack} is not a platform stack of this fleet (platform stacks: ${[...platforms].map(qualified).join(", ") || "none"})`,
        );
      }
      void org;
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `Cannot plan the fleet rollout:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  const planned = (p: (typeof ok)[number]): PlannedStack => ({
    stack: p.stack,
    qualifiedName: qualified(p.stack),
    kind: p.s.kind,
    file: p.sf.file,
    policyConfig: `policy/config/fleet/${p.s.kind}.json`,
    subscriptionId: p.s.subscriptionId,
    location: p.s.location,
    config: p.sf.config,
    ...(p.s.kind === "team" ? { platformStack: p.s.platformStack } : {}),
  });
  const byName = (a: PlannedStack, b: PlannedStack) => (a.stack < b.stack ? -1 : 1);
  return {
    organization,
    stages: [
      {
        name: "platform",
        stacks: ok
          .filter((p) => p.s.kind === "platform")
          .map(planned)
          .sort(byName),
      },
      {
        name: "team",
        stacks: ok
          .filter((p) => p.s.kind === "team")
          .map(planned)
          .sort(byName),
      },
    ],
  };
}

/** The GitHub Actions matrices of a plan: one `include` list per stage (what `fromJSON()` takes). */
export function fleetMatrix(
  plan: RolloutPlan,
): Record<
  "platform" | "team",
  { include: { stack: string; name: string; file: string; policyConfig: string }[] }
> {
  const include = (stage: RolloutStage) =>
    stage.stacks.map((s) => ({
      stack: s.stack,
      name: s.qualifiedName,
      file: s.file,
      policyConfig: s.policyConfig,
    }));
  return {
    platform: { include: include(plan.stages[0]) },
    team: { include: include(plan.stages[1]) },
  };
}

/** What runRollout needs of a stack (the Automation API's `Stack`, or a fake in tests). */
export interface RolloutStack {
  preview(opts: Record<string, unknown>): Promise<unknown>;
  up(opts: Record<string, unknown>): Promise<unknown>;
}

export interface RolloutOptions {
  command: "preview" | "up";
  /** Repository root (the Pulumi project folder). */
  workDir: string;
  /** Team stacks run at most this many at a time (platform stacks one at a time). Default 4. */
  parallel?: number;
  log?: (line: string) => void;
  /** Selects (or creates) a stack; default: LocalWorkspace.createOrSelectStack with the project in `workDir`. */
  selectStack?: (qualifiedName: string, workDir: string) => Promise<RolloutStack>;
}

export interface RolloutOutcome {
  stack: string;
  stage: "platform" | "team";
  ok: boolean;
  error?: string;
}

/** Runs `work` over `items` with at most `limit` at once, in order of start. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  work: (t: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Previews or deploys the plan: the platform stage one stack at a time, stopping at the first failure, then, only
 * when every platform stack succeeded, the team stage with at most `parallel` stacks at once. Each stack runs with its stack file
 * (`configFile`) and the policy pack with its kind's policy config. Returns one outcome per stack that ran.
 */
export async function runRollout(plan: RolloutPlan, o: RolloutOptions): Promise<RolloutOutcome[]> {
  const log = o.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const select =
    o.selectStack ??
    (async (qualifiedName: string, workDir: string): Promise<RolloutStack> => {
      const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
      return LocalWorkspace.createOrSelectStack({ stackName: qualifiedName, workDir });
    });
  const runOne =
    (stage: "platform" | "team") =>
    async (s: PlannedStack): Promise<RolloutOutcome> => {
      log(`${o.command} ${s.qualifiedName} (${s.file})`);
      try {
        const stack = await select(s.qualifiedName, o.workDir);
        const opts = {
          configFile: path.join(o.workDir, s.file),
          policyPacks: [path.join(o.workDir, "policy")],
          policyPackConfigs: [path.join(o.workDir, s.policyConfig)],
          onOutput: (out: string) => log(`[${s.stack}] ${out.replace(/\n$/, "")}`),
        };
        await (o.command === "up" ? stack.up(opts) : stack.preview(opts));
        return { stack: s.stack, stage, ok: true };
      } catch (e) {
        log(`${s.qualifiedName} failed: ${(e as Error).message}`);
        return { stack: s.stack, stage, ok: false, error: (e as Error).message };
      }
    };
  // Platform stacks one at a time, stopping at the first failure (as the CI workflow's fail-fast platform stage does):
  // a failed region must not be followed by changes to the others.
  const platform: RolloutOutcome[] = [];
  for (const s of plan.stages[0].stacks) {
    const r = await runOne("platform")(s);
    platform.push(r);
    if (!r.ok) {
      log("a platform stack failed: the other platform stacks and the team stage do not run");
      return platform;
    }
  }
  const teams = await pool(plan.stages[1].stacks, o.parallel ?? 4, runOne("team"));
  return [...platform, ...teams];
}

/** `npm run fleet:rollout` and `npm run fleet:matrix`. Exit codes: 0 done; 1 a stack failed; 3 bad fleet; 64 usage. */
export async function main(argv: string[], root = projectRoot(__dirname)): Promise<number> {
  const program = new Command()
    .name("fleet")
    .exitOverride()
    .option("--matrix", "print the GitHub Actions matrices (JSON) and exit")
    .option("--plan", "print the rollout plan (JSON) and exit")
    .option("--preview", "pulumi preview every stack, in rollout order")
    .option("--up", "pulumi up every stack, in rollout order")
    .option("--jobs <n>", "team stacks at once", (v) => Number(v), 4)
    .option("--organization <org>", "Pulumi organization when no team stack names one");
  try {
    program.parse(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 64;
    throw e;
  }
  const o = program.opts<{
    matrix?: boolean;
    plan?: boolean;
    preview?: boolean;
    up?: boolean;
    jobs: number;
    organization?: string;
  }>();
  let plan: RolloutPlan;
  try {
    plan = planRollout(
      readFleetStackFiles(root),
      o.organization !== undefined ? { organization: o.organization } : {},
    );
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 3;
  }
  if (o.matrix) {
    process.stdout.write(`${JSON.stringify(fleetMatrix(plan))}\n`);
    return 0;
  }
  if (o.plan || (!o.preview && !o.up)) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return 0;
  }
  if (!Number.isInteger(o.jobs) || o.jobs < 1) {
    process.stderr.write(`--jobs must be a whole number of at least 1; got ${o.jobs}\n`);
    return 64;
  }
  const outcomes = await runRollout(plan, {
    command: o.up ? "up" : "preview",
    workDir: root,
    parallel: o.jobs,
  });
  const failed = outcomes.filter((r) => !r.ok);
  process.stdout.write(
    `${outcomes.length - failed.length} of ${plan.stages[0].stacks.length + plan.stages[1].stacks.length} stacks done${failed.length > 0 ? `; failed: ${failed.map((f) => f.stack).join(", ")}` : ""}\n`,
  );
  return failed.length > 0 ? 1 : 0;
}

// Run directly, or through scripts/compiled.js (which sets argv[1] to this module and requires it).
if (require.main === module || /[\\/]rollout(\.[jt]s)?$/.test(process.argv[1] ?? "")) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
