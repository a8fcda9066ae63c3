/**
 * `cmk-preview:existingSubnets`: the subnets outside the stack that the simulated Azure may assume exist, each with
 * its virtual network's region, as a map `{ <subnet id>: <region> }`. Private endpoints are then checked against it
 * (preview/rules/privateEndpoints.ts, `private-endpoint-subnet`).
 */
import { isArmRegion } from "./azureSpec";

export const EXISTING_SUBNETS_KEY = "cmk-preview:existingSubnets";

const SUBNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/** The declared subnets (lowercase id → lowercase region), or the problems with the key. */
export function parseExistingSubnets(raw: string | undefined): {
  subnets: Map<string, string> | undefined;
  problems: string[];
} {
  if (raw === undefined) return { subnets: undefined, problems: [] };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      subnets: undefined,
      problems: [
        `${EXISTING_SUBNETS_KEY} must be a map { <subnet resource id>: <region> }; got ${JSON.stringify(value)}`,
      ],
    };
  }
  const subnets = new Map<string, string>();
  const problems: string[] = [];
  for (const [id, region] of Object.entries(value as Record<string, unknown>)) {
    if (!SUBNET_ID.test(id)) {
      problems.push(
        `${EXISTING_SUBNETS_KEY}: ${JSON.stringify(id)} is not a subnet resource id (/subscriptions/…/virtualNetworks/<vnet>/subnets/<subnet>)`,
      );
    } else if (typeof region !== "string" || !isArmRegion(region)) {
      problems.push(
        `${EXISTING_SUBNETS_KEY}.${id} must be the region of the subnet's virtual network (e.g. westeurope); got ${JSON.stringify(region)}`,
      );
    } else subnets.set(id.toLowerCase(), region.toLowerCase().replace(/\s+/g, ""));
  }
  return { subnets, problems };
}
