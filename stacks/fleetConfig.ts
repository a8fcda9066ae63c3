import Ajv, { type ErrorObject } from "ajv";
import * as pulumi from "@pulumi/pulumi";
import { convert, parseStackConfig, type StackSettings, type TeamSettings } from "./config";
import {
  DEFAULT_PLATFORM_KEY_ID,
  FLEET_CONFIG_KEYS,
  KIND_KEYS,
  type StackKind,
} from "./fleetConfigSchema";
import { kindKeyProblems, readStackKind } from "./stackKind";
import { CONFIG_KEYS } from "./configSchema";

/** The Azure provider's config a fleet stack must set (`azure-native:*` in the stack file). */
export interface FleetProviderConfig {
  subscriptionId?: string;
  tenantId?: string;
  location?: string;
}

/** One platform key, after defaults: the stack's key* settings with the key's overrides. */
export interface PlatformKeySettings {
  keyType: "RSA" | "RSA-HSM";
  keySize: number;
  enabled: boolean;
  protect: boolean;
}

/** A platform stack's settings: the single stack's vault and key settings (no teams), its keys and subscription. */
export interface PlatformSettings extends StackSettings {
  kind: "platform";
  subscriptionId: string;
  /** Keys by key id, in config order. */
  platformKeys: Record<string, PlatformKeySettings>;
}

/** A team stack's settings: the account-side stack settings, its one team, and the platform key it consumes. */
export interface TeamStackSettings extends StackSettings {
  kind: "team";
  subscriptionId: string;
  /** `<organization>/<project>/<stack>` of the platform stack. */
  platformStack: string;
  /** Key id in the platform's `keys`; undefined: the platform's only key. */
  platformKey?: string;
  /** The stack's one team id and its settings (also the only entry of `teams`). */
  teamId: string;
  team: TeamSettings;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const ajv = new Ajv({ allErrors: true, verbose: true, coerceTypes: true });
const validateFleet = ajv.compile({
  type: "object",
  properties: Object.fromEntries(
    Object.entries(FLEET_CONFIG_KEYS).map(([k, spec]) => [k, spec.schema]),
  ),
});

/** One Ajv error of the fleet keys as "<config path> <rule>; got <value>". */
function describeFleet(e: ErrorObject, project: string, values: Record<string, unknown>): string {
  const segments = e.instancePath === "" ? [] : e.instancePath.slice(1).split("/");
  const valueAt = (path: string[]) =>
    path.reduce<unknown>(
      (v, p) =>
        v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined,
      values,
    );
  if (e.propertyName !== undefined) {
    return `${project}:${[...segments, e.propertyName].join(".")} is not a valid key id: 2-12 lowercase letters and digits, starting with a letter; got ${JSON.stringify(e.propertyName)}`;
  }
  if (e.keyword === "propertyNames") return "";
  if (e.keyword === "additionalProperties") {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    const known = Object.keys(
      (e.parentSchema as { properties?: object } | undefined)?.properties ?? {},
    );
    return `${project}:${[...segments, extra].join(".")} is not a known setting (known: ${known.join(", ")}); got ${JSON.stringify(valueAt([...segments, extra]))}`;
  }
  const rule =
    e.keyword === "enum"
      ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`
      : e.keyword === "pattern" && segments[0] === "platformStack"
        ? "must be a fully qualified stack name <organization>/<project>/<stack>, e.g. acme/cmk-storage/platform-weu"
        : e.keyword === "pattern" && segments[0] === "platformKey"
          ? "must be a key id of the platform's keys output (2-12 lowercase letters and digits)"
          : (e.message ?? "is invalid");
  return `${project}:${segments.join(".")} ${rule}; got ${JSON.stringify(valueAt(segments))}`;
}

/** The fleet keys after type conversion; "" (the CLI's default for unset strings) is unset. */
function fleetValues(raw: Record<string, string | undefined>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(FLEET_CONFIG_KEYS)) {
    const r = raw[key];
    if (r === undefined || r === "") continue;
    values[key] = convert(spec.type, r);
  }
  return values;
}

/** The problems of a parse (its "  - " lines), or none; the settings when it succeeded. */
function problemsOf<T>(parse: () => T): { value?: T; problems: string[] } {
  try {
    return { value: parse(), problems: [] };
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const lines = text
      .split("\n")
      .filter((l) => l.startsWith("  - "))
      .map((l) => l.slice(4));
    return { problems: lines.length > 0 ? lines : [text] };
  }
}

/** The raw keys a kind's base parse sees: the keys it reads, plus unknown keys (reported with a suggestion). */
function rawFor(
  kind: StackKind,
  raw: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(raw).filter(
      ([k]) => !(k in FLEET_CONFIG_KEYS) && (KIND_KEYS[kind].includes(k) || !(k in CONFIG_KEYS)),
    ),
  );
}

/** Rules on the Azure provider config every fleet stack states: its subscription and its region. */
function providerProblems(
  project: string,
  raw: Record<string, string | undefined>,
  provider: FleetProviderConfig,
  kind: StackKind,
): string[] {
  const problems: string[] = [];
  if (provider.subscriptionId === undefined || provider.subscriptionId === "") {
    problems.push(
      `azure-native:subscriptionId is required in a ${kind} stack (each fleet stack states the subscription it deploys to: ${kind === "team" ? "the team's own subscription" : "the platform's key subscription"}); got nothing`,
    );
  } else if (!GUID.test(provider.subscriptionId)) {
    problems.push(
      `azure-native:subscriptionId must be a subscription id (a GUID); got ${JSON.stringify(provider.subscriptionId)}`,
    );
  }
  if (
    provider.location !== undefined &&
    raw.location !== undefined &&
    provider.location.toLowerCase() !== raw.location.toLowerCase()
  ) {
    problems.push(
      `azure-native:location (${provider.location}) differs from ${project}:location (${raw.location}); set both to the stack's region`,
    );
  }
  return problems;
}

function fail(stackFile: string, problems: string[]): never {
  throw new Error(
    `Invalid stack configuration in ${stackFile}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
  );
}

/**
 * Parses and validates a platform stack's config: the single stack's vault and key keys (the vault must use the rbac
 * permission model: team stacks in other subscriptions are granted with role assignments on the key), the keys of
 * `cmk-storage:platformKeys`, and the provider's subscription. Every problem is reported at once, before anything is
 * registered.
 */
export function parsePlatformConfig(
  raw: Record<string, string | undefined>,
  project: string,
  stackFile: string,
  provider: FleetProviderConfig = {},
): PlatformSettings {
  const problems = [
    ...kindKeyProblems("platform", raw, project),
    ...providerProblems(project, raw, provider, "platform"),
  ];
  const base = problemsOf(() =>
    parseStackConfig(
      rawFor("platform", raw),
      project,
      stackFile,
      provider.tenantId !== undefined ? { tenantId: provider.tenantId } : {},
      { requireTeams: false },
    ),
  );
  problems.push(...base.problems);
  const fleet = fleetValues(raw);
  if (!validateFleet(fleet)) {
    problems.push(
      ...(validateFleet.errors ?? []).map((e) => describeFleet(e, project, fleet)).filter(Boolean),
    );
  }
  const s = base.value;
  if (s !== undefined && s.vaultPermissionModel !== "rbac") {
    problems.push(
      `${project}:vaultPermissionModel must be rbac in a platform stack: team stacks in other subscriptions are granted with Azure role assignments on the key (an access policy is part of the vault and cannot be granted from another stack); got ${JSON.stringify(s.vaultPermissionModel)}`,
    );
  }
  const overrides =
    fleet.platformKeys !== null &&
    typeof fleet.platformKeys === "object" &&
    Object.keys(fleet.platformKeys).length > 0
      ? (fleet.platformKeys as Record<string, Partial<PlatformKeySettings> | null>)
      : { [DEFAULT_PLATFORM_KEY_ID]: {} };
  const platformKeys: Record<string, PlatformKeySettings> = {};
  for (const [id, o] of Object.entries(overrides)) {
    const k = o ?? {};
    const key: PlatformKeySettings = {
      keyType: k.keyType ?? s?.keyType ?? "RSA",
      keySize: k.keySize ?? s?.keySize ?? 3072,
      enabled: k.enabled ?? s?.keyEnabled ?? true,
      protect: k.protect ?? s?.keyProtect ?? true,
    };
    if (s !== undefined && key.keyType === "RSA-HSM" && s.vaultSku !== "premium") {
      problems.push(
        `${project}:platformKeys.${id}.keyType RSA-HSM needs ${project}:vaultSku: premium (a standard vault cannot hold HSM-backed keys); got ${project}:vaultSku ${JSON.stringify(s.vaultSku)}`,
      );
    }
    platformKeys[id] = key;
  }
  if (problems.length > 0 || s === undefined) fail(stackFile, problems);
  return {
    ...s,
    kind: "platform",
    subscriptionId: provider.subscriptionId!,
    platformKeys,
  };
}

/**
 * A single stack's settings (stacks/config.ts parseStackConfig), refusing fleet keys set in it (a team stack's
 * `platformStack` in a single stack would otherwise be silently ignored).
 */
export function parseSingleConfig(
  raw: Record<string, string | undefined>,
  project: string,
  stackFile: string,
  provider: FleetProviderConfig = {},
): StackSettings {
  const problems = kindKeyProblems("single", raw, project);
  const base = problemsOf(() =>
    parseStackConfig(
      raw,
      project,
      stackFile,
      provider.tenantId !== undefined ? { tenantId: provider.tenantId } : {},
    ),
  );
  problems.push(...base.problems);
  if (problems.length > 0 || base.value === undefined) fail(stackFile, problems);
  return base.value;
}

/** The subscription segment of an ARM id, lower-cased. */
function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)\//i.exec(id)?.[1]?.toLowerCase();
}

/**
 * Parses and validates a team stack's config: the platform stack and key it consumes, exactly one team (the same
 * per-team settings as a single stack's `cmk-storage:teams.<id>`, without `key`: the key comes from the platform), the
 * account-side stack keys and the provider's subscription (the team's own). Every problem is reported at once, before
 * anything is registered.
 */
export function parseTeamConfig(
  raw: Record<string, string | undefined>,
  project: string,
  stackFile: string,
  provider: FleetProviderConfig = {},
): TeamStackSettings {
  const problems = [
    ...kindKeyProblems("team", raw, project),
    ...providerProblems(project, raw, provider, "team"),
  ];
  // Platform vaults are RBAC: the team's grant is a role assignment, so the RBAC propagation rules apply.
  const base = problemsOf(() =>
    parseStackConfig(
      { ...rawFor("team", raw), vaultPermissionModel: "rbac" },
      project,
      stackFile,
      provider.tenantId !== undefined ? { tenantId: provider.tenantId } : {},
    ),
  );
  problems.push(...base.problems);
  const fleet = fleetValues(raw);
  if (!validateFleet(fleet)) {
    problems.push(
      ...(validateFleet.errors ?? []).map((e) => describeFleet(e, project, fleet)).filter(Boolean),
    );
  }
  if (fleet.platformStack === undefined) {
    problems.push(
      `${project}:platformStack is required in a team stack: the platform stack whose key the team's account uses, as <organization>/<project>/<stack> (e.g. acme/cmk-storage/platform-weu); got nothing`,
    );
  }
  const s = base.value;
  const ids = Object.keys(s?.teams ?? {});
  if (s !== undefined && ids.length !== 1) {
    problems.push(
      `${project}:teams must hold exactly one team in a team stack (one team per stack: its own subscription, state and blast radius; onboard each team with npm run team:onboard); got ${ids.length} (${ids.join(", ")})`,
    );
  }
  const teamId = ids[0];
  const team = teamId !== undefined ? s?.teams[teamId] : undefined;
  if (teamId !== undefined && team !== undefined) {
    const at = (field: string) => `${project}:teams.${teamId}.${field}`;
    if (team.key !== undefined) {
      problems.push(
        `${at("key")} is not used in a team stack: the key comes from the platform stack (${project}:platformStack, ${project}:platformKey); got ${JSON.stringify(team.key)}`,
      );
    }
    const sub = provider.subscriptionId?.toLowerCase();
    if (team.rotateAccessKeys === true && team.accessKeySecretVaultId === undefined) {
      problems.push(
        `${at("accessKeySecretVaultId")} is required with ${at("rotateAccessKeys")}: true in a team stack: the active access key is stored as a secret, and the platform's vault is in another subscription, where this stack's provider cannot write secrets; name a vault in the team's subscription${sub !== undefined ? ` (${sub})` : ""}; got nothing`,
      );
    }
    if (
      team.accessKeySecretVaultId !== undefined &&
      sub !== undefined &&
      subscriptionOf(team.accessKeySecretVaultId) !== sub
    ) {
      problems.push(
        `${at("accessKeySecretVaultId")} must be a vault in the team's subscription ${sub} (azure-native:subscriptionId: secrets are written by resource group and vault name in the provider's subscription); got ${JSON.stringify(team.accessKeySecretVaultId)}`,
      );
    }
    if (
      team.privateEndpointSubnetId !== undefined &&
      sub !== undefined &&
      GUID.test(sub) &&
      subscriptionOf(team.privateEndpointSubnetId) !== sub
    ) {
      problems.push(
        `${at("privateEndpointSubnetId")} must be a subnet in the team's subscription ${sub} (azure-native:subscriptionId: Azure creates a private endpoint only in its virtual network's subscription, learn.microsoft.com private-endpoint-overview); use the team's own spoke subnet; got ${JSON.stringify(team.privateEndpointSubnetId)}`,
      );
    }
  }
  if (problems.length > 0 || s === undefined || teamId === undefined || team === undefined) {
    fail(stackFile, problems);
  }
  return {
    ...s,
    kind: "team",
    subscriptionId: provider.subscriptionId!,
    platformStack: fleet.platformStack as string,
    ...(fleet.platformKey !== undefined ? { platformKey: fleet.platformKey as string } : {}),
    teamId,
    team,
  };
}

/** The current stack's raw project config and provider config, from the Pulumi runtime. */
export function runtimeConfig(): {
  project: string;
  raw: Record<string, string | undefined>;
  provider: FleetProviderConfig;
} {
  const project = pulumi.getProject();
  const all = pulumi.runtime.allConfig();
  const raw: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(`${project}:`)) raw[key.slice(project.length + 1)] = value;
  }
  const provider: FleetProviderConfig = {
    ...(all["azure-native:subscriptionId"] !== undefined
      ? { subscriptionId: all["azure-native:subscriptionId"] }
      : {}),
    ...(all["azure-native:tenantId"] !== undefined
      ? { tenantId: all["azure-native:tenantId"] }
      : {}),
    ...(all["azure-native:location"] !== undefined
      ? { location: all["azure-native:location"] }
      : {}),
  };
  return { project, raw, provider };
}

/** The stack file a fleet stack's errors name (the CLI is given it with --config-file; see README). */
export function fleetStackFile(stack: string): string {
  return `stacks/fleet/Pulumi.${stack}.yaml`;
}

export { readStackKind };
