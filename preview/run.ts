/**
 * Runs the real program (stacks/index.ts, what `pulumi up` runs) for one stack under Pulumi mocks whose resource
 * monitor is the simulated Azure, then runs the policy pack with the engine's semantics. Process-global: Pulumi's
 * runtime state can be set up once per process, so call `runPreview` once (the CLI does; tests spawn the CLI).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { isIPv4 } from "net";
import { armMocks, DEFAULT_ARM_CONTEXT, type ArmContext } from "./armState";
import { DEFAULT_DEPLOYER, type DeployerPosition } from "./armTypes";
import { installRecordingMocks, type RecordedResource } from "./recorder";
import { ArmError, checkRegistration, type AzureState } from "./simulatedAzure";
import {
  loadPolicies,
  runPolicyAdapter,
  schemaDefaults,
  type PolicyOutcome,
} from "./policyAdapter";
import { diffDeployment, readPrevious, type DiffResult, type PreviousDeployment } from "./diff";
import { dataLossFindings, type DataLossFinding } from "./dataLoss";
import { EXISTING_SUBNETS_KEY, parseExistingSubnets } from "./existingSubnets";
import { guardrailFindings, lockedDeletes, type GuardrailFinding } from "./guardrailFindings";
import { withStackReferences, type StackOutputs } from "./stackReferences";
import { refusedUpdateErrors } from "./refusedErrors";
import { withoutRejectedDependants } from "./rejectedDependants";
import { countQuotas, parseQuotaLimits, quotaErrors, type QuotaId } from "./rules/quotas";

export const PROJECT = "cmk-storage";
/** Stack config key (outside the program's namespace) that declares vaults existing outside the stack. */
export const EXISTING_VAULTS_KEY = "cmk-preview:existingVaults";
/** Stack config key that declares storage accounts existing outside the stack (names or resource ids). */
export const EXISTING_STORAGE_ACCOUNTS_KEY = "cmk-preview:existingStorageAccounts";
/** Stack config key for quota increases Azure has granted: `{ <quota id>: <limit> }` (preview/rules/quotas.ts). */
export const QUOTAS_KEY = "cmk-preview:quotas";
/** Stack config key for the deploying machine's network position: `{ publicIp, subnetIds }`. */
export const DEPLOYER_KEY = "cmk-preview:deployer";
/** Stack config key naming the stack's policy config file (from the repository root), for stacks without policy/config/<stack>.json (fleet stacks). */
export const POLICY_CONFIG_KEY = "cmk-preview:policyConfig";
/** The provider's subscription (azure-native's own config key): ARM ids of the stack's resources are in it. */
export const SUBSCRIPTION_KEY = "azure-native:subscriptionId";

export interface PreviewOptions {
  stack: string;
  /** Repository root (defaults to the parent of preview/). */
  root?: string;
  /** Stack file; defaults to stacks/Pulumi.<stack>.yaml. */
  stackFile?: string;
  /**
   * Policy config file; defaults to policy/config/<stack>.json, and a stack without one is refused (the schema defaults
   * are stricter than dev's and staging's settings). `false`: schema defaults only, named in the diagnostics.
   */
  policyConfig?: string | false;
  ctx?: ArmContext;
  /** Program entry module; defaults to stacks/index.ts (the Pulumi.yaml `main`). Tests point it at fixtures. */
  program?: string;
  /** Progress callback (the CLI prints it on stderr when stderr is a TTY). */
  progress?: (msg: string) => void;
  /** An earlier deployment (`--previous`): a path (read with readPrevious) or an already read deployment. */
  previous?: string | PreviousDeployment;
  /** URNs whose data-loss findings the run acknowledges (`--allow-data-loss`). */
  allowDataLoss?: readonly string[];
  /** Outputs of other stacks, answering the program's `pulumi.StackReference`s (see stackReferences.ts). */
  stackOutputs?: StackOutputs;
  /** Resources other stacks created (the platform stacks previewed first): the simulated Azure holds them. */
  referenced?: readonly RecordedResource[];
  /** More vaults existing outside the stack (lowercase names), e.g. those named by `--stack-outputs`. */
  existingVaults?: readonly string[];
}

export type PreviewStatus =
  "ok" | "policy-violation" | "data-loss" | "azure-error" | "program-error";

export interface PreviewResult {
  project: string;
  stack: string;
  stackFile: string;
  policyConfigFile: string | undefined;
  existingVaults: string[];
  resources: RecordedResource[];
  azureErrors: ArmError[];
  programErrors: string[];
  diagnostics: string[];
  policy: PolicyOutcome | undefined;
  /** The comparison with `--previous`, when given and the program completed. */
  diff: DiffResult | undefined;
  /** Data-loss findings of that comparison (acknowledged ones included, marked). */
  dataLoss: DataLossFinding[];
  /** Guardrails (locks, private endpoints, diagnostic settings, blob protection) removed against `--previous`. */
  guardrails?: GuardrailFinding[];
  /** Parents of the earlier deployment's resources (to place deleted ones in the tree). */
  previousParents?: Map<string, string | undefined>;
  /** The stack's exported outputs (the program module's exports, resolved), when the program completed. */
  outputs: Record<string, unknown>;
  /** Names of the exported outputs that are secrets (their values above are plain; renderings mask them). */
  secretOutputs?: string[];
  status: PreviewStatus;
  /** Quota increases the stack declares (`cmk-preview:quotas`), for the fleet's cross-stack counts. */
  quotaLimits?: Partial<Record<QuotaId, number>>;
}

/** Converts a stack file's `config:` map to the strings the Pulumi runtime stores (arrays/objects as JSON). */
export function toRuntimeConfig(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config ?? {})) {
    if (v === null || v === undefined) continue;
    if (typeof v === "object" && !Array.isArray(v) && "secure" in v) {
      throw new Error(
        `${k} is an encrypted secret; the offline preview cannot decrypt it (no Pulumi CLI). Use a plain value in a test stack.`,
      );
    }
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

/** Reads a stack file and returns its config map (throws with the file name when it cannot be read or parsed). */
export function readStackFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new Error(
      `Stack file ${file} not found (stacks available: ${listStacks(path.dirname(file)).join(", ") || "none"})`,
    );
  }
  const doc = YAML.parse(text) as { config?: Record<string, unknown> } | null;
  if (!doc || typeof doc !== "object") {
    throw new Error(`Stack file ${file} is empty or not a YAML map`);
  }
  return doc.config ?? {};
}

export function listStacks(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => !!s)
      .sort();
  } catch {
    return [];
  }
}

/**
 * The policy config of a stack without `--policy-config`: `cmk-preview:policyConfig` in its stack file (from the
 * repository root), else policy/config/<stack>.json, else for a platform or team stack (`cmk-storage:stackKind`) the
 * fleet's policy/config/fleet/<kind>.json. Undefined when none exists.
 */
export function defaultPolicyConfig(
  root: string,
  stack: string,
  stackConfig: Record<string, unknown>,
): string | undefined {
  const named = stackConfig[POLICY_CONFIG_KEY];
  const kind = stackConfig["cmk-storage:stackKind"];
  const candidates = [
    ...(typeof named === "string" ? [path.resolve(root, named)] : []),
    path.join(root, "policy", "config", `${stack}.json`),
    ...(kind === "platform" || kind === "team"
      ? [path.join(root, "policy", "config", "fleet", `${kind}.json`)]
      : []),
  ];
  return typeof named === "string" ? candidates[0] : candidates.find((f) => fs.existsSync(f));
}

/** The error for a stack without policy/config/<stack>.json: what is missing and the three ways forward. */
export function missingPolicyConfigMessage(stack: string, root: string): string {
  const dir = path.join(root, "policy", "config");
  const envs = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5))
        .sort()
    : [];
  const from = envs.includes("dev") ? "dev" : (envs[0] ?? "dev");
  return (
    `stack "${stack}" has no policy config policy/config/${stack}.json (policy configs exist for: ${envs.join(", ") || "none"}). ` +
    `Every environment needs one: without it the pack's schema defaults apply, which match no environment (90 days of soft-delete retention, for one). ` +
    `Copy the closest environment's and adjust it (cp policy/config/${from}.json policy/config/${stack}.json; see "Adding an environment" in README.md), ` +
    `or pass --policy-config <file>, or --policy-defaults to preview with the schema defaults on purpose.`
  );
}

export function parseExistingVaults(raw: string | undefined): string[] {
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    list = raw.split(",");
  }
  if (!Array.isArray(list)) list = [list];
  return (list as unknown[])
    .map((v) => String(v).trim())
    .filter(Boolean)
    .map((v) => {
      // Key vaults and Managed HSMs alike (docs/offline-preview.md: HSMs are declared like vaults).
      const m =
        /^https:\/\/([^./]+)\.(?:vault|managedhsm)\./i.exec(v) ??
        /\/providers\/Microsoft\.KeyVault\/(?:vaults|managedHSMs)\/([^/]+)/i.exec(v);
      return (m ? m[1] : v).toLowerCase();
    });
}

function parseExistingStorageAccounts(raw: string | undefined): string[] {
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    list = raw.split(",");
  }
  if (!Array.isArray(list)) list = [list];
  return (list as unknown[])
    .map((v) => String(v).trim())
    .filter(Boolean)
    .map((v) =>
      (
        /\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)/i.exec(v)?.[1] ?? v
      ).toLowerCase(),
    );
}

const SUBNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/**
 * The deployer's position: `cmk-preview:deployer` (`{ publicIp, subnetIds }`) over the context's, over the default
 * (outside every virtual network, 192.0.2.10). Returns the problems with the key instead when it is malformed.
 */
export function parseDeployer(
  raw: string | undefined,
  ctx: ArmContext,
): { deployer: DeployerPosition; problems: string[] } {
  const deployer: DeployerPosition = {
    objectId: ctx.objectId,
    publicIp: ctx.deployerPublicIp ?? DEFAULT_DEPLOYER.publicIp,
    subnetIds: ctx.deployerSubnetIds ?? DEFAULT_DEPLOYER.subnetIds,
  };
  if (raw === undefined) return { deployer, problems: [] };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  const problems: string[] = [];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      deployer,
      problems: [
        `${DEPLOYER_KEY} must be a map { publicIp, subnetIds }; got ${JSON.stringify(value)}`,
      ],
    };
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (key !== "publicIp" && key !== "subnetIds") {
      problems.push(
        `${DEPLOYER_KEY}.${key} is not a known setting (known: publicIp, subnetIds); got ${JSON.stringify(v[key])}`,
      );
    }
  }
  if (v.publicIp !== undefined) {
    if (typeof v.publicIp === "string" && isIPv4(v.publicIp)) deployer.publicIp = v.publicIp;
    else {
      problems.push(
        `${DEPLOYER_KEY}.publicIp must be an IPv4 address (the deploying machine's egress address); got ${JSON.stringify(v.publicIp)}`,
      );
    }
  }
  if (v.subnetIds !== undefined) {
    const ids = Array.isArray(v.subnetIds) ? (v.subnetIds as unknown[]) : undefined;
    const bad = ids?.filter((id) => typeof id !== "string" || !SUBNET_ID.test(id));
    if (!ids || (bad && bad.length > 0)) {
      problems.push(
        `${DEPLOYER_KEY}.subnetIds must be a list of subnet resource ids (/subscriptions/…/virtualNetworks/<vnet>/subnets/<subnet>); got ${JSON.stringify(v.subnetIds)}`,
      );
    } else deployer.subnetIds = ids as string[];
  }
  return { deployer, problems };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Finds an ArmError inside whatever the Pulumi runtime wrapped it in. */
function findArmError(e: unknown, known: ArmError[]): ArmError | undefined {
  if (e instanceof ArmError) return e;
  const text = errorText(e);
  return known.find((a) => text.includes(a.code) && text.includes(a.armMessage.slice(0, 40)));
}

export async function runPreview(opts: PreviewOptions): Promise<PreviewResult> {
  const root = opts.root ?? path.resolve(__dirname, "..");
  const stackFile = opts.stackFile ?? path.join(root, "stacks", `Pulumi.${opts.stack}.yaml`);
  const relStackFile = path.relative(root, stackFile) || stackFile;
  const progress = opts.progress ?? (() => undefined);
  const stackConfig = readStackFile(stackFile);
  const namedSubscription = stackConfig[SUBSCRIPTION_KEY];
  const ctx: ArmContext = {
    ...(opts.ctx ?? DEFAULT_ARM_CONTEXT),
    ...(typeof namedSubscription === "string" && namedSubscription
      ? { subscriptionId: namedSubscription }
      : {}),
  };

  let policyConfigFile: string | undefined;
  const namedPolicyConfig = stackConfig[POLICY_CONFIG_KEY];
  if (opts.policyConfig === undefined && typeof namedPolicyConfig === "string") {
    policyConfigFile = path.resolve(root, namedPolicyConfig);
    if (!fs.existsSync(policyConfigFile)) {
      throw new Error(
        `${POLICY_CONFIG_KEY} in ${relStackFile} names ${namedPolicyConfig}, which does not exist (policy configs are in policy/config/)`,
      );
    }
  } else if (opts.policyConfig === undefined) {
    policyConfigFile = defaultPolicyConfig(root, opts.stack, stackConfig);
    if (policyConfigFile === undefined) {
      throw new Error(missingPolicyConfigMessage(opts.stack, root));
    }
  } else if (opts.policyConfig !== false) {
    policyConfigFile = opts.policyConfig;
  }

  const result: PreviewResult = {
    project: PROJECT,
    stack: opts.stack,
    stackFile: relStackFile,
    policyConfigFile: policyConfigFile && path.relative(root, policyConfigFile),
    existingVaults: [],
    resources: [],
    azureErrors: [],
    programErrors: [],
    diagnostics: [],
    policy: undefined,
    diff: undefined,
    dataLoss: [],
    outputs: {},
    status: "ok",
  };
  const previous = typeof opts.previous === "string" ? readPrevious(opts.previous) : opts.previous;

  if (policyConfigFile === undefined) {
    result.diagnostics.push(
      `warning: no policy config; the pack's schema defaults apply: ${schemaDefaults(loadPolicies()).join(", ")}`,
    );
  }

  const config = toRuntimeConfig(stackConfig);
  result.existingVaults = [
    ...new Set([
      ...parseExistingVaults(config[EXISTING_VAULTS_KEY]),
      ...(opts.existingVaults ?? []),
    ]),
  ];
  const deployer = parseDeployer(config[DEPLOYER_KEY], ctx);
  const subnets = parseExistingSubnets(config[EXISTING_SUBNETS_KEY]);
  const quotaLimits = parseQuotaLimits(config[QUOTAS_KEY]);
  result.programErrors.push(
    ...[...deployer.problems, ...subnets.problems, ...quotaLimits.problems].map(
      (p) => `Invalid preview configuration in ${relStackFile}: ${p}`,
    ),
  );
  if (result.programErrors.length > 0) {
    result.status = "program-error";
    return result;
  }

  // Registrations the simulated Azure rejected: still part of the program, so `--previous` compares them too.
  const rejected: RecordedResource[] = [];
  // Pulumi's log functions and the program's warnings go to the console under mocks; keep stdout for our output.
  const restore = captureConsole(result.diagnostics);
  const onRejection = (e: unknown): void => {
    const arm = findArmError(e, result.azureErrors);
    // One failed read or input fails every property that depends on it: report the cause once.
    const text = errorText(e).replace(
      /^(error serializing property "[^"]*": |failed to read resource [^:]*\]: )+/,
      "",
    );
    if (!arm && !result.programErrors.includes(text)) result.programErrors.push(text);
  };
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onRejection);
  // Removed in `finally`: a fleet worker runs many stacks per process, and a run that throws must not leave its
  // handlers attached.
  try {
    try {
      const recorder = installRecordingMocks(
        withStackReferences(armMocks(ctx), opts.stackOutputs ?? {}, PROJECT),
        {
          project: PROJECT,
          stack: opts.stack,
          preview: false,
        },
      );
      pulumi.runtime.setAllConfig(config);
      const state: AzureState = {
        created: recorder.resources,
        existingVaults: new Set(result.existingVaults),
        existingStorageAccounts: new Set(
          parseExistingStorageAccounts(config[EXISTING_STORAGE_ACCOUNTS_KEY]),
        ),
        deployer: deployer.deployer,
        deployed: new Set(previous?.resources.map((r) => r.urn) ?? []),
        ...(subnets.subnets ? { existingSubnets: subnets.subnets } : {}),
        ...(opts.referenced ? { referenced: opts.referenced } : {}),
      };
      recorder.addCheck((pending) => {
        const err = checkRegistration(pending, state);
        if (err) {
          result.azureErrors.push(err);
          rejected.push({ ...pending, id: undefined, outputs: {} });
          progress(`simulated Azure rejected ${pending.type} ${pending.name}: ${err.code}`);
          throw err;
        }
      });

      // The program beside this module: stacks/index.ts under ts-node, .build/stacks/index.js when compiled.
      const entry = opts.program ?? path.resolve(__dirname, "..", "stacks", "index");
      if (/\.tsx?$/.test(entry) && !require.extensions[".ts"]) {
        // A TypeScript program given to the compiled preview (--program): transpile it on load.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("ts-node").register({
          transpileOnly: true,
          project: path.join(root, "tsconfig.json"),
        });
      }
      progress(`running ${path.relative(root, entry)} for stack ${opts.stack}`);
      let exported: Record<string, unknown> = {};
      try {
        // A later run in the same process (the fleet's workers run many stacks each) runs the program afresh.
        forgetProgramModules(entry);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        exported = require(entry) as Record<string, unknown>;
      } catch (e) {
        const arm = findArmError(e, result.azureErrors);
        if (!arm) result.programErrors.push(errorText(e));
      }
      await recorder.settled({ onProgress: (n) => progress(`${n} resources registered`) });
      result.resources = [...recorder.resources].sort((a, b) =>
        a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0,
      );
      if (result.programErrors.length === 0 && result.azureErrors.length === 0) {
        const resolved = await resolveExports(exported);
        result.outputs = resolved.outputs;
        if (resolved.secrets.length > 0) result.secretOutputs = resolved.secrets;
      }
    } finally {
      restore();
    }

    if (result.programErrors.length === 0 && result.azureErrors.length === 0) {
      progress("running policies");
      try {
        result.policy = await runPolicyAdapter(result.resources, policyConfigFile);
      } catch (e) {
        result.programErrors.push(`policy pack failed: ${errorText(e)}`);
      }
    }
    // Quotas over the whole stack (the fleet preview counts over every stack: countQuotas takes several).
    result.quotaLimits = quotaLimits.limits;
    if (result.programErrors.length === 0) {
      const findings = countQuotas(
        [
          {
            stack: opts.stack,
            resources: result.resources,
            subscriptionId: config["azure-native:subscriptionId"],
          },
        ],
        { limits: quotaLimits.limits },
      );
      result.azureErrors.push(...quotaErrors(findings));
      for (const f of findings.filter((x) => x.severity === "warning")) {
        result.diagnostics.push(`warning: quota ${f.quota}: ${f.message}`);
      }
    }
    // The comparison runs even when the simulated Azure rejected a registration (issue 17 item 6): a data-loss finding
    // (a key deleted while an account still uses it) must not hide behind the rejection it also causes. The rejected
    // registrations take part as what the program asked for.
    if (previous && result.programErrors.length === 0) {
      progress(`comparing with ${path.relative(root, previous.file) || previous.file}`);
      const rejectedUrns = new Set(rejected.map((r) => r.urn));
      const current = [...result.resources.filter((r) => !rejectedUrns.has(r.urn)), ...rejected];
      result.diff = withoutRejectedDependants(
        diffDeployment(current, previous),
        previous,
        rejectedUrns,
      );
      result.azureErrors.push(...refusedUpdateErrors(result.diff, current));
      result.previousParents = new Map(previous.resources.map((r) => [r.urn, r.parent]));
      const allowed = new Set(opts.allowDataLoss ?? []);
      result.dataLoss = dataLossFindings(result.diff, current, previous, allowed);
      result.guardrails = guardrailFindings(result.diff, current, previous);
      result.azureErrors.push(...lockedDeletes(result.diff, current, previous));
      for (const urn of allowed) {
        if (!result.dataLoss.some((f) => f.urn === urn)) {
          result.diagnostics.push(
            `warning: --allow-data-loss ${urn}: no data-loss finding names this resource`,
          );
        }
      }
    }
    result.status =
      result.programErrors.length > 0
        ? "program-error"
        : result.azureErrors.length > 0
          ? "azure-error"
          : result.dataLoss.some((f) => !f.acknowledged)
            ? "data-loss"
            : result.policy && result.policy.mandatory.length > 0
              ? "policy-violation"
              : "ok";
    return result;
  } finally {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onRejection);
  }
}

/**
 * Removes the program's entry module from the require cache, so the next `require` runs the program again with the
 * current config and stack. Its other modules stay loaded with the libraries (that is the reuse: stacks/config.ts
 * compiles its config schema once per process, not once per stack), so they must do no per-stack work when they load;
 * in stacks/ only the entry (index.ts) does.
 */
function forgetProgramModules(entry: string): void {
  const file = require.resolve(entry);
  const old = require.cache[file];
  if (!old) return;
  delete require.cache[file];
  // This module's `children` keeps the old entry and with it its exports (the last run's outputs and, through them, its
  // resources): drop it, or every run's program stays in memory.
  module.children = module.children.filter((c) => c !== old);
}

/** The program's exports as plain values (outputs resolved; a value that never resolves is left out after 10 s). */
async function resolveExports(
  exported: Record<string, unknown>,
): Promise<{ outputs: Record<string, unknown>; secrets: string[] }> {
  const out: Record<string, unknown> = {};
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(exported ?? {})) {
    if (name === "__esModule" || typeof value === "function") continue;
    const o = pulumi.output(value) as unknown as {
      promise(): Promise<unknown>;
      isSecret: Promise<boolean>;
    };
    const promise = o.promise();
    let timer: NodeJS.Timeout | undefined;
    const resolved = await Promise.race([
      promise,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(UNRESOLVED), 10_000);
      }),
    ]);
    clearTimeout(timer);
    if (resolved !== UNRESOLVED && resolved !== undefined) {
      out[name] = resolved;
      if (await o.isSecret) secrets.push(name);
    }
  }
  return { outputs: out, secrets };
}
const UNRESOLVED = Symbol("unresolved");

/** Redirects console output (Pulumi log messages under mocks) into `sink`; returns a function that restores it. */
function captureConsole(sink: string[]): () => void {
  const saved = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
  };
  const push =
    (level: string) =>
    (...args: unknown[]): void => {
      const text = args
        .map((a) => (typeof a === "string" ? a : errorText(a)))
        .join(" ")
        .trim();
      sink.push(text.toLowerCase().startsWith(`${level}:`) ? text : `${level}: ${text}`);
    };
  console.log = push("info");
  console.info = push("info");
  console.warn = push("warning");
  console.error = push("error");
  console.debug = () => undefined;
  return () => Object.assign(console, saved);
}
