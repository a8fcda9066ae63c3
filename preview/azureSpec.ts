/**
 * The simulated Azure's own rule tables, written from ARM specifications and Azure documentation. Nothing here is
 * imported from components/ (or stacks/): a wrong rule in the components must not be accepted by the simulation too.
 * Every table and every entry names its source; docs/offline-preview.md lists them.
 */

import {
  GENERATED_TYPES,
  type GeneratedCreateOnly,
  type GeneratedType,
} from "./generated/createOnly";

/** A source citation: where the behaviour is documented. */
export type Source = string;

export const SPEC_SOURCES = {
  regions:
    "ARM Locations API (`az account list-locations --query [].name`), learn.microsoft.com/azure/reliability/regions-list; Azure Government: learn.microsoft.com/azure/azure-government/documentation-government-developer-guide; Azure China: learn.microsoft.com/azure/china/resources-developer-guide (read November 2026)",
  locationError:
    "learn.microsoft.com azure-resource-manager/troubleshooting/error-sku-not-available and common-deployment-errors (LocationNotAvailableForResourceType: \"The provided location '…' is not available for resource type '…'. List of available regions …\")",
  vaultName:
    "learn.microsoft.com azure-resource-manager/management/resource-name-rules#microsoftkeyvault (vaults: 3-24, alphanumerics and hyphens, start with a letter, end with a letter or digit, no consecutive hyphens); Key Vault common error codes: VaultNameNotValid (MicrosoftDocs/azure-docs#92981)",
  keyName:
    "Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keys.json (keyName path parameter pattern ^[a-zA-Z0-9-]{1,127}$); common-deployment-errors (InvalidResourceName)",
  accountName:
    "learn.microsoft.com azure-resource-manager/management/resource-name-rules#microsoftstorage (storageAccounts: 3-24, lowercase letters and numbers); Azure/azure-rest-api-specs storage.json accountName (minLength 3, maxLength 24, ^[a-z0-9]+$); AccountNameInvalid (Azure/AzureMonitorStarterPacks#171)",
  rotation:
    'Azure/azure-rest-api-specs keys.json 2024-11-01 (RotationPolicy, LifetimeAction, Trigger: timeAfterCreate / timeBeforeExpiry ISO-8601, action type rotate | notify); learn.microsoft.com key-vault/keys/how-to-configure-key-rotation ("minimum 7 days from creation", "minimum 7 days before expiry", expiry "minimum 28 days"; notify only with timeBeforeExpiry)',
  keySize:
    "learn.microsoft.com key-vault/keys/about-keys (RSA 2048, 3072, 4096); learn.microsoft.com storage/common/customer-managed-keys-overview (RSA and RSA-HSM keys of sizes 2048, 3072 and 4096)",
  roleAssignmentPrincipalType:
    'learn.microsoft.com role-based-access-control/role-assignments-template#new-service-principal (set principalType to ServicePrincipal for a new managed identity, else PrincipalNotFound during replication); learn.microsoft.com role-based-access-control/troubleshooting (PrincipalNotFound); azure-native RoleAssignment principalType default "User"',
  rbacPropagation:
    "learn.microsoft.com role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected (changes can take up to 10 minutes); Azure/bicep#16601, Azure/bicep-types-az#2452 (KeyVaultAuthenticationFailure right after the role assignment, success on retry)",
} as const satisfies Record<string, Source>;

/**
 * Azure region names as ARM's `location` takes them (the `name` of `az account list-locations`), public cloud, Azure
 * Government and Azure China, plus the two early-access (EUAP) regions ARM accepts for enrolled subscriptions.
 */
export const ARM_REGIONS: readonly string[] = [
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
  "uaenorth",
  "uaecentral",
  "qatarcentral",
  "israelcentral",
  "southafricanorth",
  "southafricawest",
  "saudiarabiacentral",
  "eastus2euap",
  "centraluseuap",
  "usgovvirginia",
  "usgovarizona",
  "usgovtexas",
  "usdodcentral",
  "usdodeast",
  "chinaeast",
  "chinaeast2",
  "chinaeast3",
  "chinanorth",
  "chinanorth2",
  "chinanorth3",
];

const REGION_SET = new Set(ARM_REGIONS);

/** ARM normalises display names: "West Europe" and "westeurope" are the same location. */
export function normalisedLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}

export function isArmRegion(location: string): boolean {
  return REGION_SET.has(normalisedLocation(location));
}

/** Levenshtein distance (small strings; two rows). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The closest region name, when it is close enough to be a likely typo. */
export function closestRegion(location: string): string | undefined {
  const loc = normalisedLocation(location);
  let best: string | undefined;
  let bestD = Infinity;
  for (const r of ARM_REGIONS) {
    const d = editDistance(loc, r);
    if (d < bestD) {
      best = r;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(loc.length / 4)) ? best : undefined;
}

/** One naming rule: what ARM accepts for a resource type's name, with its source. */
export interface NameRule {
  armType: string;
  test(name: string): boolean;
  text: string;
  source: Source;
}

export const NAME_RULES = {
  vault: {
    armType: "Microsoft.KeyVault/vaults",
    test: (n: string) => /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(n) && !n.includes("--"),
    text: "3-24 characters: letters, digits and hyphens, starting with a letter, ending with a letter or digit, no consecutive hyphens",
    source: SPEC_SOURCES.vaultName,
  },
  key: {
    armType: "Microsoft.KeyVault/vaults/keys",
    test: (n: string) => /^[a-zA-Z0-9-]{1,127}$/.test(n),
    text: "1-127 characters: letters, digits and hyphens",
    source: SPEC_SOURCES.keyName,
  },
  storageAccount: {
    armType: "Microsoft.Storage/storageAccounts",
    test: (n: string) => /^[a-z0-9]{3,24}$/.test(n),
    text: "3-24 characters: lowercase letters and digits only",
    source: SPEC_SOURCES.accountName,
  },
} as const satisfies Record<string, NameRule>;

/** RSA key sizes Key Vault accepts. */
export const RSA_KEY_SIZES: readonly number[] = [2048, 3072, 4096];

/** Rotation-policy limits (days). */
export const ROTATION = {
  minAfterCreateDays: 7,
  minBeforeExpiryDays: 7,
  minExpiryDays: 28,
  actions: ["rotate", "notify"],
} as const;

/**
 * Days in an ISO-8601 duration as Key Vault reads rotation triggers (PnYnMnD, PnW; a year counts 365 days, a month
 * 30), or undefined when it is not such a duration. Time parts (PT…) are not accepted by Key Vault rotation policies.
 */
export function durationDays(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const w = /^P(\d+)W$/.exec(text);
  if (w) return Number(w[1]) * 7;
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(text);
  if (!m || text === "P") return undefined;
  return Number(m[1] ?? 0) * 365 + Number(m[2] ?? 0) * 30 + Number(m[3] ?? 0);
}

/** Problems of a rotation policy, each as an ARM property path and the rule it breaks. */
export function rotationPolicyErrors(policy: any): { path: string; reason: string }[] {
  const out: { path: string; reason: string }[] = [];
  const expiry = policy?.attributes?.expiryTime;
  const expiryDays = expiry === undefined ? undefined : durationDays(expiry);
  if (expiry !== undefined && expiryDays === undefined) {
    out.push({
      path: "attributes.expiryTime",
      reason: `is not an ISO-8601 duration: ${JSON.stringify(expiry)}`,
    });
  } else if (expiryDays !== undefined && expiryDays < ROTATION.minExpiryDays) {
    out.push({ path: "attributes.expiryTime", reason: `must be at least P28D, got ${expiry}` });
  }
  const actions: any[] = Array.isArray(policy?.lifetimeActions) ? policy.lifetimeActions : [];
  actions.forEach((a, i) => {
    const at = `lifetimeActions[${i}]`;
    const type = a?.action?.type;
    if (!(ROTATION.actions as readonly string[]).includes(type)) {
      out.push({
        path: `${at}.action.type`,
        reason: `must be "rotate" or "notify", got ${JSON.stringify(type)}`,
      });
    }
    const after = a?.trigger?.timeAfterCreate;
    const before = a?.trigger?.timeBeforeExpiry;
    if (type === "notify" && after !== undefined) {
      out.push({
        path: `${at}.trigger.timeAfterCreate`,
        reason: "is not allowed: a notify action takes only timeBeforeExpiry",
      });
    }
    if (after !== undefined) {
      const d = durationDays(after);
      if (d === undefined) {
        out.push({
          path: `${at}.trigger.timeAfterCreate`,
          reason: `is not an ISO-8601 duration: ${JSON.stringify(after)}`,
        });
      } else if (d < ROTATION.minAfterCreateDays) {
        out.push({
          path: `${at}.trigger.timeAfterCreate`,
          reason: `must be at least P7D, got ${after}`,
        });
      } else if (expiryDays !== undefined && expiryDays - d < ROTATION.minBeforeExpiryDays) {
        out.push({
          path: `${at}.trigger.timeAfterCreate`,
          reason: `must be at least 7 days shorter than the expiry ${expiry}, got ${after}`,
        });
      }
    }
    if (before !== undefined) {
      const d = durationDays(before);
      if (d === undefined) {
        out.push({
          path: `${at}.trigger.timeBeforeExpiry`,
          reason: `is not an ISO-8601 duration: ${JSON.stringify(before)}`,
        });
      } else if (d < ROTATION.minBeforeExpiryDays) {
        out.push({
          path: `${at}.trigger.timeBeforeExpiry`,
          reason: `must be at least P7D, got ${before}`,
        });
      }
    }
  });
  return out;
}

/** A create-only property: changing it makes the provider delete and re-create the resource (or ARM refuse). */
export interface CreateOnlyProperty {
  /** Input path (dots; `properties.kty`). */
  path: string;
  source: Source;
}

const AZURE_NATIVE_FORCE_NEW =
  "pulumi/pulumi-azure-native provider/pkg/provider (replacement: the resource's ARM path parameters, `location`, and properties the REST spec marks x-ms-mutability [create, read] force a replacement)";

/** The source text of one generated entry: the spec file, API version and definition that make it create-only. */
function generatedSource(t: GeneratedType, c: GeneratedCreateOnly): Source {
  const at = `Azure/azure-rest-api-specs ${t.spec} (${t.apiVersion}${t.commit ? `, ${t.commit.slice(0, 12)}` : ""})`;
  switch (c.reason) {
    case "path-parameter":
      return `${at}: a path parameter of the ${t.armType} resource id; ${AZURE_NATIVE_FORCE_NEW}`;
    case "x-ms-mutability":
      return `${at}: ${c.definition} x-ms-mutability [${(c.mutability ?? []).join(", ")}] (no update)`;
    case "absent-from-patch":
      return `${at}: ${c.definition} is in the create body but not in the update body ${c.patch}`;
    case "create-if-not-exist":
      return `${at}: ${c.operationId} ("${t.createIfNotExistQuote ?? ""}")`;
  }
}

/**
 * Create-only properties the REST specifications do not state (or that the part of them the generator reads does not hold), each
 * with its documentation source. Merged after the generated ones (`preview/generated/createOnly.ts`); an entry the
 * generated table already has only adds its documentation (the way to move a vault or an account) to the source.
 */
const HAND_CREATE_ONLY: Readonly<Record<string, readonly CreateOnlyProperty[]>> = {
  "azure-native:resources:ResourceGroup": [
    {
      path: "location",
      source: `${AZURE_NATIVE_FORCE_NEW}; learn.microsoft.com azure-resource-manager/management/move-resource-group-and-subscription (a resource group's location cannot change)`,
    },
  ],
  "azure-native:keyvault:Vault": [
    {
      path: "location",
      source: `${AZURE_NATIVE_FORCE_NEW}; learn.microsoft.com key-vault/general/move-region (a vault cannot be moved to another region)`,
    },
  ],
  "azure-native:keyvault:AccessPolicy": [
    {
      path: "policy.objectId",
      source:
        "pulumi/pulumi-azure-native custom_keyvault_accesspolicy.go (object id identifies the entry)",
    },
    {
      path: "policy.tenantId",
      source: "pulumi/pulumi-azure-native custom_keyvault_accesspolicy.go",
    },
  ],
  "azure-native:storage:StorageAccount": [
    {
      path: "location",
      source: `${AZURE_NATIVE_FORCE_NEW}; learn.microsoft.com storage/common/storage-account-move (moving a storage account to another region means a new account and a data copy)`,
    },
    {
      path: "encryption.requireInfrastructureEncryption",
      source:
        'learn.microsoft.com storage/common/infrastructure-encryption-enable ("Infrastructure encryption can be enabled only when the storage account is created")',
    },
    {
      path: "isHnsEnabled",
      source:
        "learn.microsoft.com storage/blobs/upgrade-to-data-lake-storage-gen2 (hierarchical namespace cannot be turned off; turning it on is a migration, not an update)",
    },
  ],
  "azure-native:storage:EncryptionScope": [
    {
      path: "requireInfrastructureEncryption",
      source:
        "learn.microsoft.com storage/common/infrastructure-encryption-enable (infrastructure encryption for an encryption scope is chosen when the scope is created)",
    },
  ],
  "azure-native:network:PrivateEndpoint": [{ path: "location", source: AZURE_NATIVE_FORCE_NEW }],
  "azure-native:authorization:RoleAssignment": [
    {
      path: "principalId",
      source:
        "learn.microsoft.com role-based-access-control/troubleshooting (RoleAssignmentUpdateNotPermitted)",
    },
    {
      path: "roleDefinitionId",
      source:
        "learn.microsoft.com role-based-access-control/troubleshooting (RoleAssignmentUpdateNotPermitted)",
    },
    {
      path: "principalType",
      source:
        "learn.microsoft.com role-based-access-control/troubleshooting (RoleAssignmentUpdateNotPermitted)",
    },
  ],
  "random:index/randomString:RandomString": [
    {
      path: "length",
      source:
        "registry.terraform.io/providers/hashicorp/random/latest/docs/resources/string (every argument forces a new value)",
    },
    {
      path: "special",
      source: "registry.terraform.io hashicorp/random random_string (forces replacement)",
    },
    {
      path: "upper",
      source: "registry.terraform.io hashicorp/random random_string (forces replacement)",
    },
    {
      path: "lower",
      source: "registry.terraform.io hashicorp/random random_string (forces replacement)",
    },
    {
      path: "numeric",
      source: "registry.terraform.io hashicorp/random random_string (forces replacement)",
    },
    {
      path: "keepers",
      source:
        'registry.terraform.io hashicorp/random random_string ("keepers: Arbitrary map of values that, when changed, will trigger recreation of resource")',
    },
  ],
  "time:index/sleep:Sleep": [
    {
      path: "createDuration",
      source:
        "registry.terraform.io/providers/hashicorp/time/latest/docs/resources/sleep (create_duration forces a new resource)",
    },
    {
      path: "triggers",
      source:
        'registry.terraform.io hashicorp/time time_sleep ("triggers: Arbitrary map of values that, when changed, will run any creation or destroy delays again")',
    },
  ],
};

/**
 * Create-only properties per resource type: the generated table (from the REST specifications) first, then the hand
 * list for what the specifications do not say. The diff marks a resource `replace` when one of these changes.
 */
export const CREATE_ONLY: Readonly<Record<string, readonly CreateOnlyProperty[]>> = (() => {
  const out: Record<string, CreateOnlyProperty[]> = {};
  for (const [token, t] of Object.entries(GENERATED_TYPES)) {
    out[token] = t.createOnly.map((c) => ({ path: c.path, source: generatedSource(t, c) }));
  }
  for (const [token, list] of Object.entries(HAND_CREATE_ONLY)) {
    const have = (out[token] ??= []);
    for (const c of list) {
      const i = have.findIndex((h) => h.path === c.path);
      if (i >= 0) have[i] = { path: c.path, source: `${have[i].source}; ${c.source}` };
      else have.push(c);
    }
  }
  return out;
})();
