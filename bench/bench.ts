/**
 * Benchmarks (`npm run bench`): wall time of the offline preview end to end per stack, and of the policy pack over
 * growing fleets of teams, uniform or with mixed per-team settings (`BENCH_TEAMS=uniform,mixed`, the default; see
 * bench/fleet.ts). Stack rules index resources by id/URI, so time should grow linearly.
 * Prints a table; asserts nothing (speed is measured here, not in tests).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { performance } from "perf_hooks";
import { armMocks } from "../preview/armState";
import { runPolicyAdapter } from "../preview/policyAdapter";
import { installRecordingMocks } from "../preview/recorder";
import { fleetStackConfig, type FleetMode } from "./fleet";

const REPO = path.resolve(__dirname, "..");
const recorder = installRecordingMocks(armMocks(), { project: "cmk-storage", stack: "bench" });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  console.log(`Offline preview, end to end (child process, ${runs} runs each, median):`);
  for (const stack of ["dev", "staging", "prod"]) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "preview/cli.ts", "--stack", stack, "--json"], { cwd: REPO, encoding: "utf8" });
      times.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`preview --stack ${stack} exited ${r.status}: ${r.stderr}`);
    }
    console.log(`  ${stack.padEnd(8)} ${(median(times) / 1000).toFixed(2)} s`);
  }

  // Policy pack over fleets built by the real program from generated stack config (teams uniform or with mixed
  // per-team overrides: SKU, firewall, shared keys with rotation, team keys, protection). The program and the
  // components are imported after the mocks are installed.
  const { parseStackConfig } = await import("../stacks/config");
  const { deployCmkPlatform } = await import("../stacks/program");
  const modes = (process.env.BENCH_TEAMS ?? "uniform,mixed").split(",") as FleetMode[];
  console.log("Policy pack (all resource + stack policies) over a fleet of N teams (median of runs; dev policy config, where shared keys are advisory):");
  for (const mode of modes) {
    for (const n of [10, 40, 160]) {
      recorder.reset();
      // The program's warnings (one per shared-key team) would drown the table.
      const warn = console.warn;
      console.warn = () => undefined;
      try {
        deployCmkPlatform(parseStackConfig(fleetStackConfig(n, mode), "cmk-storage", `bench fleet ${mode} ${n}`));
        await recorder.settled();
      } finally {
        console.warn = warn;
      }
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const outcome = await runPolicyAdapter(recorder.resources, path.join(REPO, "policy/config/dev.json"));
        times.push(performance.now() - t0);
        if (outcome.mandatory.length > 0) throw new Error(`unexpected mandatory violations: ${outcome.mandatory[0]!.message}`);
      }
      const ms = median(times);
      console.log(`  ${mode.padEnd(8)} N=${String(n).padEnd(4)} resources=${String(recorder.resources.length).padEnd(5)} ${ms.toFixed(0)} ms  (${(ms / recorder.resources.length).toFixed(2)} ms/resource)`);
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
