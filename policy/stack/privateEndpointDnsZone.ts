import { type StackValidationPolicy } from "@pulumi/policy";
import { GUARDRAIL_URLS, GuardrailIndex, dnsZonesFor, groupIdsOf, nameOf } from "../lib/guardrails";
import { arr, lastSegment, obj } from "../lib/text";

/**
 * Guardrail (stack; advisory, mandatory in staging and prod): each private DNS zone group puts its endpoint's record in
 * the zone of the endpoint's group id (`vault` → privatelink.vaultcore.azure.net, `blob` and `blob_secondary` →
 * privatelink.blob.core.windows.net, …). ARM accepts any zone; with the wrong one the name keeps resolving to the
 * public endpoint, and a private-only resource becomes unreachable.
 */
export const privateEndpointDnsZone: StackValidationPolicy = {
  name: "private-endpoint-dns-zone",
  description:
    "Private DNS zone groups should use the zone of their endpoint's private-link group.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    "Point privateDnsZoneConfigs[].privateDnsZoneId at the zone of the endpoint's group id (learn.microsoft.com private-endpoint-dns): privatelink.vaultcore.azure.net for a vault, privatelink.<service>.core.windows.net for a storage service.",
  url: GUARDRAIL_URLS.privateDns,
  validateStack: (args, reportViolation) => {
    const index = new GuardrailIndex(args.resources);
    for (const group of index.zoneGroups) {
      const endpoint = index.endpointOf(group);
      if (endpoint === undefined) continue;
      const groupIds = groupIdsOf(endpoint);
      if (groupIds.length === 0) continue;
      const expected = [...new Set(groupIds.flatMap(dnsZonesFor))];
      for (const config of arr(group.props?.["privateDnsZoneConfigs"]).map(obj)) {
        const zone = lastSegment(config?.["privateDnsZoneId"]);
        if (zone === undefined || expected.includes(zone)) continue;
        reportViolation(
          `DNS zone group ${JSON.stringify(group.name)} of private endpoint ${JSON.stringify(nameOf(endpoint))} (group ${groupIds.join(", ")}) uses zone ${JSON.stringify(zone)}; the group's zone is ${expected[0]}. Names keep resolving to the public endpoint, so clients miss the private endpoint.`,
          group.urn,
        );
      }
    }
  },
};
