import Ajv, { type ErrorObject } from "ajv";
import {
  didYouMean,
  diagnosticsStorageIdProblem,
  eventHubNameProblem,
  eventHubRuleIdProblem,
  isoDurationDays,
  parseIsoDuration,
  privateDnsZoneIdProblem,
  regionProblem,
  type StorageService,
  workspaceIdProblem,
} from "@cmk-platform/azure-cmk-storage";
import { CONFIG_KEYS, type DNS_ZONE_GROUPS, RESERVED_TEAM_TAGS } from "./configSchema";
import { FLEET_CONFIG_KEYS } from "./fleetConfigSchema";

/** A team's blob data-protection overrides (`cmk-storage:teams.<id>.blobProtection`); each defaults to the stack's key. */
export interface BlobProtectionSettings {
  /** Default: cmk-storage:blobSoftDeleteRetentionInDays. */
  softDeleteRetentionInDays?: number;
  /** Default: cmk-storage:containerSoftDeleteRetentionInDays. */
  containerSoftDeleteRetentionInDays?: number;
  /** Default: cmk-storage:blobVersioning. */
  versioning?: boolean;
  /** Default: cmk-storage:blobChangeFeed. */
  changeFeed?: boolean;
  /** 0 keeps it forever. Default: cmk-storage:blobChangeFeedRetentionInDays. */
  changeFeedRetentionInDays?: number;
  /** 0 is off. Default: cmk-storage:blobPointInTimeRestoreDays. */
  pointInTimeRestoreDays?: number;
}

/** Resource lock level of the stack config. */
export type LockSetting = "CanNotDelete" | "None";

type StorageSku =
  | "Standard_LRS"
  | "Standard_ZRS"
  | "Standard_GRS"
  | "Standard_GZRS"
  | "Standard_RAGRS"
  | "Standard_RAGZRS";

/**
 * One team's overrides of the stack defaults, as written under `cmk-storage:teams.<team id>` (validated; see
 * TEAM_SCHEMA in stacks/configSchema.ts for the rules and README.md for onboarding commands).
 */
export interface TeamSettings {
  /** Human-readable name; goes into the `displayName` tag only, so renaming a team is an in-place tag update. */
  displayName?: string;
  /** Owner, as the `owner` tag. */
  owner?: string;
  /** Cost centre, as the `costCentre` tag. */
  costCentre?: string;
  /** Further tags on the team's identity and account. */
  tags?: Record<string, string>;
  accountSku?: StorageSku;
  allowedIpRanges?: string[];
  allowedSubnetIds?: string[];
  allowSharedKeyAccess?: boolean;
  rotateAccessKeys?: boolean;
  accessKeyRotationPeriodInDays?: number;
  /** ARM id of an existing vault that stores the active access key. Default: the vault of the team's key. */
  accessKeySecretVaultId?: string;
  accessKeySecretVaultPermissionModel?: "accessPolicy" | "rbac";
  protect?: boolean;
  /** Step 1 of deliberately removing a team: its resources stay but lose Pulumi protection (see README.md). */
  decommissioned?: boolean;
  /** A team key in another vault, instead of the stack's key. */
  key?: { vaultId: string; keyName: string; permissionModel: "accessPolicy" | "rbac" };
  /** Services that get a private endpoint. Default: cmk-storage:accountPrivateEndpoints. */
  privateEndpoints?: StorageService[];
  /** Subnet of the team's endpoints. Default: cmk-storage:privateEndpointSubnetId. */
  privateEndpointSubnetId?: string;
  /** Lock on the team's account. Default: cmk-storage:lock (always None while decommissioned). */
  lock?: LockSetting;
  /** Blob data protection overrides. */
  blobProtection?: BlobProtectionSettings;
}

/** Typed stack settings, after validation. */
export interface StackSettings {
  location: string;
  resourceGroupName: string;
  createResourceGroup: boolean;
  tenantId?: string;
  namePrefix: string;
  vaultName?: string;
  vaultSku: "standard" | "premium";
  vaultPermissionModel: "accessPolicy" | "rbac";
  vaultSoftDeleteRetentionInDays: number;
  vaultPublicNetworkAccess: "Disabled" | "Enabled";
  vaultAllowedIpRanges: string[];
  vaultAllowedSubnetIds: string[];
  vaultAdministratorObjectIds: string[];
  vaultAdministratorPrincipalType: "User" | "Group" | "ServicePrincipal";
  keyType: "RSA" | "RSA-HSM";
  keySize: number;
  keyRotateAfter: string;
  keyExpiresAfter: string;
  keyNotifyBefore: string;
  keyEnabled: boolean;
  keyProtect: boolean;
  /**
   * Teams by stable team id, in config order. Read from `cmk-storage:teams`, or from the older list form
   * `cmk-storage:accounts` (each name a team with no overrides).
   */
  teams: Record<string, TeamSettings>;
  accountSku: StorageSku;
  accountAllowedIpRanges: string[];
  rbacPropagationSeconds: number;
  protect: boolean;
  privateEndpointSubnetId?: string;
  /** Private DNS zone ids by group id (vault, blob, dfs, file, queue, table, web). */
  privateDnsZoneIds: Partial<Record<(typeof DNS_ZONE_GROUPS)[number], string>>;
  accountPrivateEndpoints: StorageService[];
  logAnalyticsWorkspaceId?: string;
  diagnosticsStorageAccountId?: string;
  diagnosticsEventHubAuthorizationRuleId?: string;
  diagnosticsEventHubName?: string;
  lock: LockSetting;
  /** Lock of the vault when set; else `lock`. */
  vaultLock?: LockSetting;
  blobSoftDeleteRetentionInDays: number;
  containerSoftDeleteRetentionInDays: number;
  blobVersioning: boolean;
  blobChangeFeed: boolean;
  /** 0: kept forever. */
  blobChangeFeedRetentionInDays: number;
  /** 0: off. */
  blobPointInTimeRestoreDays: number;
}

// coerceTypes: `pulumi config set --path 'cmk-storage:teams.x.protect' true` may store scalars inside objects as text.
const ajv = new Ajv({ allErrors: true, verbose: true, coerceTypes: true });
ajv.addFormat("iso8601-duration", {
  type: "string",
  validate: (s: string) => parseIsoDuration(s) !== undefined,
});
const validate = ajv.compile({
  type: "object",
  properties: Object.fromEntries(Object.entries(CONFIG_KEYS).map(([k, spec]) => [k, spec.schema])),
  required: Object.entries(CONFIG_KEYS)
    .filter(([, s]) => s.required)
    .map(([k]) => k),
});

/** Converts a raw config string (as the Pulumi runtime stores it) to the key's declared type, or leaves it as is. */
export function convert(type: string, raw: string): unknown {
  switch (type) {
    case "integer":
      return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "array":
    case "object":
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

/** Decodes a JSON pointer (Ajv's instancePath) into its segments. */
function pointer(instancePath: string): string[] {
  return instancePath === ""
    ? []
    : instancePath
        .slice(1)
        .split("/")
        .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** `cmk-storage:teams.payments.allowedIpRanges[0]`: a config path as `pulumi config set --path` spells it. */
function configPath(project: string, segments: readonly string[], root: unknown): string {
  let text = `${project}:${segments[0] ?? ""}`;
  let value: unknown = (root as Record<string, unknown>)[segments[0] ?? ""];
  for (const s of segments.slice(1)) {
    text += Array.isArray(value) ? `[${s}]` : `.${s}`;
    value =
      value !== null && typeof value === "object"
        ? (value as Record<string, unknown>)[s]
        : undefined;
  }
  return text;
}

/** One Ajv error as "<config path> <rule>; got <value>", or undefined for errors another message already covers. */
function describe(
  e: ErrorObject,
  project: string,
  values: Record<string, unknown>,
): string | undefined {
  const segments = pointer(e.instancePath);
  const at = (extra: string[]) => configPath(project, [...segments, ...extra], values);
  const valueAt = (extra: string[]) =>
    [...segments, ...extra].reduce<unknown>(
      (v, p) =>
        v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined,
      values,
    );
  if (e.keyword === "propertyNames") return undefined;
  if (e.propertyName !== undefined) {
    const name = e.propertyName;
    const rule =
      segments.length === 1 && segments[0] === "teams"
        ? "is not a valid team id: team ids are 2-12 lowercase letters and digits, starting with a letter"
        : "is not a valid tag name: 1-512 characters without < > % & \\ ? /";
    return `${at([name])} ${rule}; got ${JSON.stringify(name)}`;
  }
  if (e.keyword === "required") {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return `${segments.length === 0 ? `${project}:${missing}` : at([missing])} is required; got nothing`;
  }
  if (e.keyword === "additionalProperties") {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    const known = Object.keys(
      (e.parentSchema as { properties?: object } | undefined)?.properties ?? {},
    );
    return `${at([extra])} is not a known setting (${didYouMean(extra, known)}known: ${known.join(", ")}); got ${JSON.stringify(valueAt([extra]))}`;
  }
  const rule =
    e.keyword === "enum"
      ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`
      : e.keyword === "format"
        ? "must be an ISO-8601 duration such as P90D or P1Y"
        : (e.message ?? "is invalid");
  return `${at([])} ${rule}; got ${JSON.stringify(valueAt([]))}`;
}

/** Rules across fields of one team, each named by the full config path of the offending field. */
function teamProblems(project: string, id: string, team: TeamSettings): string[] {
  const at = (field: string) => `${project}:teams.${id}.${field}`;
  const problems: string[] = [];
  if (team.rotateAccessKeys === true && team.allowSharedKeyAccess !== true) {
    problems.push(
      `${at("rotateAccessKeys")} needs ${at("allowSharedKeyAccess")}: true (with shared keys off there are no usable keys to rotate); got true`,
    );
  }
  for (const field of [
    "accessKeyRotationPeriodInDays",
    "accessKeySecretVaultId",
    "accessKeySecretVaultPermissionModel",
  ] as const) {
    if (team[field] !== undefined && team.rotateAccessKeys !== true) {
      problems.push(
        `${at(field)} only applies with ${at("rotateAccessKeys")}: true; got ${JSON.stringify(team[field])}`,
      );
    }
  }
  if (
    team.accessKeySecretVaultPermissionModel !== undefined &&
    team.accessKeySecretVaultId === undefined
  ) {
    problems.push(
      `${at("accessKeySecretVaultPermissionModel")} needs ${at("accessKeySecretVaultId")} (without it the access key is stored in the key's vault, whose model is known); got ${JSON.stringify(team.accessKeySecretVaultPermissionModel)}`,
    );
  }
  if (team.decommissioned === true && team.protect === true) {
    problems.push(
      `${at("protect")} cannot be true for a decommissioned team (decommissioning removes the protection so the account can be deleted); got true`,
    );
  }
  for (const [tag, value] of Object.entries(team.tags ?? {})) {
    if ((RESERVED_TEAM_TAGS as readonly string[]).includes(tag)) {
      const instead = ["displayName", "owner", "costCentre"].includes(tag)
        ? `set ${at(tag)} instead`
        : "the program sets it";
      problems.push(
        `${at(`tags.${tag}`)} is a reserved tag (${instead}); got ${JSON.stringify(value)}`,
      );
    }
  }
  return problems;
}

/** Azure's rotation-policy limits in days (learn.microsoft.com key-vault/keys/how-to-configure-key-rotation). */
const ROTATION_LIMIT_DAYS = {
  rotateAfter: 7,
  beforeExpiry: 7,
  expiresAfter: 28,
  notifyBefore: 7,
} as const;
/** Least RBAC propagation wait the program accepts (role assignments take up to 10 minutes to apply). */
export const MIN_RBAC_PROPAGATION_SECONDS = 30;

/** Other namespaces' keys the cross-field rules read (the provider's tenant). */
export interface ProviderConfig {
  /** `azure-native:tenantId` from the stack file, when set. */
  tenantId?: string;
}

/**
 * Rules across stack keys, run before anything is registered (so `pulumi up --skip-preview` cannot create a
 * purge-protected vault and then fail): region, rotation limits, HSM key vs vault SKU, network, RBAC propagation and
 * tenant. Each names the config key(s) as `pulumi config set` spells them.
 */
function crossFieldProblems(
  project: string,
  v: Record<string, unknown>,
  provider: ProviderConfig,
): string[] {
  const k = (key: string) => `${project}:${key}`;
  const problems: string[] = [];
  if (typeof v.location === "string") {
    const p = regionProblem(v.location);
    if (p !== undefined) problems.push(`${k("location")} ${p}`);
  }
  const days = (key: string): number | undefined =>
    typeof v[key] === "string" ? isoDurationDays(v[key]) : undefined;
  const rotate = days("keyRotateAfter");
  const expires = days("keyExpiresAfter");
  const notify = days("keyNotifyBefore");
  if (rotate !== undefined && rotate < ROTATION_LIMIT_DAYS.rotateAfter) {
    problems.push(
      `${k("keyRotateAfter")} must be at least P7D (Key Vault rotates at the earliest 7 days after a version is created); got ${JSON.stringify(v.keyRotateAfter)}`,
    );
  }
  if (expires !== undefined && expires < ROTATION_LIMIT_DAYS.expiresAfter) {
    problems.push(
      `${k("keyExpiresAfter")} must be at least P28D (Key Vault's minimum key-version lifetime in a rotation policy); got ${JSON.stringify(v.keyExpiresAfter)}`,
    );
  }
  if (notify !== undefined && notify < ROTATION_LIMIT_DAYS.notifyBefore) {
    problems.push(
      `${k("keyNotifyBefore")} must be at least P7D (Key Vault notifies at the earliest 7 days before expiry); got ${JSON.stringify(v.keyNotifyBefore)}`,
    );
  }
  if (
    rotate !== undefined &&
    expires !== undefined &&
    expires >= ROTATION_LIMIT_DAYS.expiresAfter &&
    expires - rotate < ROTATION_LIMIT_DAYS.beforeExpiry
  ) {
    problems.push(
      `${k("keyRotateAfter")} must be at least 7 days shorter than ${k("keyExpiresAfter")} (a version must be rotated before it expires); got ${JSON.stringify(v.keyRotateAfter)} with ${JSON.stringify(v.keyExpiresAfter)}`,
    );
  }
  if (notify !== undefined && expires !== undefined && notify >= expires) {
    problems.push(
      `${k("keyNotifyBefore")} must be shorter than ${k("keyExpiresAfter")}; got ${JSON.stringify(v.keyNotifyBefore)} with ${JSON.stringify(v.keyExpiresAfter)}`,
    );
  }
  if (v.keyType === "RSA-HSM" && v.vaultSku !== "premium") {
    problems.push(
      `${k("keyType")} RSA-HSM needs ${k("vaultSku")}: premium (a standard vault cannot hold HSM-backed keys); got ${k("vaultSku")} ${JSON.stringify(v.vaultSku ?? "standard")}`,
    );
  }
  if (v.vaultPublicNetworkAccess === "Disabled") {
    for (const key of ["vaultAllowedIpRanges", "vaultAllowedSubnetIds"]) {
      if (Array.isArray(v[key]) && (v[key] as unknown[]).length > 0) {
        problems.push(
          `${k(key)} has no effect while ${k("vaultPublicNetworkAccess")} is Disabled (only private endpoints and trusted Azure services get through); set ${k("vaultPublicNetworkAccess")}: Enabled or remove the list; got ${JSON.stringify(v[key])}`,
        );
      }
    }
  }
  const teams =
    v.teams !== null && typeof v.teams === "object" && !Array.isArray(v.teams)
      ? (v.teams as Record<string, TeamSettings | null>)
      : {};
  const rbacUsed =
    v.vaultPermissionModel === "rbac" ||
    Object.values(teams).some(
      (t) =>
        t?.key?.permissionModel === "rbac" || t?.accessKeySecretVaultPermissionModel === "rbac",
    );
  const wait = typeof v.rbacPropagationSeconds === "number" ? v.rbacPropagationSeconds : 60;
  if (rbacUsed && wait < MIN_RBAC_PROPAGATION_SECONDS) {
    problems.push(
      `${k("rbacPropagationSeconds")} must be at least ${MIN_RBAC_PROPAGATION_SECONDS} when a vault uses the rbac permission model (role assignments take minutes to apply; a storage account created before that fails with KeyVaultAuthenticationFailure); got ${wait}`,
    );
  }
  if (
    typeof v.tenantId === "string" &&
    provider.tenantId !== undefined &&
    provider.tenantId.toLowerCase() !== v.tenantId.toLowerCase()
  ) {
    problems.push(
      `${k("tenantId")} (${v.tenantId}) differs from azure-native:tenantId (${provider.tenantId}): the vault would live in another Entra ID tenant than the storage accounts' identities, and cross-tenant customer-managed keys need a federated multi-tenant application this program does not configure; use the same tenant`,
    );
  }
  return problems;
}

const STACK_BLOB_KEYS: Record<keyof BlobProtectionSettings, string> = {
  softDeleteRetentionInDays: "blobSoftDeleteRetentionInDays",
  containerSoftDeleteRetentionInDays: "containerSoftDeleteRetentionInDays",
  versioning: "blobVersioning",
  changeFeed: "blobChangeFeed",
  changeFeedRetentionInDays: "blobChangeFeedRetentionInDays",
  pointInTimeRestoreDays: "blobPointInTimeRestoreDays",
};

/** The group of a storage service's DNS zone: secondaries resolve in the primary's zone. */
export function dnsZoneGroup(service: string): string {
  return service.replace(/_secondary$/, "");
}

/**
 * Private endpoints, DNS zones and diagnostics: every endpoint needs a subnet and its group's zone (the vault's when
 * `privateEndpointSubnetId` is set), zone ids must name their group's zone, secondaries need a read-access
 * geo-redundant SKU, destinations must be ARM ids of the right type. Each problem names the key to set.
 */
function networkProblems(
  project: string,
  v: Record<string, unknown>,
  teams: Record<string, TeamSettings>,
): string[] {
  const k = (key: string) => `${project}:${key}`;
  const problems: string[] = [];
  const zones =
    v.privateDnsZoneIds !== null && typeof v.privateDnsZoneIds === "object"
      ? (v.privateDnsZoneIds as Record<string, unknown>)
      : {};
  for (const [group, id] of Object.entries(zones)) {
    if (typeof id !== "string") continue;
    const p = privateDnsZoneIdProblem(id, group === "vault" ? "vault" : "storage", group);
    if (p) problems.push(`${k("privateDnsZoneIds")}.${group} ${p}`);
  }
  const needZone = (group: string, why: string): void => {
    if (typeof zones[group] !== "string") {
      problems.push(
        `${k("privateDnsZoneIds")}.${group} is required ${why} (its DNS zone group needs the zone id; pulumi config set --path '${k("privateDnsZoneIds")}.${group}' <zone id>); got nothing`,
      );
    }
  };
  const stackSubnet =
    typeof v.privateEndpointSubnetId === "string" ? v.privateEndpointSubnetId : undefined;
  if (stackSubnet !== undefined) {
    needZone(
      "vault",
      `when ${k("privateEndpointSubnetId")} is set (the vault gets a private endpoint)`,
    );
  }
  const stackServices = Array.isArray(v.accountPrivateEndpoints)
    ? (v.accountPrivateEndpoints as string[])
    : [];
  const missingZones = new Map<string, string>();
  for (const [id, team] of Object.entries(teams)) {
    if (team === null || typeof team !== "object") continue;
    const at = (field: string) => `${project}:teams.${id}.${field}`;
    const services = team.privateEndpoints ?? stackServices;
    const servicesKey =
      team.privateEndpoints !== undefined ? at("privateEndpoints") : k("accountPrivateEndpoints");
    const subnet = team.privateEndpointSubnetId ?? stackSubnet;
    if (services.length > 0 && subnet === undefined) {
      problems.push(
        `${servicesKey} needs a subnet: set ${k("privateEndpointSubnetId")} or ${at("privateEndpointSubnetId")}; got ${JSON.stringify(services)} for team "${id}"`,
      );
    }
    if (team.privateEndpointSubnetId !== undefined && services.length === 0) {
      problems.push(
        `${at("privateEndpointSubnetId")} has no effect without services (${at("privateEndpoints")} or ${k("accountPrivateEndpoints")}); got ${JSON.stringify(team.privateEndpointSubnetId)}`,
      );
    }
    const sku =
      team.accountSku ?? (typeof v.accountSku === "string" ? v.accountSku : "Standard_ZRS");
    for (const service of services) {
      if (typeof service !== "string") continue;
      if (!missingZones.has(dnsZoneGroup(service))) {
        missingZones.set(dnsZoneGroup(service), servicesKey);
      }
      if (service.endsWith("_secondary") && !["Standard_RAGRS", "Standard_RAGZRS"].includes(sku)) {
        problems.push(
          `${servicesKey} lists ${service} for team "${id}", which needs a read-access geo-redundant SKU (Standard_RAGRS or Standard_RAGZRS: only those have a readable secondary); got SKU ${sku}`,
        );
      }
    }
  }
  for (const [group, key] of missingZones) needZone(group, `for the ${group} endpoints of ${key}`);
  const destinations: [string, (x: unknown) => string | undefined][] = [
    ["logAnalyticsWorkspaceId", workspaceIdProblem],
    ["diagnosticsStorageAccountId", diagnosticsStorageIdProblem],
    ["diagnosticsEventHubAuthorizationRuleId", eventHubRuleIdProblem],
    ["diagnosticsEventHubName", eventHubNameProblem],
  ];
  for (const [key, problem] of destinations) {
    if (typeof v[key] !== "string") continue;
    const p = problem(v[key]);
    if (p) problems.push(`${k(key)} ${p}`);
  }
  if (
    v.diagnosticsEventHubName !== undefined &&
    v.diagnosticsEventHubAuthorizationRuleId === undefined
  ) {
    problems.push(
      `${k("diagnosticsEventHubName")} needs ${k("diagnosticsEventHubAuthorizationRuleId")} (the Event Hubs namespace the hub is in); got ${JSON.stringify(v.diagnosticsEventHubName)}`,
    );
  }
  return problems;
}

/**
 * Blob data protection, for the stack defaults and for every team that overrides them: point-in-time restore needs
 * versioning and the change feed and fewer days than blob soft delete (learn.microsoft.com
 * point-in-time-restore-overview); a change feed retention needs the change feed and covers the restore window. Each
 * problem names the key that decides the value (the team's when it sets it, else the stack's).
 */
function blobProtectionProblems(
  project: string,
  v: Record<string, unknown>,
  teams: Record<string, TeamSettings>,
): string[] {
  const scopes: [string | undefined, BlobProtectionSettings][] = [
    [undefined, {}],
    ...Object.entries(teams)
      .filter(([, t]) => t !== null && typeof t === "object" && t.blobProtection !== undefined)
      .map(([id, t]): [string, BlobProtectionSettings] => [id, t.blobProtection ?? {}]),
  ];
  const problems = new Set<string>();
  for (const [team, overrides] of scopes) {
    const key = (field: keyof BlobProtectionSettings): string =>
      team !== undefined && overrides[field] !== undefined
        ? `${project}:teams.${team}.blobProtection.${field}`
        : `${project}:${STACK_BLOB_KEYS[field]}`;
    const value = <T>(field: keyof BlobProtectionSettings): T =>
      (overrides[field] ?? v[STACK_BLOB_KEYS[field]]) as T;
    const restore = value<number>("pointInTimeRestoreDays");
    const softDelete = value<number>("softDeleteRetentionInDays");
    const changeFeed = value<boolean>("changeFeed");
    const changeFeedDays = value<number>("changeFeedRetentionInDays");
    if (typeof changeFeedDays === "number" && changeFeedDays > 0 && changeFeed !== true) {
      problems.add(
        `${key("changeFeedRetentionInDays")} only applies with ${key("changeFeed")}: true; got ${changeFeedDays}`,
      );
    }
    if (typeof restore !== "number" || restore === 0) continue;
    for (const need of ["versioning", "changeFeed"] as const) {
      if (value<boolean>(need) !== true) {
        problems.add(
          `${key("pointInTimeRestoreDays")} needs ${key(need)}: true (point-in-time restore replays the change feed over blob versions); got ${restore} with ${key(need)} ${JSON.stringify(value(need))}`,
        );
      }
    }
    if (typeof softDelete === "number" && restore >= softDelete) {
      problems.add(
        `${key("pointInTimeRestoreDays")} must be less than ${key("softDeleteRetentionInDays")} (${softDelete}): a restore reaches back only while deleted blobs are kept; got ${restore}`,
      );
    }
    if (typeof changeFeedDays === "number" && changeFeedDays > 0 && changeFeedDays < restore) {
      problems.add(
        `${key("changeFeedRetentionInDays")} must be at least ${key("pointInTimeRestoreDays")} (${restore}): the restore replays the change feed over that window; got ${changeFeedDays}`,
      );
    }
  }
  return [...problems];
}

/**
 * Parses and validates raw stack config (key → string as stored by the Pulumi runtime; arrays and objects as JSON).
 * Every problem names the full config path (`cmk-storage:teams.payments.accountSku`) and the stack file, with the
 * value received and the rule; all are reported at once.
 */
export function parseStackConfig(
  raw: Record<string, string | undefined>,
  project: string,
  stackFile: string,
  provider: ProviderConfig = {},
  options: { requireTeams?: boolean } = {},
): StackSettings {
  // The fleet keys (stackKind, platform*) are checked per kind by stacks/stackKind.ts before this runs.
  const unknownKeys = Object.keys(raw).filter(
    (k) => !(k in CONFIG_KEYS) && !(k in FLEET_CONFIG_KEYS) && raw[k] !== undefined,
  );
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
    const r = raw[key];
    values[key] = r === undefined ? structuredClone(spec.default) : convert(spec.type, r);
    // Optional keys without a natural default use "" for "unset" (Pulumi requires a default for optional keys).
    if (values[key] === undefined || (spec.default === "" && values[key] === "")) {
      delete values[key];
    }
  }
  // A team written with no value in YAML (`payments:`) is a team with the stack defaults, like `payments: {}`.
  if (values.teams !== null && typeof values.teams === "object" && !Array.isArray(values.teams)) {
    for (const [id, team] of Object.entries(values.teams)) {
      if (team === null) (values.teams as Record<string, unknown>)[id] = {};
    }
  }
  const problems: string[] = unknownKeys.map(
    (k) =>
      `${project}:${k} is not a known config key (${didYouMean(k, Object.keys(CONFIG_KEYS))}known: ${Object.keys(CONFIG_KEYS).join(", ")})`,
  );
  if (!validate(values)) {
    for (const e of validate.errors ?? []) {
      const text = describe(e, project, values);
      if (text !== undefined) problems.push(text);
    }
  }
  const teams =
    values.teams !== null && typeof values.teams === "object" && !Array.isArray(values.teams)
      ? (values.teams as Record<string, TeamSettings>)
      : {};
  const accounts = Array.isArray(values.accounts) ? (values.accounts as string[]) : [];
  const teamCount = Object.keys(teams).length;
  if (teamCount > 0 && accounts.length > 0) {
    problems.push(
      `${project}:teams and ${project}:accounts are both set; set one: move each name of ${project}:accounts to a key of ${project}:teams (e.g. \`pulumi config set --path '${project}:teams.${accounts[0]}.displayName' ${accounts[0]}\`) and remove ${project}:accounts, or keep the older list form only`,
    );
  } else if (
    options.requireTeams !== false &&
    teamCount === 0 &&
    accounts.length === 0 &&
    (values.teams === undefined ||
      (typeof values.teams === "object" && !Array.isArray(values.teams)))
  ) {
    problems.push(
      `${project}:teams is required: a map of team id to settings (or the older list form ${project}:accounts); got nothing`,
    );
  }
  for (const [id, team] of Object.entries(teams)) {
    if (team !== null && typeof team === "object") {
      problems.push(...teamProblems(project, id, team));
    }
  }
  problems.push(...crossFieldProblems(project, values, provider));
  problems.push(...networkProblems(project, values, teams));
  problems.push(...blobProtectionProblems(project, values, teams));
  if (problems.length > 0) {
    throw new Error(
      `Invalid stack configuration in ${stackFile}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  delete values.accounts;
  values.teams = teamCount > 0 ? teams : Object.fromEntries(accounts.map((id) => [id, {}]));
  return values as unknown as StackSettings;
}
