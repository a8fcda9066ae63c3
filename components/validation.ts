import * as pulumi from "@pulumi/pulumi";

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
export function argumentsObject<T extends object>(problems: ArgumentProblems, args: T | null | undefined): Partial<T> {
  if (args === null || args === undefined || typeof args !== "object" || Array.isArray(args)) {
    problems.add("args", `must be an object of arguments, got ${show(args)}`);
    return {};
  }
  return args;
}

/** Adds a problem when a known value is not a string; true when it is a usable known string. */
export function checkString(problems: ArgumentProblems, path: string, value: unknown, required = false): value is string {
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
export function checkEnum(problems: ArgumentProblems, path: string, value: unknown, allowed: readonly string[]): void {
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
export function checkArray(problems: ArgumentProblems, path: string, value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(path, `must be a list, got ${show(value)}`);
    return [];
  }
  return value;
}

/** Adds a problem when tags are not a map of strings (keys 1-512 characters, values up to 256, at most 50 tags). */
export function checkTags(problems: ArgumentProblems, path: string, tags: unknown): void {
  if (tags === undefined || !isKnown(tags)) return;
  if (tags === null || typeof tags !== "object" || Array.isArray(tags)) {
    problems.add(path, `must be a map of tag names to string values, got ${show(tags)}`);
    return;
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > 50) problems.add(path, `may hold at most 50 tags (Azure's limit per resource), got ${entries.length}`);
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 512 || /[<>%&\\?/]/.test(k)) {
      problems.add(`${path}.${k}`, `tag names must be 1-512 characters without < > % & \\ ? /, got ${show(k)}`);
    }
    if (isKnown(v) && (typeof v !== "string" || v.length > 256)) {
      problems.add(`${path}.${k}`, `tag values must be strings of at most 256 characters, got ${show(v)}`);
    }
  }
}

/** An Entra ID object, tenant or client id. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IPV4_OR_CIDR = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;
const SUBNET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/** Checks firewall allow-lists (`allowedIpRanges`, `allowedSubnetIds`) shared by the vault and storage components. */
export function checkNetworkAllowLists(
  problems: ArgumentProblems,
  ipRanges: unknown,
  subnetIds: unknown,
): void {
  checkArray(problems, "allowedIpRanges", ipRanges).forEach((ip, i) => {
    if (isKnown(ip) && (typeof ip !== "string" || !IPV4_OR_CIDR.test(ip))) {
      problems.add(`allowedIpRanges[${i}]`, `must be an IPv4 address or CIDR range such as "203.0.113.0/24", got ${show(ip)}`);
    }
  });
  checkArray(problems, "allowedSubnetIds", subnetIds).forEach((id, i) => {
    if (isKnown(id) && (typeof id !== "string" || !SUBNET_ID.test(id))) {
      problems.add(`allowedSubnetIds[${i}]`, `must be a subnet resource id (/subscriptions/…/virtualNetworks/<vnet>/subnets/<subnet>), got ${show(id)}`);
    }
  });
}
