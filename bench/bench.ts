/**
 * Benchmarks (`npm run bench`): wall time of the offline preview end to end per stack, and of the policy pack over
 * growing fleets of CMK storage accounts (stack rules index resources by id/URI, so time should grow linearly).
 * Prints a table; asserts nothing (speed is measured here, not in tests).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { performance } from "perf_hooks";
import { armMocks } from "../preview/armState";
import { runPolicyAdapter } from "../preview/policyAdapter";
import { installRecordingMocks } from "../preview/recorder";

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

  // Policy pack over fleets: components are imported after the mocks are installed.
  const { CmkStorageAccount, ManagedKeyRotation, SecureVault } = await import("@cmk-platform/azure-cmk-storage");
  console.log("Policy pack (all resource + stack policies) over a fleet of N accounts (median of runs):");
  for (const n of [10, 40, 160]) {
    recorder.reset();
    const vault = new SecureVault(`kv${n}`, { resourceGroupName: "rg", location: "westeurope", sku: "premium" });
    const key = new ManagedKeyRotation(`cmk${n}`, { vault: vault.reference(), keyType: "RSA-HSM" }).reference();
    for (let i = 0; i < n; i++) new CmkStorageAccount(`team${n}x${i}`, { resourceGroupName: "rg", location: "westeurope", key });
    await recorder.settled();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const outcome = await runPolicyAdapter(recorder.resources, path.join(REPO, "policy/config/prod.json"));
      times.push(performance.now() - t0);
      if (outcome.mandatory.length > 0) throw new Error(`unexpected mandatory violations: ${outcome.mandatory[0]!.message}`);
    }
    const ms = median(times);
    console.log(`  N=${String(n).padEnd(4)} resources=${String(recorder.resources.length).padEnd(5)} ${ms.toFixed(0)} ms  (${(ms / recorder.resources.length).toFixed(2)} ms/resource)`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
