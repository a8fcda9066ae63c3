import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import { regionProblem } from "./azureRegions";
import { resourceGroupNameProblem } from "./naming";

/** One problem found in a component's arguments: which argument, and what is wrong with the value received. */
export interface ArgumentProblem {
  propertyPath: string;
  reason: string;
}

/** Collects argument problems so a component reports every one of them at once. */
export class ArgumentProblems {
  private readonly problems: ArgumentProblem[] = [];

  add(propertyPath: string, reason: string): void {
    this.problems.push({ propertyPath, reason });
  }

  get list(): readonly ArgumentProblem[] {
    return this.problems;
  }

  /**
   * Throws one `pulumi.InputPropertiesError` listing every problem (the engine pretty-prints it); the message also
   * carries the list so it reads well outside the engine.
   */
  throwIfAny(component: string, name: string): void {
    if (this.problems.length === 0) {
      return;
    }
    const lines = this.problems.map((p) => `  - ${p.propertyPath}: ${p.reason}`).join("\n");
    throw new pulumi.InputPropertiesError({
      message: `Invalid arguments for ${component} "${name}":\n${lines}`,
      errors: this.problems.map((p) => ({ ...p })),
    });
  }
}

/** True when a value is known now (not an Output or Promise), so it can be validated at construction. */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
  return value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** Renders a received value for an error message (NaN and ±Infinity as themselves, outputs as "an output"). */
export function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (pulumi.Output.isInstance(value)) return "an output (not known until deployment)";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The arguments object a component received, or a problem when it is not an object (untyped callers). */
export function argumentsObject<T extends object>(
  problems: ArgumentProblems,
  args: T | null | undefined,
): Partial<T> {
  if (args === null || args === undefined || typeof args !== "object" || Array.isArray(args)) {
    problems.add("args", `must be an object of arguments, got ${show(args)}`);
    return {};
  }
  return args;
}

/** Adds a problem when a known value is not a string; true when it is a usable known string. */
export function checkString(
  problems: ArgumentProblems,
  path: string,
  value: unknown,
  required = false,
): value is string {
  if (value === undefined || value === null) {
    if (required) problems.add(path, `is required, got ${show(value)}`);
    return false;
  }
  if (!isKnown(value)) return false;
  if (typeof value !== "string") {
    problems.add(path, `must be a string, got ${show(value)}`);
    return false;
  }
  return true;
}

/** Adds a problem when a known value is not one of an enum's values. */
export function checkEnum(
  problems: ArgumentProblems,
  path: string,
  value: unknown,
  allowed: readonly string[],
): void {
  if (value === undefined || !isKnown(value)) return;
  if (typeof value !== "string" || !allowed.includes(value)) {
    problems.add(path, `must be one of ${allowed.join(", ")}, got ${show(value)}`);
  }
}

/** Adds a problem when a known value is not a boolean. */
export function checkBoolean(problems: ArgumentProblems, path: string, value: unknown): void {
  if (value !== undefined && isKnown(value) && typeof value !== "boolean") {
    problems.add(path, `must be true or false, got ${show(value)}`);
  }
}

/** Adds a problem when a value is present but not an array; returns the array (or []) to check element by element. */
export function checkArray(
  problems: ArgumentProblems,
  path: string,
  value: unknown,
): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(path, `must be a list, got ${show(value)}`);
    return [];
  }
  return value;
}

/**
 * Azure's tag rules (learn.microsoft.com azure-resource-manager/management/tag-resources#limitations): at most 50 tags
 * per resource, names 1-512 characters (128 on storage accounts), values up to 256, and no `< > % & \\ ? /` in names.
 * `reserved` tags are the ones the component sets itself, which count towards the 50.
 */
export function checkTags(
  problems: ArgumentProblems,
  path: string,
  tags: unknown,
  limits: { maxNameLength?: number; reserved?: number } = {},
): void {
  const maxName = limits.maxNameLength ?? 512;
  const maxTags = 50 - (limits.reserved ?? 2);
  if (tags === undefined || !isKnown(tags)) return;
  if (tags === null || typeof tags !== "object" || Array.isArray(tags)) {
    problems.add(path, `must be a map of tag names to string values, got ${show(tags)}`);
    return;
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > maxTags) {
    problems.add(
      path,
      `may hold at most ${maxTags} tags (Azure allows 50 per resource; the component sets ${50 - maxTags}), got ${entries.length}`,
    );
  }
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > maxName || /[<>%&\\?/]/.test(k)) {
      problems.add(
        `${path}.${k}`,
        `tag names must be 1-${maxName} characters without < > % & \\ ? /, got ${show(k)}`,
      );
    }
    if (isKnown(v) && (typeof v !== "string" || v.length > 256)) {
      problems.add(
        `${path}.${k}`,
        `tag values must be strings of at most 256 characters, got ${show(v)}`,
      );
    }
  }
}

/** An Entra ID object, tenant or client id. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why `value` is not an Entra ID object, tenant or client id (a GUID), or undefined. */
export function guidProblem(value: unknown): string | undefined {
  return typeof value === "string" && GUID_PATTERN.test(value)
    ? undefined
    : `must be an Entra ID id (a GUID), got ${show(value)}`;
}
const SUBNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/** Address ranges a public endpoint's firewall can never match (parsed by ipaddr.js). */
const NON_PUBLIC_RANGES = new Set([
  "private",
  "loopback",
  "linkLocal",
  "multicast",
  "unspecified",
  "broadcast",
]);

/** Which firewall an IP rule is for: storage accounts do not take /31 and /32 ranges. */
export type FirewallKind = "vault" | "storage";

/**
 * Why `value` is not an IP rule Azure accepts, or undefined. Parsed with ipaddr.js (strict four-part decimal).
 * Sources: Azure Storage "Configure firewalls and virtual networks" (IPv4 only; public addresses only — RFC 1918
 * private ranges are not allowed; /31 and /32 ranges are not supported, use single addresses) and Key Vault
 * "Configure network security" (IPv4 addresses or CIDR ranges of public addresses).
 */
export function ipRuleProblem(value: unknown, kind: FirewallKind): string | undefined {
  const example = `an IPv4 address or CIDR range such as "203.0.113.0/24"`;
  if (typeof value !== "string") return `must be ${example}, got ${show(value)}`;
  const [address, prefix, ...rest] = value.split("/");
  if (rest.length > 0 || !ipaddr.IPv4.isValidFourPartDecimal(address)) {
    return `must be ${example}, got ${show(value)}`;
  }
  if (prefix !== undefined) {
    if (!/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) {
      return `must be ${example} (prefix 0-32), got ${show(value)}`;
    }
    if (kind === "storage" && Number(prefix) >= 31) {
      return `must not use a /31 or /32 range (Azure Storage does not support them; give single addresses instead), got ${show(value)}`;
    }
  }
  const range = ipaddr.IPv4.parse(address).range();
  if (NON_PUBLIC_RANGES.has(range)) {
    return `must be a public address; ${address} is ${range} (a firewall of a public endpoint never sees it; use a subnet rule or a private endpoint), got ${show(value)}`;
  }
  return undefined;
}

/** Why `value` is not a subnet resource id, or undefined. */
export function subnetIdProblem(value: unknown): string | undefined {
  return typeof value === "string" && SUBNET_ID.test(value)
    ? undefined
    : `must be a subnet resource id (/subscriptions/…/virtualNetworks/<vnet>/subnets/<subnet>), got ${show(value)}`;
}

/** Checks firewall allow-lists (`allowedIpRanges`, `allowedSubnetIds`) shared by the vault and storage components. */
export function checkNetworkAllowLists(
  problems: ArgumentProblems,
  ipRanges: unknown,
  subnetIds: unknown,
  kind: FirewallKind,
): void {
  const seen = new Set<string>();
  checkArray(problems, "allowedIpRanges", ipRanges).forEach((ip, i) => {
    if (!isKnown(ip)) return;
    const p = ipRuleProblem(ip, kind);
    if (p) problems.add(`allowedIpRanges[${i}]`, p);
    else if (seen.has(ip as string)) {
      problems.add(`allowedIpRanges[${i}]`, `is listed twice (${ip as string})`);
    }
    seen.add(ip as string);
  });
  checkArray(problems, "allowedSubnetIds", subnetIds).forEach((id, i) => {
    if (!isKnown(id)) return;
    const p = subnetIdProblem(id);
    if (p) problems.add(`allowedSubnetIds[${i}]`, p);
  });
}

/**
 * An input checked now when it is known, or when it resolves when it is an output: a bad resolved value fails the
 * deployment, with the component's message, before any request that uses it is sent (the resource inputs are built
 * from the returned output). Secretness and dependencies are kept.
 */
export function checkedInput<T>(
  component: string,
  name: string,
  path: string,
  value: pulumi.Input<T>,
  problem: (resolved: unknown) => string | undefined,
): pulumi.Input<T> {
  if (isKnown(value)) return value;
  return pulumi.output(value).apply((resolved) => {
    const p = problem(resolved);
    if (p !== undefined) {
      throw new Error(`Invalid arguments for ${component} "${name}":\n  - ${path}: ${p}`);
    }
    return resolved;
  }) as pulumi.Output<T>;
}

/**
 * The arguments SecureVault and CmkStorageAccount share: the resource group (required, Microsoft.Resources naming
 * rules), the region (required, a known Azure region) and the base of derived names (a letter or digit in it).
 */
export function checkPlacement(
  problems: ArgumentProblems,
  args: { resourceGroupName?: unknown; location?: unknown; namePrefix?: unknown },
): void {
  if (checkString(problems, "resourceGroupName", args.resourceGroupName, true)) {
    const p = resourceGroupNameProblem(args.resourceGroupName);
    if (p) problems.add("resourceGroupName", p);
  }
  if (checkString(problems, "location", args.location, true)) {
    const p = regionProblem(args.location);
    if (p) problems.add("location", p);
  }
  if (
    checkString(problems, "namePrefix", args.namePrefix) &&
    !/[a-zA-Z0-9]/.test(args.namePrefix)
  ) {
    problems.add(
      "namePrefix",
      `must contain at least one letter or digit, got ${show(args.namePrefix)}`,
    );
  }
}

/**
 * The arguments without null or undefined entries: SDKs of other languages may send `null` for an argument that was
 * not given, and it means the same as absent (validation already treats it so). Shallow; references handle their own.
 */
export function withoutAbsent<T extends object>(args: T): T {
  // Reflect.ownKeys keeps symbol-keyed internal arguments too.
  const out: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(args)) {
    const value: unknown = (args as Record<PropertyKey, unknown>)[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out as T;
}

/** `checkedInput` bound to one component instance, so its constructor names only the path, value and rule. */
export type InputChecker = <T>(
  path: string,
  value: pulumi.Input<T>,
  problem: (resolved: unknown) => string | undefined,
) => pulumi.Input<T>;

export function inputChecker(component: string, name: string): InputChecker {
  return (path, value, problem) => checkedInput(component, name, path, value, problem);
}

/** The resource group and region of a component, checked when they resolve if they are outputs. */
export function checkedPlacement(
  checked: InputChecker,
  args: { resourceGroupName: pulumi.Input<string>; location: pulumi.Input<string> },
): { resourceGroupName: pulumi.Input<string>; location: pulumi.Input<string> } {
  return {
    resourceGroupName: checked(
      "resourceGroupName",
      args.resourceGroupName,
      resourceGroupNameProblem,
    ),
    location: checked("location", args.location, regionProblem),
  };
}
