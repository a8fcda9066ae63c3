/**
 * Generated multi-stack fleets (the bench's `--fleet` rows and the fleet preview's tests): stack files for `platforms`
 * platform stacks (one per region) and `teams` team stacks spread round-robin over `subscriptions` subscriptions and
 * the regions, each team referencing the platform stack of its region. Written into a folder as
 * `Pulumi.<stack>.yaml`, previewed with `npm run preview -- --fleet --fleet-dir <folder>`.
 *
 * The files carry the contract's keys (`cmk-storage:stackKind`, `cmk-storage:platformStack`, `azure-native:subscriptionId`,
 * `cmk-storage:location`) plus what the program needs: with `template` (the committed example fleet's platform and
 * team files) each stack is a copy of the template with those keys replaced; without it, the keys of the fleet
 * fixture program (tests/preview/fixtures/fleetProgram.ts).
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";

export interface FleetShape {
  teams: number;
  subscriptions: number;
  regions: readonly string[];
  /** Policy config for every stack (`cmk-preview:policyConfig`), from the repository root. */
  policyConfig?: string;
  /** Template stack files (platform, team) to copy; default: the fixture program's keys. */
  template?: { platform: string; team: string };
  /** Organisation segment of the StackReference names. */
  org?: string;
}

export const REGION_CODES: Readonly<Record<string, string>> = {
  westeurope: "weu",
  northeurope: "neu",
  swedencentral: "sec",
  germanywestcentral: "gwc",
};

/** A stable subscription GUID for index i. */
export function subscriptionId(i: number): string {
  return `${(0x10000000 + i).toString(16)}-0000-4000-8000-${(i + 1).toString(16).padStart(12, "0")}`;
}

/** Team ids `t<i>` (letters and digits, within every naming limit up to 99,999 teams). */
export function teamId(i: number): string {
  return `t${i}`;
}

function readConfig(file: string): Record<string, unknown> {
  return (YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

/** Writes the fleet's stack files into `dir`; returns their stack names (platform stacks first). */
export function writeFleet(dir: string, shape: FleetShape): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const org = shape.org ?? "acme";
  const platformSub = subscriptionId(0);
  const templates = shape.template
    ? { platform: readConfig(shape.template.platform), team: readConfig(shape.template.team) }
    : undefined;
  const names: string[] = [];
  const write = (stack: string, config: Record<string, unknown>): void => {
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));
    names.push(stack);
  };
  const common = (sub: string, location: string): Record<string, unknown> => ({
    "azure-native:subscriptionId": sub,
    "azure-native:location": location,
    "cmk-storage:location": location,
    ...(shape.policyConfig ? { "cmk-preview:policyConfig": shape.policyConfig } : {}),
  });
  for (const region of shape.regions) {
    const code = REGION_CODES[region] ?? region.slice(0, 3);
    write(`platform-${code}`, {
      ...(templates
        ? {
            ...rehome(templates.platform, platformSub),
            // Vault names are global: one prefix per platform stack.
            "cmk-storage:namePrefix": `cmkp${code}`,
            "cmk-storage:resourceGroupName": `rg-cmk-platform-${code}`,
          }
        : {
            "cmk-storage:resourceGroupName": `rg-platform-${code}`,
            "cmk-storage:vaultName": `cmkplt-kv-${code}`,
          }),
      ...common(platformSub, region),
      "cmk-storage:stackKind": "platform",
    });
  }
  for (let i = 0; i < shape.teams; i++) {
    const region = shape.regions[i % shape.regions.length];
    const code = REGION_CODES[region] ?? region.slice(0, 3);
    // Subscriptions 1..n hold the teams (0 is the platform's).
    const sub = subscriptionId(1 + (Math.floor(i / shape.regions.length) % shape.subscriptions));
    const id = teamId(i);
    const team = templates
      ? rehome(replaceTeam(templates.team, id), sub)
      : { "cmk-storage:team": id, "cmk-storage:resourceGroupName": `rg-${id}` };
    write(`team-${id}`, {
      ...team,
      ...common(sub, region),
      "cmk-storage:stackKind": "team",
      "cmk-storage:platformStack": `${org}/cmk-storage/platform-${code}`,
    });
  }
  return names;
}

/**
 * A template's config moved to subscription `sub`: its own subscription (`azure-native:subscriptionId`) replaced by
 * `sub` in every string value, so ids in the stack's own subscription (a private endpoint's subnet, which must be in
 * the provider's subscription) follow it; ids in other subscriptions (the hub's DNS zones, the central workspace) stay.
 */
function rehome(config: Record<string, unknown>, sub: string): Record<string, unknown> {
  const own = config["azure-native:subscriptionId"];
  if (typeof own !== "string" || own === "") return config;
  return JSON.parse(JSON.stringify(config).split(own).join(sub)) as Record<string, unknown>;
}

/** The template team's config with its team id replaced by `id` in keys and string values. */
function replaceTeam(config: Record<string, unknown>, id: string): Record<string, unknown> {
  const teams = config["cmk-storage:teams"];
  const old = teams && typeof teams === "object" ? Object.keys(teams)[0] : undefined;
  const text = JSON.stringify(config);
  return JSON.parse(old ? text.split(old).join(id) : text) as Record<string, unknown>;
}
