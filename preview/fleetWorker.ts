/**
 * A worker process of the fleet preview (forked by preview/fleet.ts from the compiled .build/preview/fleetWorker.js).
 * Runs many stacks, one after another, in one process: the libraries (Pulumi, azure-native, the components, the policy
 * pack) load once, and each stack's program is loaded afresh (run.ts forgets the program's modules between runs).
 *
 * Messages from the parent: `{ type: "context", stackOutputs, referenced }` (the platform stacks' outputs and
 * resources, before the team stacks) and `{ type: "run", jobs }`. To the parent: `{ type: "stack", summary, outputs?,
 * resources? }` per stack (outputs and resources for platform stacks only) and `{ type: "idle", maxRssBytes, cpuMs }`
 * (the process's own peak RSS and CPU time so far) when a batch is done.
 */
import * as fs from "fs";
import * as path from "path";
import { runPreview, type PreviewResult } from "./run";
import type { RecordedResource } from "./recorder";
import type { StackOutputs } from "./stackReferences";
import { summarize, type StackKind, type StackSummary } from "./fleetSummary";
import { toJson } from "./render";
import { readPrevious } from "./diff";

export interface WorkerJob {
  stack: string;
  stackFile: string;
  kind: StackKind;
  platformStack: string | null;
  /** An earlier deployment of this stack (`--previous <folder>/<stack>.json`). */
  previous?: string;
  /** Where to write the stack's full `--json` document (`--out <folder>`). */
  outFile?: string;
  /** Send the stack's outputs and resources back (platform stacks: they feed the team stacks). */
  keep: boolean;
}

export type ToWorker =
  | { type: "context"; stackOutputs: StackOutputs; referenced: RecordedResource[] }
  | { type: "run"; jobs: WorkerJob[]; root: string; program?: string };

export type FromWorker =
  | {
      type: "stack";
      summary: StackSummary;
      outputs?: Record<string, unknown>;
      resources?: RecordedResource[];
    }
  | { type: "idle"; maxRssBytes: number; cpuMs: number };

let context: { stackOutputs: StackOutputs; referenced: RecordedResource[] } = {
  stackOutputs: {},
  referenced: [],
};

/** Sets what the next jobs' StackReferences and simulated Azure see (the `context` message). */
export function setContext(next: typeof context): void {
  context = next;
}

function failed(job: WorkerJob, root: string, error: unknown): PreviewResult {
  return {
    project: "cmk-storage",
    stack: job.stack,
    stackFile: path.relative(root, job.stackFile),
    policyConfigFile: undefined,
    existingVaults: [],
    resources: [],
    azureErrors: [],
    programErrors: [error instanceof Error ? error.message : String(error)],
    diagnostics: [],
    policy: undefined,
    diff: undefined,
    dataLoss: [],
    outputs: {},
    status: "program-error",
  };
}

/** Runs one job (never throws: a failure is the stack's program error). */
export async function runJob(
  job: WorkerJob,
  root: string,
  program: string | undefined,
): Promise<Extract<FromWorker, { type: "stack" }>> {
  const started = Date.now();
  let result: PreviewResult;
  try {
    const previous = job.previous ? readPrevious(job.previous) : undefined;
    const named = [...new Set(previous?.resources.map((r) => r.urn.split("::")[0].split(":")[2]))];
    if (named.length > 0 && !named.includes(job.stack)) {
      throw new Error(
        `--previous ${path.relative(root, job.previous!) || job.previous}: a deployment of stack ${named.join(", ")}, not of ${job.stack} (URNs name the stack, so nothing would match); name each file after its stack`,
      );
    }
    result = await runPreview({
      stack: job.stack,
      root,
      stackFile: job.stackFile,
      ...(program ? { program } : {}),
      ...(previous ? { previous } : {}),
      stackOutputs: context.stackOutputs,
      referenced: context.referenced,
    });
  } catch (e) {
    result = failed(job, root, e);
  }
  if (job.outFile) fs.writeFileSync(job.outFile, `${JSON.stringify(toJson(result), null, 2)}\n`);
  const summary = summarize(result, {
    kind: job.kind,
    platformStack: job.platformStack,
    previous: job.previous ? path.relative(root, job.previous) || job.previous : null,
    durationMs: Date.now() - started,
  });
  return job.keep
    ? { type: "stack", summary, outputs: result.outputs, resources: result.resources }
    : { type: "stack", summary };
}

if (require.main === module && process.send) {
  let queue = Promise.resolve();
  process.on("message", (msg: ToWorker) => {
    queue = queue.then(async () => {
      if (msg.type === "context") {
        setContext({ stackOutputs: msg.stackOutputs, referenced: msg.referenced });
        return;
      }
      for (const job of msg.jobs) {
        const reply = await runJob(job, msg.root, msg.program);
        await new Promise<void>((resolve) => process.send!(reply, undefined, {}, () => resolve()));
      }
      const u = process.resourceUsage();
      process.send!({
        type: "idle",
        maxRssBytes: u.maxRSS * 1024,
        cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000,
      } satisfies FromWorker);
    });
  });
  process.on("disconnect", () => process.exit(0));
}
