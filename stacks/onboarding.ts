/**
 * Onboarding and offboarding a team in the fleet layout: one command writes (or retires) the team's stack file,
 * stacks/fleet/Pulumi.team-<team>.yaml, from stacks/fleet/team.yaml.template. Pure file operations, validated with the
 * same rules as the program (stacks/fleetConfig.ts); the CLI is stacks/teamCli.ts (`npm run team:onboard`,
 * `npm run team:offboard`).
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { regionProblem } from "@cmk-platform/azure-cmk-storage";
import { CONFIG_KEYS, SUBNET_ID, TEAM_ID_PATTERN } from "./configSchema";
import { parsePlatformConfig, parseTeamConfig, type FleetProviderConfig } from "./fleetConfig";
import {
  DEFAULT_PLATFORM_KEY_ID,
  PLATFORM_KEY_ID_PATTERN,
  STACK_REFERENCE_PATTERN,
} from "./fleetConfigSchema";

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const PROJECT = "cmk-storage";

export interface OnboardOptions {
  team: string;
  subscription: string;
  region: string;
  /** `<organization>/<project>/<stack>` of the region's platform stack. */
  platform: string;
  /**
   * ARM id of the subnet for the account's private endpoint: the team's own spoke subnet, in the team's subscription
   * (Azure creates an endpoint only in its virtual network's subscription). Required: the fleet's guardrails
   * (policy/config/fleet/team.json) refuse an account no private endpoint reaches.
   */
  privateEndpointSubnet: string;
  /** Key id in the platform's keys. Default: the platform's only key. */
  key?: string;
  sku?: string;
  owner?: string;
  displayName?: string;
  costCentre?: string;
}

/** The fleet folder of a repository. */
export function fleetDir(root: string): string {
  return path.join(root, "stacks", "fleet");
}

/** The stack name and file of a team. */
export function teamStackFile(root: string, team: string): { stack: string; file: string } {
  const stack = `team-${team}`;
  return { stack, file: path.join(fleetDir(root), `Pulumi.${stack}.yaml`) };
}

/** A stack file's config as the runtime stores it (project keys without prefix) and its azure-native settings. */
export function runtimeView(config: Record<string, unknown>): {
  raw: Record<string, string>;
  provider: FleetProviderConfig;
} {
  const raw: Record<string, string> = {};
  const provider: FleetProviderConfig = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = text;
    if (key === "azure-native:subscriptionId") provider.subscriptionId = text;
    if (key === "azure-native:tenantId") provider.tenantId = text;
    if (key === "azure-native:location") provider.location = text;
  }
  return { raw, provider };
}

function readConfig(file: string): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  return doc?.config ?? {};
}

/** Flag-level problems of the options, each naming the flag, the value received and the rule. */
export function onboardProblems(o: OnboardOptions, root: string): string[] {
  const problems: string[] = [];
  if (!new RegExp(TEAM_ID_PATTERN).test(o.team)) {
    problems.push(
      `--team must be a team id: 2-12 lowercase letters and digits, starting with a letter (it names the stack, the account and every resource, and never changes); got ${JSON.stringify(o.team)}`,
    );
  }
  if (!GUID.test(o.subscription)) {
    problems.push(
      `--subscription must be the team's subscription id (a GUID such as 2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e); got ${JSON.stringify(o.subscription)}`,
    );
  }
  if (
    o.privateEndpointSubnet === undefined ||
    !new RegExp(SUBNET_ID, "i").test(o.privateEndpointSubnet)
  ) {
    problems.push(
      `--private-endpoint-subnet must be the ARM id of the team's private-endpoint subnet (/subscriptions/<team subscription>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>): a team stack's account is reachable only through a private endpoint (storage-account-reachable is mandatory in policy/config/fleet/team.json); got ${JSON.stringify(o.privateEndpointSubnet)}`,
    );
  } else if (
    GUID.test(o.subscription) &&
    /^\/subscriptions\/([^/]+)\//i.exec(o.privateEndpointSubnet)?.[1]?.toLowerCase() !==
      o.subscription.toLowerCase()
  ) {
    problems.push(
      `--private-endpoint-subnet must be a subnet in the team's subscription ${o.subscription.toLowerCase()} (--subscription): Azure creates a private endpoint only in its virtual network's subscription; use the team's own spoke subnet (the DNS zones stay in the hub's subscription); got ${JSON.stringify(o.privateEndpointSubnet)}`,
    );
  }
  const region = regionProblem(o.region);
  if (region !== undefined) problems.push(`--region ${region}`);
  if (!new RegExp(STACK_REFERENCE_PATTERN).test(o.platform)) {
    problems.push(
      `--platform must be the platform stack as <organization>/<project>/<stack> (e.g. acme/cmk-storage/platform-weu); got ${JSON.stringify(o.platform)}`,
    );
  }
  if (o.key !== undefined && !new RegExp(PLATFORM_KEY_ID_PATTERN).test(o.key)) {
    problems.push(
      `--key must be a key id of the platform's keys (2-12 lowercase letters and digits); got ${JSON.stringify(o.key)}`,
    );
  }
  const skus = (CONFIG_KEYS.accountSku.schema as { enum: string[] }).enum;
  if (o.sku !== undefined && !skus.includes(o.sku)) {
    problems.push(`--sku must be one of ${skus.join(", ")}; got ${JSON.stringify(o.sku)}`);
  }
  for (const [flag, value] of [
    ["--owner", o.owner],
    ["--display-name", o.displayName],
    ["--cost-centre", o.costCentre],
  ] as const) {
    if (value !== undefined && (value.trim() === "" || value.length > 256)) {
      problems.push(`${flag} must be 1-256 characters; got ${JSON.stringify(value)}`);
    }
  }
  if (problems.length > 0) return problems;

  const { file } = teamStackFile(root, o.team);
  if (fs.existsSync(file)) {
    problems.push(
      `team "${o.team}" is already onboarded: ${path.relative(root, file)} exists (edit it, or offboard the team first with npm run team:offboard -- --team ${o.team})`,
    );
  }
  // The platform stack must be in this fleet and in the team's region: a team uses its own region's keys.
  const platformName = o.platform.split("/").pop()!;
  const platformFile = path.join(fleetDir(root), `Pulumi.${platformName}.yaml`);
  if (!fs.existsSync(platformFile)) {
    problems.push(
      `--platform ${o.platform}: no platform stack file ${path.relative(root, platformFile)} in this fleet (platform stacks: ${listFleetStacks(
        root,
      )
        .filter((s) => !s.startsWith("team-"))
        .join(", ")})`,
    );
    return problems;
  }
  const { raw, provider } = runtimeView(readConfig(platformFile));
  let keys: string[];
  try {
    const p = parsePlatformConfig(raw, PROJECT, path.relative(root, platformFile), provider);
    keys = Object.keys(p.platformKeys);
    if (p.location !== o.region.toLowerCase().replace(/\s+/g, "")) {
      problems.push(
        `--region ${o.region} differs from the region of platform stack ${o.platform} (${p.location}): a team uses the key platform of its own region; pick that region's platform stack`,
      );
    }
  } catch (e) {
    problems.push(`--platform ${o.platform}: ${(e as Error).message}`);
    return problems;
  }
  if (o.key !== undefined && !keys.includes(o.key)) {
    problems.push(
      `--key ${o.key} is not a key of platform stack ${o.platform}; its keys are ${keys.join(", ")}`,
    );
  }
  if (o.key === undefined && keys.length > 1) {
    problems.push(
      `--key is required: platform stack ${o.platform} has ${keys.length} keys (${keys.join(", ")})`,
    );
  }
  return problems;
}

/** Every fleet stack name (stacks/fleet/Pulumi.<stack>.yaml), sorted. */
export function listFleetStacks(root: string): string[] {
  try {
    return fs
      .readdirSync(fleetDir(root))
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .sort();
  } catch {
    return [];
  }
}

/**
 * The team's stack file text from the template: subscription, region, platform stack and key, SKU, the team's
 * private-endpoint subnet and tags filled in. The hub's DNS zone and the central workspace are the template's
 * (fleet-wide values). Validated by parseTeamConfig (the program's own rules) before it is returned.
 */
export function renderTeamStackFile(o: OnboardOptions, root: string): string {
  const template = fs.readFileSync(path.join(fleetDir(root), "team.yaml.template"), "utf8");
  const text = template
    .replace(/__TEAM__/g, o.team)
    .replace(/__SUBSCRIPTION__/g, o.subscription.toLowerCase())
    .replace(/__REGION__/g, o.region.toLowerCase().replace(/\s+/g, ""))
    .replace(/__PLATFORM__/g, o.platform)
    .replace(/__KEY__/g, o.key ?? DEFAULT_PLATFORM_KEY_ID)
    .replace(/__SKU__/g, o.sku ?? "Standard_ZRS")
    .replace(/__PRIVATE_ENDPOINT_SUBNET__/g, o.privateEndpointSubnet);
  const doc = YAML.parseDocument(text);
  if (o.key === undefined) doc.deleteIn(["config", `${PROJECT}:platformKey`]);
  const settings: Record<string, string> = {
    ...(o.displayName !== undefined ? { displayName: o.displayName } : {}),
    ...(o.owner !== undefined ? { owner: o.owner } : {}),
    ...(o.costCentre !== undefined ? { costCentre: o.costCentre } : {}),
  };
  for (const [field, value] of Object.entries(settings)) {
    doc.setIn(["config", `${PROJECT}:teams`, o.team, field], value);
  }
  const out = doc.toString();
  const { raw, provider } = runtimeView(
    (YAML.parse(out) as { config: Record<string, unknown> }).config,
  );
  parseTeamConfig(raw, PROJECT, `stacks/fleet/Pulumi.team-${o.team}.yaml`, provider);
  return out;
}

/** Writes the team's stack file; throws with every problem (nothing is written then). Returns the file written. */
export function onboardTeam(o: OnboardOptions, root: string): string {
  const problems = onboardProblems(o, root);
  if (problems.length > 0) {
    throw new Error(
      `team:onboard refused; nothing was written:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  const text = renderTeamStackFile(o, root);
  const { file } = teamStackFile(root, o.team);
  fs.writeFileSync(file, text, { flag: "wx" });
  return file;
}

export interface OffboardOptions {
  team: string;
  /** The team id again: acknowledges that the account's data is deleted with the stack. */
  confirmDataLoss?: string;
}

export interface OffboardResult {
  step: "decommissioned" | "removed";
  file: string;
  /** What the operator runs next, in order. */
  next: string[];
}

/**
 * Offboarding in two deliberate steps, like a single stack's (README, "Offboarding a team"):
 *
 * 1. without `--confirm-data-loss`: sets `teams.<team>.decommissioned: true` in the team's stack file (removing a
 *    `protect: true` of the team), so the next `pulumi up` lifts Pulumi's protection and the account's CanNotDelete
 *    lock while the account and its data stay; refused when the team is already decommissioned (the data may still be
 *    there: the next step needs the confirmation);
 * 2. with `--confirm-data-loss <team>` (the team id typed again): only for a decommissioned team, after its stack was
 *    destroyed (`pulumi destroy` deletes the account and its data): removes the stack file, so the fleet's preview,
 *    matrix and rollout no longer name the stack.
 */
export function offboardTeam(o: OffboardOptions, root: string): OffboardResult {
  if (!new RegExp(TEAM_ID_PATTERN).test(o.team)) {
    throw new Error(
      `team:offboard refused: --team must be a team id (2-12 lowercase letters and digits); got ${JSON.stringify(o.team)}`,
    );
  }
  const { stack, file } = teamStackFile(root, o.team);
  const rel = path.relative(root, file);
  if (!fs.existsSync(file)) {
    throw new Error(
      `team:offboard refused: no stack file ${rel} (onboarded teams: ${listFleetStacks(root)
        .filter((s) => s.startsWith("team-"))
        .map((s) => s.slice(5))
        .join(", ")})`,
    );
  }
  const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
  const teamPath = ["config", `${PROJECT}:teams`, o.team];
  if (!doc.hasIn(teamPath)) {
    throw new Error(`team:offboard refused: ${rel} has no team "${o.team}" in ${PROJECT}:teams`);
  }
  const decommissioned = doc.getIn([...teamPath, "decommissioned"]) === true;
  const configFlag = `--config-file ${rel}`;
  // The team stack lives in the platform stack's organization (the example: acme/cmk-storage/team-<team>).
  const platformStack = doc.getIn(["config", `${PROJECT}:platformStack`]);
  const org = typeof platformStack === "string" ? platformStack.split("/")[0] : "<org>";
  if (o.confirmDataLoss === undefined) {
    if (decommissioned) {
      throw new Error(
        `team:offboard refused: team "${o.team}" is already decommissioned, and its storage account may still hold data. Copy out what must be kept, destroy the stack (pulumi destroy --stack ${org}/${PROJECT}/${stack} ${configFlag}), then run npm run team:offboard -- --team ${o.team} --confirm-data-loss ${o.team}`,
      );
    }
    const entry = doc.getIn(teamPath);
    if (!YAML.isMap(entry)) doc.setIn(teamPath, doc.createNode({}));
    const map = doc.getIn(teamPath) as YAML.YAMLMap;
    map.flow = false;
    doc.deleteIn([...teamPath, "protect"]);
    doc.setIn([...teamPath, "decommissioned"], true);
    fs.writeFileSync(file, doc.toString());
    return {
      step: "decommissioned",
      file,
      next: [
        `pulumi up --stack ${org}/${PROJECT}/${stack} ${configFlag}   # lifts Pulumi protection and the account's CanNotDelete lock; the data stays`,
        `copy out the data that must be kept (the account and its data are deleted in the next step)`,
        `pulumi destroy --stack ${org}/${PROJECT}/${stack} ${configFlag}   # deletes the account, its identity and its role assignment on the platform key`,
        `pulumi stack rm ${org}/${PROJECT}/${stack}`,
        `npm run team:offboard -- --team ${o.team} --confirm-data-loss ${o.team}   # removes ${rel}`,
      ],
    };
  }
  if (o.confirmDataLoss !== o.team) {
    throw new Error(
      `team:offboard refused: --confirm-data-loss must repeat the team id "${o.team}" (it acknowledges that the team's data is deleted); got ${JSON.stringify(o.confirmDataLoss)}`,
    );
  }
  if (!decommissioned) {
    throw new Error(
      `team:offboard refused: team "${o.team}" is not decommissioned, so its account is still protected and locked and may hold data. Run npm run team:offboard -- --team ${o.team} first (step 1), deploy it, copy out the data and destroy the stack`,
    );
  }
  fs.unlinkSync(file);
  return {
    step: "removed",
    file,
    next: [`git rm ${rel} (if tracked) and commit: the fleet no longer names ${stack}`],
  };
}
