import { closest, distance } from "fastest-levenshtein";

/**
 * Azure region names (the `name` column of `az account list-locations`, i.e. ARM's `location`), public cloud plus
 * Azure Government and Azure China. Sources: learn.microsoft.com/azure/reliability/regions-list and
 * learn.microsoft.com/azure/azure-government/documentation-government-developer-guide (US Gov), /azure/china/resources-developer-guide
 * (China), as listed in November 2026. Logical-only and staging locations (e.g. `eastus2euap`) are included because
 * ARM accepts them for early-access subscriptions. A region added later needs an entry here (or `allowUnknownRegion`).
 */
export const AZURE_REGIONS: readonly string[] = [
  // Americas
  "eastus",
  "eastus2",
  "centralus",
  "northcentralus",
  "southcentralus",
  "westcentralus",
  "westus",
  "westus2",
  "westus3",
  "canadacentral",
  "canadaeast",
  "brazilsouth",
  "brazilsoutheast",
  "mexicocentral",
  "chilecentral",
  // Europe
  "northeurope",
  "westeurope",
  "uksouth",
  "ukwest",
  "francecentral",
  "francesouth",
  "germanywestcentral",
  "germanynorth",
  "switzerlandnorth",
  "switzerlandwest",
  "norwayeast",
  "norwaywest",
  "swedencentral",
  "swedensouth",
  "polandcentral",
  "italynorth",
  "spaincentral",
  "austriaeast",
  "belgiumcentral",
  "denmarkeast",
  // Asia Pacific
  "eastasia",
  "southeastasia",
  "japaneast",
  "japanwest",
  "koreacentral",
  "koreasouth",
  "centralindia",
  "southindia",
  "westindia",
  "jioindiacentral",
  "jioindiawest",
  "australiaeast",
  "australiasoutheast",
  "australiacentral",
  "australiacentral2",
  "newzealandnorth",
  "indonesiacentral",
  "malaysiawest",
  // Middle East and Africa
  "uaenorth",
  "uaecentral",
  "qatarcentral",
  "israelcentral",
  "southafricanorth",
  "southafricawest",
  "saudiarabiacentral",
  // Early access (EUAP)
  "eastus2euap",
  "centraluseuap",
  // Azure Government
  "usgovvirginia",
  "usgovarizona",
  "usgovtexas",
  "usdodcentral",
  "usdodeast",
  // Azure China (21Vianet)
  "chinaeast",
  "chinaeast2",
  "chinaeast3",
  "chinanorth",
  "chinanorth2",
  "chinanorth3",
];

const KNOWN = new Set(AZURE_REGIONS);

/** ARM's form of a region: "West Europe" → "westeurope". */
export function normaliseRegion(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}

/** Why `location` is not an Azure region name, with the closest known name suggested, or undefined. */
export function regionProblem(location: unknown): string | undefined {
  if (typeof location !== "string") {
    return `must be an Azure region name such as "westeurope", got ${JSON.stringify(location) ?? String(location)}`;
  }
  const region = normaliseRegion(location);
  if (KNOWN.has(region)) return undefined;
  const suggestion = closest(region, AZURE_REGIONS);
  const hint =
    distance(region, suggestion) <= Math.max(2, Math.floor(region.length / 4))
      ? `; did you mean "${suggestion}"?`
      : "";
  return `must be an Azure region name such as "westeurope" (one of the ${AZURE_REGIONS.length} regions in components/azureRegions.ts), got ${JSON.stringify(location)}${hint}`;
}
