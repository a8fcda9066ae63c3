/**
 * `npm run preview -- --fleet [--fleet-dir <dir>] [--json] [--previous <folder>] [--out <folder>] [--jobs N]`: every
 * stack file of the fleet (stacks/fleet/Pulumi.<stack>.yaml) previewed in one run, the way the engine would order them:
 * 1. platform stacks (`cmk-storage:stackKind: platform`) first, in parallel;
 * 2. their exported outputs answer the team stacks' `pulumi.StackReference`s, and their resources are what the
 *    simulated Azure already holds (`AzureState.referenced`: the team's grants are checked against the platform's vault);
 * 3. team stacks (and any other stack of the folder) in parallel worker processes, at most `--jobs` (default: the CPU
 *    count), each running many stacks one after another with the libraries loaded once (preview/fleetWorker.ts);
 * 4. quotas Azure counts per subscription (and region) over all stacks (preview/fleetQuotas.ts).
 * The single stacks of stacks/ (dev, staging, prod) are not part of the fleet: each is a whole installation of its own,
 * previewed with `--stack`.
 *
 * Exit code: 0 only when every stack is clean and no quota is exceeded; else the highest stack exit code (4 data loss,
 * 3 program error, 2 simulated Azure rejection, 1 mandatory policy violation), and 2 for an exceeded quota (Azure
 * refuses the resources past it).
 */
import { fork, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listStacks, readStackFile } from "./run";
import type { RecordedResource } from "./recorder";
import { shortStackName, PLATFORM_STACK_KEY, type StackOutputs } from "./stackReferences";
import { countFleetQuotas, type QuotaCount } from "./fleetQuotas";
import { STATUS_EXIT, type StackKind, type StackSummary } from "./fleetSummary";
import type { FromWorker, ToWorker, WorkerJob } from "./fleetWorker";

export const STACK_KIND_KEY = "cmk-storage:stackKind";
export const FLEET_FORMAT_VERSION = 1;

export interface FleetStack {
  stack: string;
  stackFile: string;
  kind: StackKind;
  platformStack: string | null;
}

/** The stack files of a fleet folder, platform stacks first (then by name). Throws with the file on bad YAML. */
export function discoverFleet(dir: string): FleetStack[] {
  const rank: Record<StackKind, number> = { platform: 0, team: 1, single: 2 };
  return listStacks(dir)
    .map((stack) => {
      const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
      const config = readStackFile(stackFile);
      const raw = config[STACK_KIND_KEY];
      const kind: StackKind = raw === "platform" || raw === "team" ? raw : "single";
      const ref = config[PLATFORM_STACK_KEY];
      return { stack, stackFile, kind, platformStack: typeof ref === "string" ? ref : null };
    })
    .sort((a, b) => rank[a.kind] - rank[b.kind] || (a.stack < b.stack ? -1 : 1));
}

export interface FleetOptions {
  root: string;
  /** Fleet folder (default stacks/fleet). */
  dir?: string;
  /** Worker processes at most (default os.cpus().length). */
  jobs?: number;
  /** Folder of earlier deployments, `<stack>.json` each (`--json` outputs or `pulumi stack export` files). */
  previous?: string;
  /** Folder to write each stack's full `--json` document into (`<stack>.json`). */
  out?: string;
  /** Program entry for every stack (tests). */
  program?: string;
  progress?: (msg: string) => void;
}

export interface FleetResult {
  dir: string;
  stacks: StackSummary[];
  quotas: QuotaCount[];
  workers: { pid: number; stacks: number; maxRssMiB: number; cpuMs: number }[];
  warnings: string[];
  wallMs: number;
  exitCode: number;
}

/** The compiled worker module (the preview runs compiled: scripts/compiled.js). */
function workerModule(root: string): string {
  const beside = path.join(__dirname, "fleetWorker.js");
  if (fs.existsSync(beside)) return beside;
  // Loaded from the TypeScript sources (a test): build .build/ and use its worker.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const compiled = require(path.join(root, "scripts", "compiled.js")) as {
    ensureBuilt(root: string, o?: object): unknown;
    compiledPath(entry: string, root: string): string;
  };
  compiled.ensureBuilt(root, { log: () => undefined });
  return compiled.compiledPath("preview/fleetWorker", root);
}

class Worker {
  readonly child: ChildProcess;
  stacks = 0;
  maxRssBytes = 0;
  cpuMs = 0;
  constructor(module: string) {
    this.child = fork(module, [], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "advanced",
      env: { ...process.env },
      execArgv: process.execArgv,
    });
  }
  send(msg: ToWorker): void {
    this.child.send(msg);
  }
}

/** Runs `jobs` over the workers (batches handed out as workers become idle); resolves with every stack's reply. */
function runPhase(
  workers: Worker[],
  jobs: WorkerJob[],
  base: { root: string; program?: string },
  onStack: (m: Extract<FromWorker, { type: "stack" }>) => void,
): Promise<void> {
  if (jobs.length === 0) return Promise.resolve();
  const batch = Math.max(1, Math.min(16, Math.ceil(jobs.length / (workers.length * 8))));
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const feed = (w: Worker): void => {
      if (next >= jobs.length) return;
      const slice = jobs.slice(next, next + batch);
      next += slice.length;
      w.send({ type: "run", jobs: slice, ...base });
    };
    for (const w of workers) {
      w.child.removeAllListeners("message");
      w.child.removeAllListeners("exit");
      w.child.on("message", (m: FromWorker) => {
        if (m.type === "stack") {
          w.stacks++;
          done++;
          onStack(m);
        } else {
          w.maxRssBytes = Math.max(w.maxRssBytes, m.maxRssBytes);
          w.cpuMs = m.cpuMs;
          if (done === jobs.length) resolve();
          else feed(w);
        }
      });
      w.child.on("exit", (code) => {
        if (done < jobs.length) {
          reject(
            new Error(
              `fleet worker ${w.child.pid} exited (code ${code}) before its stacks were done`,
            ),
          );
        }
      });
      feed(w);
    }
  });
}

function notPreviewed(s: FleetStack, root: string, reason: string): StackSummary {
  return {
    stack: s.stack,
    stackFile: path.relative(root, s.stackFile),
    kind: s.kind,
    platformStack: s.platformStack,
    status: "program-error",
    exitCode: STATUS_EXIT["program-error"],
    resources: 0,
    mandatory: [],
    advisory: 0,
    azureErrors: [],
    programErrors: [reason],
    dataLoss: null,
    previous: null,
    storageAccounts: [],
    roleAssignments: [],
    durationMs: 0,
  };
}

export async function runFleet(opts: FleetOptions): Promise<FleetResult> {
  const started = Date.now();
  const root = opts.root;
  const dir = path.resolve(opts.dir ?? path.join(root, "stacks", "fleet"));
  const progress = opts.progress ?? (() => undefined);
  const fleet = discoverFleet(dir);
  if (fleet.length === 0) {
    throw new Error(`no stack files (Pulumi.<stack>.yaml) in ${path.relative(root, dir) || dir}`);
  }
  const warnings: string[] = [];
  const previousFor = new Map<string, string>();
  if (opts.previous) {
    const folder = path.resolve(opts.previous);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
      throw new Error(
        `--previous ${opts.previous}: with --fleet it must be a folder of <stack>.json files (--json outputs or pulumi stack export files)`,
      );
    }
    const names = new Set(fleet.map((s) => s.stack));
    for (const f of fs
      .readdirSync(folder)
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      const stack = f.slice(0, -".json".length);
      if (names.has(stack)) previousFor.set(stack, path.join(folder, f));
      else warnings.push(`--previous ${opts.previous}/${f} names no stack of the fleet; ignored`);
    }
  }
  if (opts.out) fs.mkdirSync(opts.out, { recursive: true });
  const job = (s: FleetStack, keep: boolean): WorkerJob => ({
    stack: s.stack,
    stackFile: s.stackFile,
    kind: s.kind,
    platformStack: s.platformStack,
    keep,
    ...(previousFor.has(s.stack) ? { previous: previousFor.get(s.stack) } : {}),
    ...(opts.out ? { outFile: path.join(path.resolve(opts.out), `${s.stack}.json`) } : {}),
  });

  const platforms = fleet.filter((s) => s.kind === "platform");
  const rest = fleet.filter((s) => s.kind !== "platform");
  const maxJobs = Math.max(1, opts.jobs ?? os.cpus().length);
  const module = workerModule(root);
  const workers = Array.from(
    { length: Math.min(maxJobs, Math.max(platforms.length, rest.length)) },
    () => new Worker(module),
  );
  const summaries: StackSummary[] = [];
  const stackOutputs: Record<string, Record<string, unknown>> = {};
  const referenced: RecordedResource[] = [];
  const base = { root, ...(opts.program ? { program: opts.program } : {}) };
  try {
    progress(
      `previewing ${platforms.length} platform stack(s) on ${Math.min(workers.length, platforms.length)} worker(s)`,
    );
    await runPhase(
      workers.slice(0, Math.max(1, platforms.length)),
      platforms.map((s) => job(s, true)),
      base,
      (m) => {
        summaries.push(m.summary);
        if (m.summary.status === "ok") {
          stackOutputs[m.summary.stack] = m.outputs ?? {};
          referenced.push(...(m.resources ?? []));
        }
      },
    );
    for (const w of workers) w.send({ type: "context", stackOutputs, referenced });

    const platformStatus = new Map(summaries.map((s) => [s.stack, s.status]));
    const runnable: WorkerJob[] = [];
    for (const s of rest) {
      const ref = s.platformStack ? shortStackName(s.platformStack) : undefined;
      const status = ref ? platformStatus.get(ref) : undefined;
      if (status !== undefined && status !== "ok") {
        summaries.push(
          notPreviewed(
            s,
            root,
            `not previewed: its platform stack ${ref} (${PLATFORM_STACK_KEY}) ended with status ${status}; fix that stack first`,
          ),
        );
      } else runnable.push(job(s, false));
    }
    progress(`previewing ${runnable.length} stack(s) on ${workers.length} worker(s)`);
    let count = 0;
    await runPhase(workers, runnable, base, (m) => {
      summaries.push(m.summary);
      if (++count % 100 === 0) progress(`${count}/${runnable.length} stacks previewed`);
    });
  } finally {
    for (const w of workers) w.child.disconnect();
  }
  const order = new Map(fleet.map((s, i) => [s.stack, i]));
  summaries.sort((a, b) => order.get(a.stack)! - order.get(b.stack)!);
  const quotas = countFleetQuotas(summaries);
  const worst = Math.max(
    0,
    ...summaries.map((s) => s.exitCode),
    quotas.some((q) => q.exceeded) ? 2 : 0,
  );
  return {
    dir,
    stacks: summaries,
    quotas,
    workers: workers.map((w) => ({
      pid: w.child.pid ?? 0,
      stacks: w.stacks,
      maxRssMiB: Math.round(w.maxRssBytes / 2 ** 20),
      cpuMs: Math.round(w.cpuMs),
    })),
    warnings,
    wallMs: Date.now() - started,
    exitCode: worst,
  };
}

function totals(r: FleetResult) {
  const sum = (f: (s: StackSummary) => number): number => r.stacks.reduce((a, s) => a + f(s), 0);
  const count = (k: string, of: (s: StackSummary) => string): number =>
    r.stacks.filter((s) => of(s) === k).length;
  return {
    stacks: r.stacks.length,
    kinds: {
      platform: count("platform", (s) => s.kind),
      team: count("team", (s) => s.kind),
      single: count("single", (s) => s.kind),
    },
    clean: count("ok", (s) => s.status),
    failed: r.stacks.filter((s) => s.status !== "ok").length,
    resources: sum((s) => s.resources),
    mandatoryViolations: sum((s) => s.mandatory.length),
    advisoryViolations: sum((s) => s.advisory),
    azureErrors: sum((s) => s.azureErrors.length),
    programErrors: sum((s) => s.programErrors.length),
    dataLoss: sum((s) => s.dataLoss ?? 0),
    quotasExceeded: r.quotas.filter((q) => q.exceeded).length,
  };
}

/** The fleet's `--json` document. */
export function fleetJson(r: FleetResult, root: string): unknown {
  return {
    formatVersion: FLEET_FORMAT_VERSION,
    kind: "fleet",
    fleetDir: path.relative(root, r.dir) || r.dir,
    status: r.exitCode === 0 ? "ok" : "failed",
    exitCode: r.exitCode,
    summary: totals(r),
    quotas: r.quotas,
    stacks: r.stacks,
    warnings: r.warnings,
    timing: { wallMs: r.wallMs, workers: r.workers },
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** The fleet's text view: one line per stack, its findings, the quotas and the fleet total. */
export function renderFleetText(r: FleetResult, root: string): string {
  const t = totals(r);
  const w = Math.max(5, ...r.stacks.map((s) => s.stack.length));
  const lines = [
    `Fleet preview of ${path.relative(root, r.dir) || r.dir}: ${t.stacks} stacks (${t.kinds.platform} platform, ${t.kinds.team} team${t.kinds.single ? `, ${t.kinds.single} single` : ""}), ${r.workers.length} worker(s), ${(r.wallMs / 1000).toFixed(1)} s`,
    "",
    `  ${pad("STACK", w)}  ${pad("KIND", 8)}  ${pad("RESULT", 16)}  RESOURCES  MANDATORY  ADVISORY`,
  ];
  for (const s of r.stacks) {
    lines.push(
      `  ${pad(s.stack, w)}  ${pad(s.kind, 8)}  ${pad(s.status, 16)}  ${pad(String(s.resources), 9)}  ${pad(String(s.mandatory.length), 9)}  ${s.advisory}`,
    );
    for (const e of s.programErrors) lines.push(`      program error: ${e}`);
    for (const e of s.azureErrors) {
      lines.push(`      simulated Azure: ${e.code} (${e.rule}) ${e.resource}: ${e.message}`);
    }
    for (const v of s.mandatory) {
      lines.push(`      mandatory ${v.policy}${v.urn ? ` ${v.urn}` : ""}: ${v.message}`);
      if (v.stackHint) lines.push(`        stack config: ${v.stackHint}`);
    }
    if (s.dataLoss) {
      lines.push(
        `      data loss against ${s.previous}: ${s.dataLoss} finding(s) (preview the stack alone with --previous for details)`,
      );
    }
  }
  lines.push("", "Quotas across stacks:");
  if (r.quotas.length === 0) lines.push("  none used");
  for (const q of r.quotas) {
    const where = q.location ? `${q.subscriptionId}/${q.location}` : q.subscriptionId;
    const label =
      q.quota === "storage-accounts-per-region" ? "storage accounts" : "role assignments";
    lines.push(
      `  ${q.exceeded ? "EXCEEDED" : "ok      "} ${label} ${where}: ${q.count}/${q.limit} (${q.stacks.length} stack(s))`,
    );
    if (q.message) lines.push(`      ${q.message}`);
  }
  for (const warning of r.warnings) lines.push(`warning: ${warning}`);
  lines.push(
    "",
    `Fleet: ${r.exitCode === 0 ? "PASS" : "FAIL"}: ${t.clean}/${t.stacks} stacks clean, ${t.resources} resources, ${t.mandatoryViolations} mandatory and ${t.advisoryViolations} advisory violations, ${t.azureErrors} simulated Azure errors, ${t.programErrors} program errors, ${t.quotasExceeded} quota(s) exceeded; exit code ${r.exitCode}`,
  );
  return lines.join("\n");
}

/** Outputs and resources of the platform stack a single team stack references, for `--stack-file` of a team stack. */
export function platformStackFileFor(
  reference: string,
  teamFile: string,
  root: string,
): string | undefined {
  const short = shortStackName(reference);
  return [path.dirname(teamFile), path.join(root, "stacks", "fleet"), path.join(root, "stacks")]
    .map((d) => path.join(d, `Pulumi.${short}.yaml`))
    .find((f) => fs.existsSync(f));
}

export type { StackOutputs };
