/**
 * Policy evaluation alone (`npm run bench`): every resource and stack policy of the pack, with the engine's semantics
 * (preview/policyAdapter.ts), over the resources of a preview document, without the program or the runtime.
 *
 * Usage: node -r ./bench/usage.js .build/bench/policyOnly.js <preview.json> <policy config.json>
 */
import * as fs from "fs";
import { runPolicyAdapter } from "../preview/policyAdapter";
import type { RecordedResource } from "../preview/recorder";

async function main(file: string, config: string): Promise<void> {
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as {
    resources: (Omit<RecordedResource, "id" | "parent" | "aliases"> & {
      id: string | null;
      parent: string | null;
    })[];
  };
  const resources: RecordedResource[] = doc.resources.map((r) => ({
    ...r,
    id: r.id ?? undefined,
    parent: r.parent ?? undefined,
    aliases: [],
  }));
  const t0 = performance.now();
  const outcome = await runPolicyAdapter(resources, config);
  (globalThis as { __cmkBenchMarks?: Record<string, number> }).__cmkBenchMarks = {
    policyMs: performance.now() - t0,
    resources: resources.length,
    violations: outcome.violations.length,
  };
}

main(process.argv[2], process.argv[3]).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
