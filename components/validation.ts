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

/** Renders a received value for an error message. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** An Entra ID object, tenant or client id. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IPV4_OR_CIDR = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;
const SUBNET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/** Checks firewall allow-lists (`allowedIpRanges`, `allowedSubnetIds`) shared by the vault and storage components. */
export function checkNetworkAllowLists(
  problems: ArgumentProblems,
  ipRanges: readonly pulumi.Input<string>[] | undefined,
  subnetIds: readonly pulumi.Input<string>[] | undefined,
): void {
  (ipRanges ?? []).forEach((ip, i) => {
    if (isKnown(ip) && !IPV4_OR_CIDR.test(ip)) {
      problems.add(`allowedIpRanges[${i}]`, `must be an IPv4 address or CIDR range such as "203.0.113.0/24", got ${show(ip)}`);
    }
  });
  (subnetIds ?? []).forEach((id, i) => {
    if (isKnown(id) && !SUBNET_ID.test(id)) {
      problems.add(`allowedSubnetIds[${i}]`, `must be a subnet resource id (/subscriptions/…/virtualNetworks/<vnet>/subnets/<subnet>), got ${show(id)}`);
    }
  });
}
