/**
 * Benchmarks (`npm run bench`): side by side in one run, for fleets of N team accounts on prod's settings (prod stack
 * file and policy config, teams from bench/fleet.ts):
 * - floor: the same raw resource graph under trivial mocks, compiled JS, Node's default stack trace limit
 *   (bench/floor.ts);
 * - preview: `npm run preview -- --stack prod --json` end to end (compiled, scripts/compiled.js), every policy;
 * - policy: policy evaluation alone over the preview's resources (bench/policyOnly.ts);
 * and program load for a real run (`pulumi up`'s ts-node registration, bench/programLoad.js), transpile-only as
 * configured and, in the full run, with type checking for comparison;
 * - fleet preview: `npm run preview -- --fleet --json` on generated fleets of T team stacks over 10 subscriptions and
 *   2 regions (2 platform stacks; bench/fleetStacks.ts, copies of the example fleet's platform-weu and team-payments
 *   files), every policy: wall time, CPU (the parent's and every worker's), peak RSS of the largest worker.
 * Each is a child process measured by bench/usage.js: wall time (here), CPU time and peak RSS (the child's own).
 * Writes bench/results/bench.json and bench/results/bench.md (or --out <dir>) and prints the table. Asserts nothing.
 *
 *   npm run bench                      N = 100 and 250 (one stack: 250 accounts per region per subscription is
 *                                      Azure's default quota; past it, the fleet rows measure scale), fleets of 200,
 *                                      1000 and 2000 teams
 *   npm run bench -- --sizes 100,300   other sizes
 *   npm run bench -- --quick           N = 3, no type-checking load, a 4-team fleet (what `npm test` runs, to keep the bench working)
 *   npm run bench -- --fleet-sizes 200,1000,2000   fleet sizes in teams (default 200,1000,2000; env CMK_BENCH_FLEET_SIZES;
 *                                                  0 or "none" skips the fleet rows); --sizes none skips the single-stack rows
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { fleetTeams } from "./fleet";
import { writeFleet } from "./fleetStacks";

const ROOT = path.resolve(
  __dirname,
  "..",
  fs.existsSync(path.join(__dirname, "..", "Pulumi.yaml")) ? "." : "..",
);

interface Measure {
  label: string;
  n: number | null;
  resources: number | null;
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
  msPerResource: number | null;
  marks: Record<string, number>;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Runs `node -r bench/usage.js <args>` in the repository and returns its measurements. */
function measure(
  label: string,
  n: number | null,
  args: string[],
  options: { stdoutFile?: string; env?: NodeJS.ProcessEnv } = {},
): Measure {
  const usageFile = path.join(os.tmpdir(), `cmk-bench-${process.pid}-${label}-${n ?? "x"}.json`);
  const out = options.stdoutFile ? fs.openSync(options.stdoutFile, "w") : "ignore";
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["-r", path.join(ROOT, "bench", "usage.js"), ...args], {
    cwd: ROOT,
    stdio: ["ignore", out, "pipe"],
    env: { ...process.env, ...options.env, CMK_BENCH_USAGE: usageFile },
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = performance.now() - t0;
  if (typeof out === "number") fs.closeSync(out);
  if (r.status !== 0) {
    throw new Error(`${label} (N=${n}) exited ${r.status}: ${r.stderr?.toString().slice(-2000)}`);
  }
  const usage = JSON.parse(fs.readFileSync(usageFile, "utf8")) as {
    cpuMs: number;
    maxRssBytes: number;
    marks: Record<string, number>;
  };
  fs.rmSync(usageFile, { force: true });
  const resources = usage.marks["resources"] ?? null;
  return {
    label,
    n,
    resources,
    wallMs,
    cpuMs: usage.cpuMs,
    maxRssMiB: usage.maxRssBytes / 2 ** 20,
    msPerResource: resources ? wallMs / resources : null,
    marks: usage.marks,
  };
}

/** prod's stack file with its teams replaced by a fleet of `n` teams with the stack defaults. */
function fleetStackFile(dir: string, n: number): string {
  const doc = YAML.parse(
    fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8"),
  ) as { config: Record<string, unknown> };
  doc.config["cmk-storage:teams"] = fleetTeams(n, "uniform");
  delete doc.config["cmk-storage:accounts"];
  // One stack of n accounts measures the preview's cost, not Azure's quota (a real fleet spreads over subscriptions):
  // declare the storage-account quota as granted for n.
  doc.config["cmk-preview:quotas"] = { "storage-accounts-per-region": Math.max(250, n) };
  const file = path.join(dir, `Pulumi.prod.yaml`);
  fs.writeFileSync(file, YAML.stringify(doc));
  return file;
}

/** Sizes from a comma list; "", "0" or "none" is none. */
function sizesOf(text: string): number[] {
  return text === "none"
    ? []
    : text
        .split(",")
        .map(Number)
        .filter((n) => n > 0);
}

/** `--fleet --json` on a generated fleet of `teams` team stacks; CPU adds the workers', RSS is the largest worker's. */
function measureFleet(work: string, teams: number): Measure {
  const dir = fs.mkdtempSync(path.join(work, `fleet${teams}-`));
  writeFleet(dir, {
    teams,
    subscriptions: 10,
    regions: ["westeurope", "northeurope"],
    template: {
      platform: path.join(ROOT, "stacks", "fleet", "Pulumi.platform-weu.yaml"),
      team: path.join(ROOT, "stacks", "fleet", "Pulumi.team-payments.yaml"),
    },
  });
  const json = path.join(work, `fleet${teams}.json`);
  const m = measure(
    "fleet preview",
    teams,
    [
      path.join(ROOT, "scripts", "compiled.js"),
      "preview/cli",
      "--fleet",
      "--fleet-dir",
      dir,
      "--json",
    ],
    { stdoutFile: json },
  );
  const doc = JSON.parse(fs.readFileSync(json, "utf8")) as {
    exitCode: number;
    summary: { stacks: number; resources: number; clean: number };
    timing: { workers: { stacks: number; maxRssMiB: number; cpuMs: number }[] };
  };
  if (doc.exitCode !== 0) {
    throw new Error(
      `the fleet preview of ${teams} teams exited ${doc.exitCode} (${doc.summary.clean}/${doc.summary.stacks} clean)`,
    );
  }
  const workers = doc.timing.workers;
  return {
    ...m,
    resources: doc.summary.resources,
    cpuMs: m.cpuMs + workers.reduce((a, w) => a + w.cpuMs, 0),
    maxRssMiB: Math.max(...workers.map((w) => w.maxRssMiB)),
    msPerResource: m.wallMs / doc.summary.resources,
    marks: {
      ...m.marks,
      stacks: doc.summary.stacks,
      workers: workers.length,
      parentCpuMs: m.cpuMs,
      parentMaxRssMiB: m.maxRssMiB,
      ...Object.fromEntries(workers.map((w, i) => [`worker${i}MaxRssMiB`, w.maxRssMiB])),
      ...Object.fromEntries(workers.map((w, i) => [`worker${i}Stacks`, w.stacks])),
    },
  };
}

function fmt(x: number | null, digits = 0): string {
  return x === null ? "" : x.toFixed(digits);
}

function main(): void {
  const quick = process.argv.includes("--quick");
  const sizes = sizesOf(arg("--sizes") ?? (quick ? "3" : "100,250"));
  const fleetSizes = sizesOf(
    arg("--fleet-sizes") ?? process.env.CMK_BENCH_FLEET_SIZES ?? (quick ? "4" : "200,1000,2000"),
  );
  const outDir = path.resolve(arg("--out") ?? path.join(ROOT, "bench", "results"));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-bench-"));
  const rows: Measure[] = [];
  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  try {
    for (const n of sizes) {
      const dir = fs.mkdtempSync(path.join(work, `n${n}-`));
      const stackFile = fleetStackFile(dir, n);
      const json = path.join(dir, "preview.json");
      log(`N=${n}: preview`);
      const preview = measure(
        "preview",
        n,
        [
          path.join(ROOT, "scripts", "compiled.js"),
          "preview/cli",
          "--stack",
          "prod",
          "--stack-file",
          stackFile,
          "--json",
        ],
        { stdoutFile: json },
      );
      const doc = JSON.parse(fs.readFileSync(json, "utf8")) as {
        status: string;
        resources: unknown[];
      };
      if (doc.status !== "ok") {
        throw new Error(`the preview of N=${n} ended with status ${doc.status}`);
      }
      preview.resources = doc.resources.length;
      preview.msPerResource = preview.wallMs / doc.resources.length;
      log(`N=${n}: floor`);
      const floor = measure("floor", n, [path.join(ROOT, ".build", "bench", "floor.js"), json]);
      floor.msPerResource = floor.wallMs / doc.resources.length;
      floor.resources = doc.resources.length;
      log(`N=${n}: policy`);
      const policy = measure("policy", n, [
        path.join(ROOT, ".build", "bench", "policyOnly.js"),
        json,
        path.join(ROOT, "policy", "config", "prod.json"),
      ]);
      rows.push(floor, preview, policy);
    }
    for (const teams of fleetSizes) {
      log(`fleet of ${teams} teams: preview --fleet`);
      rows.push(measureFleet(work, teams));
    }
    log("program load");
    rows.push(
      measure("program load (pulumi up, transpile-only)", null, [
        path.join(ROOT, "bench", "programLoad.js"),
      ]),
    );
    if (!quick) {
      log("program load with type checking");
      rows.push(
        measure(
          "program load (type-checking, for comparison)",
          null,
          [path.join(ROOT, "bench", "programLoad.js")],
          { env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false" } },
        ),
      );
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const byLabel = (label: string, n: number): Measure | undefined =>
    rows.find((r) => r.label === label && r.n === n);
  const ratios = sizes.map((n) => {
    const f = byLabel("floor", n)!;
    const p = byLabel("preview", n)!;
    return { n, previewOverFloorWall: p.wallMs / f.wallMs, previewOverFloorCpu: p.cpuMs / f.cpuMs };
  });
  const scaling =
    sizes.length >= 2
      ? {
          from: sizes[0],
          to: sizes.at(-1)!,
          accounts: sizes.at(-1)! / sizes[0],
          previewWall:
            byLabel("preview", sizes.at(-1)!)!.wallMs / byLabel("preview", sizes[0])!.wallMs,
        }
      : null;
  const fleetRows = rows.filter((r) => r.label === "fleet preview");
  const fleetScaling = fleetRows.map((r) => ({
    teams: r.n!,
    wallMs: r.wallMs,
    msPerTeam: r.wallMs / r.n!,
    cpuMsPerTeam: r.cpuMs / r.n!,
    maxWorkerRssMiB: r.maxRssMiB,
  }));
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      loadavg: os.loadavg(),
    },
    quick,
    rows,
    ratios,
    scaling,
    fleetScaling,
  };

  const lines = [
    `# Benchmark (${result.date}, ${result.machine.cpus} CPUs, Node ${result.machine.node}, load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")})`,
    "",
    "| Measure | N accounts | Resources | Wall (ms) | CPU (ms) | Peak RSS (MiB) | ms / resource |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.n ?? ""} | ${r.resources ?? ""} | ${fmt(r.wallMs)} | ${fmt(r.cpuMs)} | ${fmt(r.maxRssMiB)} | ${fmt(r.msPerResource, 2)} |`,
    ),
    "",
    ...ratios.map(
      (x) =>
        `- N=${x.n}: preview / floor = ${x.previewOverFloorWall.toFixed(2)}× wall, ${x.previewOverFloorCpu.toFixed(2)}× CPU`,
    ),
    ...(scaling
      ? [
          `- ${scaling.accounts}× the accounts (N=${scaling.from} → ${scaling.to}): ${scaling.previewWall.toFixed(2)}× the preview's wall time`,
        ]
      : []),
    ...fleetScaling.map(
      (f) =>
        `- fleet of ${f.teams} teams: ${f.msPerTeam.toFixed(1)} ms wall and ${f.cpuMsPerTeam.toFixed(1)} ms CPU per team, largest worker ${fmt(f.maxWorkerRssMiB)} MiB`,
    ),
    "",
    "Floor: the preview's resource graph as raw resources under trivial mocks (bench/floor.ts). Preview: `npm run preview -- --stack prod --json` on a fleet",
    "stack file. Policy: the pack alone over the preview's resources (bench/policyOnly.ts). Program load: ts-node registered as `pulumi up` registers it, until",
    "stacks/index.ts has loaded (bench/programLoad.js). Wall time measured around each child process; CPU and peak RSS are the child's own.",
    ...(fleetRows.length > 0
      ? [
          "Fleet preview: `npm run preview -- --fleet --json` on a generated fleet (N = team stacks, over 10 subscriptions and 2 regions, plus 2 platform stacks;",
          "bench/fleetStacks.ts), every policy; CPU is the parent's plus every worker's, peak RSS the largest worker's (per worker in bench.json marks).",
        ]
      : []),
    "",
  ];
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "bench.json"), `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, "bench.md"), lines.join("\n"));
  process.stdout.write(
    `${lines.join("\n")}\nWritten to ${path.relative(process.cwd(), outDir) || "."}/bench.{json,md}\n`,
  );
}

main();
