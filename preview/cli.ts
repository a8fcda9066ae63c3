/**
 * `npm run preview [-- --stack <env>] [--json] [--report <file.md>] [--policy-config <file> | --policy-defaults]`: the project's main job
 * offline. Runs the real program (stacks/index.ts) with the stack's config against a simulated Azure Resource Manager,
 * then the policy pack with the engine's semantics. No Pulumi CLI, no credentials, no network.
 *
 * With `--previous FILE` (an earlier `--json` output or a `pulumi stack export`) it also shows what changes, and stops on
 * data loss unless each such resource is acknowledged with `--allow-data-loss <urn>`.
 *
 * Exit codes: 0 clean (advisory violations allowed); 1 mandatory policy violation; 2 the simulated Azure rejected a
 * resource; 3 program or configuration error; 4 unacknowledged data loss against --previous; 64 usage error.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { listStacks, missingPolicyConfigMessage, runPreview } from "./run";
import { readPrevious, type PreviousDeployment } from "./diff";
import { renderReport, renderText, toJson } from "./render";
import { fleetMain, singleStackContext } from "./fleetCli";
import { defaultPolicyConfig, readStackFile } from "./run";

/** The project folder: the nearest folder above `dir` with Pulumi.yaml (preview/ itself, or .build/preview/ compiled). */
function projectRoot(dir: string): string {
  for (let d = path.resolve(dir, ".."); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "Pulumi.yaml"))) return d;
    if (path.dirname(d) === d) return path.resolve(dir, "..");
  }
}

export const EXIT = { ok: 0, policy: 1, azure: 2, program: 3, dataLoss: 4, usage: 64 } as const;

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("npm run preview --")
    .description(
      "Offline preview: the real program and stack config against a simulated Azure, with the policy pack's verdicts.",
    )
    .option("-s, --stack <name>", "stack to preview (stacks/Pulumi.<name>.yaml)", "dev")
    .option("--json", "print the machine-readable document on stdout instead of the text view")
    .option("--report <file.md>", "also write a Markdown report with a Mermaid diagram")
    .option(
      "--policy-config <file>",
      "policy pack config (default: policy/config/<stack>.json; a stack without one is refused)",
    )
    .option(
      "--policy-defaults",
      "preview a stack that has no policy config with the pack's schema defaults (they are listed in the output)",
    )
    .option("--stack-file <file>", "stack file to use instead of stacks/Pulumi.<stack>.yaml")
    .option(
      "--previous <file>",
      "compare with an earlier deployment: a --json output of this preview or a `pulumi stack export` file",
    )
    .option(
      "--allow-data-loss <urn>",
      "acknowledge the data-loss finding for this resource URN (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      "--program <file>",
      "program entry module (default: stacks/index.ts, the Pulumi.yaml main); for testing the simulator",
    )
    .option(
      "--fleet",
      "preview every stack of the fleet (stacks/fleet/): platform stacks first, then team stacks in parallel workers; --previous is then a folder of <stack>.json",
    )
    .option("--fleet-dir <dir>", "fleet folder of Pulumi.<stack>.yaml files (default stacks/fleet)")
    .option("--jobs <n>", "fleet worker processes at most (default: the CPU count)")
    .option(
      "--out <folder>",
      "with --fleet: also write each stack's --json document to <folder>/<stack>.json",
    )
    .option(
      "--stack-outputs <file>",
      "outputs of the stacks this stack references (JSON: stack name → outputs, or one stack's `pulumi stack output --json`)",
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: "node" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw e;
  }
  const opts = program.opts<{
    stack: string;
    json?: boolean;
    report?: string;
    policyConfig?: string;
    policyDefaults?: boolean;
    stackFile?: string;
    program?: string;
    previous?: string;
    allowDataLoss: string[];
    fleet?: boolean;
    fleetDir?: string;
    jobs?: string;
    out?: string;
    stackOutputs?: string;
  }>();
  const root = projectRoot(__dirname);
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  const progress = tty
    ? (m: string) =>
        process.stderr.write(
          `\u001b[2m[${((Date.now() - started) / 1000).toFixed(1)}s] ${m}\u001b[0m\n`,
        )
    : undefined;
  if (opts.fleet) {
    const single = [
      program.getOptionValueSource("stack") !== "default" ? "--stack" : "",
      opts.stackFile ? "--stack-file" : "",
      opts.report ? "--report" : "",
      opts.policyConfig ? "--policy-config" : "",
      opts.policyDefaults ? "--policy-defaults" : "",
      opts.allowDataLoss.length > 0 ? "--allow-data-loss" : "",
      opts.stackOutputs ? "--stack-outputs" : "",
    ].filter(Boolean);
    if (single.length > 0) {
      process.stderr.write(
        `error: ${single.join(", ")} apply to one stack, not with --fleet (each fleet stack's policy config comes from its stack file or policy/config/fleet/<kind>.json); preview that stack alone with --stack-file\n`,
      );
      return EXIT.usage;
    }
    return fleetMain({ root, ...opts, ...(progress ? { progress } : {}) });
  }
  if (opts.fleetDir || opts.jobs || opts.out) {
    process.stderr.write("error: --fleet-dir, --jobs and --out go with --fleet\n");
    return EXIT.usage;
  }
  // A stack file given without --stack: the stack is the one the file is named after (Pulumi.<stack>.yaml).
  const named = opts.stackFile && /^Pulumi\.(.+)\.yaml$/.exec(path.basename(opts.stackFile))?.[1];
  if (named && program.getOptionValueSource("stack") === "default") opts.stack = named;
  let namesPolicyConfig = false;
  try {
    namesPolicyConfig =
      !!opts.stackFile &&
      defaultPolicyConfig(root, opts.stack, readStackFile(path.resolve(opts.stackFile))) !==
        undefined;
  } catch {
    // an unreadable stack file is reported by the run
  }
  if (!opts.stackFile && !listStacks(path.join(root, "stacks")).includes(opts.stack)) {
    process.stderr.write(
      `error: no stack file stacks/Pulumi.${opts.stack}.yaml (stacks: ${listStacks(path.join(root, "stacks")).join(", ")})\n`,
    );
    return EXIT.usage;
  }
  if (opts.policyConfig && opts.policyDefaults) {
    process.stderr.write("error: --policy-config and --policy-defaults exclude each other\n");
    return EXIT.usage;
  }
  if (
    !opts.policyConfig &&
    !opts.policyDefaults &&
    !namesPolicyConfig &&
    !fs.existsSync(path.join(root, "policy", "config", `${opts.stack}.json`))
  ) {
    process.stderr.write(`error: ${missingPolicyConfigMessage(opts.stack, root)}\n`);
    return EXIT.usage;
  }
  if (opts.allowDataLoss.length > 0 && !opts.previous) {
    process.stderr.write(
      "error: --allow-data-loss needs --previous (findings come from the comparison with an earlier deployment)\n",
    );
    return EXIT.usage;
  }
  let previous: PreviousDeployment | undefined;
  if (opts.previous) {
    try {
      previous = readPrevious(path.resolve(opts.previous));
      const stacks = [
        ...new Set(previous.resources.map((r) => r.urn.split("::")[0].split(":")[2])),
      ];
      if (stacks.length > 0 && !stacks.includes(opts.stack)) {
        throw new Error(
          `--previous ${opts.previous} is a deployment of stack ${stacks.join(", ")}, not of ${opts.stack} (URNs name the stack, so nothing would match)`,
        );
      }
    } catch (e) {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      return EXIT.usage;
    }
  }
  let context: Awaited<ReturnType<typeof singleStackContext>> = {};
  try {
    if (opts.stackFile) {
      context = await singleStackContext(path.resolve(opts.stackFile), root, {
        ...(opts.stackOutputs ? { stackOutputs: path.resolve(opts.stackOutputs) } : {}),
        ...(opts.program ? { program: path.resolve(opts.program) } : {}),
      });
    }
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.program;
  }
  const result = await runPreview({
    ...context,
    stack: opts.stack,
    root,
    ...(opts.stackFile ? { stackFile: path.resolve(opts.stackFile) } : {}),
    ...(opts.policyConfig ? { policyConfig: path.resolve(opts.policyConfig) } : {}),
    ...(opts.policyDefaults ? { policyConfig: false as const } : {}),
    ...(opts.program ? { program: path.resolve(opts.program) } : {}),
    ...(previous ? { previous, allowDataLoss: opts.allowDataLoss } : {}),
    progress,
  }).catch((e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  });
  if (!result) return EXIT.program;

  if (opts.json) {
    process.stdout.write(`${JSON.stringify(toJson(result), null, 2)}\n`);
  } else {
    process.stdout.write(`${renderText(result)}\n`);
  }
  if (opts.report) {
    fs.writeFileSync(opts.report, renderReport(result));
    if (!opts.json) process.stdout.write(`Report written to ${opts.report}\n`);
  }
  if (result.status !== "ok") {
    const reason =
      result.status === "program-error"
        ? `the program failed: ${result.programErrors[0]}`
        : result.status === "azure-error"
          ? `the simulated Azure rejected ${result.azureErrors.map((e) => `${e.resource.name} (${e.code})`).join(", ")}`
          : result.status === "data-loss"
            ? `data loss against ${opts.previous}: ${result.dataLoss
                .filter((f) => !f.acknowledged)
                .map((f) => `${f.urn.split("::").pop()} (${f.kind})`)
                .join(", ")}; acknowledge each with --allow-data-loss <urn> only if intended`
            : `${result.policy!.mandatory.length} mandatory policy violation(s): ${[...new Set(result.policy!.mandatory.map((v) => v.policy))].join(", ")}`;
    process.stderr.write(`preview failed: ${reason}\n`);
  }
  return {
    ok: EXIT.ok,
    "policy-violation": EXIT.policy,
    "data-loss": EXIT.dataLoss,
    "azure-error": EXIT.azure,
    "program-error": EXIT.program,
  }[result.status];
}

main(process.argv).then(
  (code) => {
    // Pulumi's runtime keeps handles open under mocks; flush and exit explicitly.
    process.stdout.write("", () => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(EXIT.program);
  },
);
