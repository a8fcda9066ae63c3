/**
 * The CLI's fleet parts (preview/cli.ts stays small): `--fleet` (preview/fleet.ts), and for a single stack that
 * references a platform stack (`--stack-file stacks/fleet/Pulumi.team-x.yaml`), the context its StackReference needs:
 * the outputs given with `--stack-outputs <file>`, or else the referenced platform stack file's own preview, run first
 * in this process (found by the reference's last segment beside the team's file, in stacks/fleet/ or in stacks/).
 */
import * as fs from "fs";
import * as path from "path";
import { readStackFile, runPreview } from "./run";
import type { RecordedResource } from "./recorder";
import { PLATFORM_STACK_KEY, shortStackName, type StackOutputs } from "./stackReferences";
import { fleetJson, platformStackFileFor, renderFleetText, runFleet } from "./fleet";

export interface FleetCliOptions {
  root: string;
  json?: boolean;
  fleetDir?: string;
  jobs?: string;
  previous?: string;
  out?: string;
  program?: string;
  progress?: (m: string) => void;
}

/** Runs `--fleet`; returns the exit code (64 for a bad `--jobs`). */
export async function fleetMain(o: FleetCliOptions): Promise<number> {
  let jobs: number | undefined;
  if (o.jobs !== undefined) {
    jobs = Number(o.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) {
      process.stderr.write(
        `error: --jobs must be a whole number of worker processes ≥ 1; got ${JSON.stringify(o.jobs)}\n`,
      );
      return 64;
    }
  }
  const result = await runFleet({
    root: o.root,
    ...(o.fleetDir ? { dir: path.resolve(o.fleetDir) } : {}),
    ...(jobs ? { jobs } : {}),
    ...(o.previous ? { previous: path.resolve(o.previous) } : {}),
    ...(o.out ? { out: path.resolve(o.out) } : {}),
    ...(o.program ? { program: path.resolve(o.program) } : {}),
    ...(o.progress ? { progress: o.progress } : {}),
  });
  process.stdout.write(
    o.json
      ? `${JSON.stringify(fleetJson(result, o.root), null, 2)}\n`
      : `${renderFleetText(result, o.root)}\n`,
  );
  if (result.exitCode !== 0) {
    const failed = result.stacks
      .filter((s) => s.status !== "ok")
      .map((s) => `${s.stack} (${s.status})`);
    const quotas = result.quotas.filter((q) => q.exceeded).length;
    process.stderr.write(
      `fleet preview failed: ${[failed.length ? `${failed.length} stack(s) not clean: ${failed.slice(0, 10).join(", ")}${failed.length > 10 ? ", …" : ""}` : "", quotas ? `${quotas} quota(s) exceeded` : ""].filter(Boolean).join("; ")}\n`,
    );
  }
  return result.exitCode;
}

/**
 * Reads `--stack-outputs`: `{ "<stack>": outputs, … }`, one stack's `pulumi stack output --json` for `reference`, or
 * the referenced stack's `--json` document of this preview (its `outputs`).
 */
export function readStackOutputs(file: string, reference: string | undefined): StackOutputs {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(
      `--stack-outputs ${file}: cannot read it as JSON (${e instanceof Error ? e.message : String(e)})`,
      { cause: e },
    );
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    throw new Error(
      `--stack-outputs ${file}: must be a JSON object (stack name → outputs, or one stack's outputs)`,
    );
  }
  const map = doc as Record<string, unknown>;
  // A preview's --json document (or the fleet's --out file) of the referenced stack: its `outputs`.
  if (
    map.formatVersion === 1 &&
    typeof map.stack === "string" &&
    map.outputs &&
    typeof map.outputs === "object"
  ) {
    return { [map.stack]: map.outputs as Record<string, unknown> };
  }
  if (reference && !(reference in map) && !(shortStackName(reference) in map)) {
    return { [reference]: map };
  }
  return map as StackOutputs;
}

/**
 * The StackReference context of a single stack: none when its file names no `cmk-storage:platformStack`; else from
 * `--stack-outputs` (the vaults they name then count as existing outside the stack), or from previewing the platform
 * stack file first (which must be clean).
 */
export async function singleStackContext(
  stackFile: string,
  root: string,
  options: { stackOutputs?: string; program?: string } = {},
): Promise<{
  stackOutputs?: StackOutputs;
  referenced?: readonly RecordedResource[];
  existingVaults?: string[];
}> {
  const reference = readStackFile(stackFile)[PLATFORM_STACK_KEY];
  if (options.stackOutputs) {
    const stackOutputs = readStackOutputs(
      options.stackOutputs,
      typeof reference === "string" ? reference : undefined,
    );
    // The vaults the outputs name exist outside this stack (as cmk-preview:existingVaults declares).
    const vaults = [
      ...JSON.stringify(stackOutputs).matchAll(
        /\/providers\/Microsoft\.KeyVault\/vaults\/([^/"]+)/gi,
      ),
    ];
    return { stackOutputs, existingVaults: [...new Set(vaults.map((m) => m[1].toLowerCase()))] };
  }
  if (typeof reference !== "string") return {};
  const platformFile = platformStackFileFor(reference, stackFile, root);
  if (!platformFile) return {}; // the run's StackReference then fails naming cmk-storage:platformStack
  const platform = await runPreview({
    stack: shortStackName(reference),
    root,
    stackFile: platformFile,
    ...(options.program ? { program: options.program } : {}),
  });
  if (platform.status !== "ok") {
    throw new Error(
      `${PLATFORM_STACK_KEY} ${reference}: its stack file ${path.relative(root, platformFile)} does not preview clean (status ${platform.status}: ${[...platform.programErrors, ...platform.azureErrors.map((e) => e.message), ...(platform.policy?.mandatory ?? []).map((v) => v.message)][0] ?? ""}); preview it alone with --stack-file, or give its outputs with --stack-outputs`,
    );
  }
  return {
    stackOutputs: { [shortStackName(reference)]: platform.outputs },
    referenced: platform.resources,
  };
}
