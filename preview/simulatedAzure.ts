/**
 * The simulated Azure Resource Manager of the offline preview: answers like ARM (see `armState.ts`) and rejects what
 * ARM rejects, with ARM's error code and a message that names the fix. Every rule is a pure function of the pending
 * registration (type, name, inputs, dependencies) and of what the simulated Azure has already created, so each one is
 * unit-testable without running Pulumi. docs/offline-preview.md has the table of rules with their sources.
 *
 * Independence: the rules come from the simulation's own tables (`azureSpec.ts`, written from ARM specifications and
 * Azure documentation), never from components/ validators, and their messages speak ARM (property paths, error
 * codes). The renderer adds the hint that maps an error to stack config keys (`stackHints.ts`).
 *
 * State is indexed (`AzureIndex`: maps by type, name, id and principal, parent → children), built incrementally from
 * `state.created`, so each rule is O(1) or O(k) in the resources it looks at: a 1,000-account fleet stays linear.
 * Names of accepted registrations count as taken at once ("in flight"), before the provider answers.
 */
import {
  closestRegion,
  isArmRegion,
  NAME_RULES,
  RSA_KEY_SIZES,
  rotationPolicyErrors,
  SPEC_SOURCES,
  type NameRule,
} from "./azureSpec";
import { physicalName } from "./armState";
import type { RecordedResource } from "./recorder";
import { ArmError, T, type ArmRule, type AzureState, type PendingResource } from "./armTypes";
import { RULE_FAMILIES } from "./rules";
import { lc } from "./text";

export { ArmError, T, type ArmRule, type AzureState, type PendingResource } from "./armTypes";

const trimSlash = (s: string): string => s.replace(/\/+$/, "");

function nameOf(p: { type: string; name: string; inputs: Record<string, any> }): string {
  return physicalName(p.type, p.name, p.inputs);
}

/** The vault name in a Key Vault URI (`https://<name>.vault.azure.net/`), lowercased. */
export function vaultNameFromKeyVaultUri(uri: string): string | undefined {
  const m =
    /^https:\/\/([^./]+)\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)(\/|$)/i.exec(
      uri,
    );
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * The HSM name in a Managed HSM URI (`https://<name>.managedhsm.azure.net/`, Azure China `.azure.cn`, Azure Government
 * `.usgovcloudapi.net`), lowercased. A storage account's `keyVaultUri` takes either kind of URI
 * (learn.microsoft.com storage/common/customer-managed-keys-configure-new-account, "key vault or managed HSM").
 */
export function managedHsmNameFromUri(uri: string): string | undefined {
  const m =
    /^https:\/\/([^./]+)\.managedhsm\.(azure\.net|azure\.cn|usgovcloudapi\.net)(\/|$)/i.exec(uri);
  return m ? m[1].toLowerCase() : undefined;
}

/** The CMK wiring of a storage account request, or undefined when it does not use a customer-managed key. */
export function cmkOf(p: PendingResource):
  | {
      keyName?: string;
      keyVaultUri?: string;
      keyVersion?: string;
      /** The vault of a Key Vault URI. */
      vaultName?: string;
      /** The HSM of a Managed HSM URI (then `vaultName` is undefined). */
      hsmName?: string;
    }
  | undefined {
  const enc = p.inputs.encryption;
  if (p.type !== T.account || !enc || lc(enc.keySource) !== "microsoft.keyvault") return undefined;
  const kvp = enc.keyVaultProperties ?? {};
  const uri = typeof kvp.keyVaultUri === "string" ? kvp.keyVaultUri : undefined;
  return {
    keyName: kvp.keyName,
    keyVaultUri: uri,
    keyVersion: kvp.keyVersion,
    vaultName: uri ? vaultNameFromKeyVaultUri(uri) : undefined,
    hsmName: uri ? managedHsmNameFromUri(uri) : undefined,
  };
}

/**
 * The chain an account's CMK rules look at: the key's vault in the stack, the key name, and the encryption identity in
 * the stack (its principal id from ARM's answer). Undefined when any part is missing or outside the stack (what
 * cannot be verified offline; other rules report missing parts).
 */
function cmkChain(
  p: PendingResource,
  s: AzureState,
):
  | {
      idx: AzureIndex;
      vault: RecordedResource;
      keyName: string;
      vaultName: string;
      identity: RecordedResource;
      principal: string;
    }
  | undefined {
  const cmk = cmkOf(p);
  const idx = indexOf(s);
  const vault = cmk?.vaultName ? idx.vault(cmk.vaultName) : undefined;
  const encId: unknown = p.inputs.encryption?.encryptionIdentity?.encryptionUserAssignedIdentity;
  if (!vault || !cmk?.keyName || !cmk.vaultName || !encId) return undefined;
  const identity = idx.identitiesById.get(lc(encId));
  if (!identity) return undefined;
  return {
    idx,
    vault,
    keyName: cmk.keyName,
    vaultName: cmk.vaultName,
    identity,
    principal: String(identity.outputs.principalId ?? ""),
  };
}

type Deps = { dependencies: string[]; propertyDependencies: Record<string, string[]> };

/**
 * Indexes over what the simulated Azure holds: created resources (synced incrementally from `state.created`) and the
 * names of accepted registrations still in flight. Every lookup a rule makes is a map access.
 */
export class AzureIndex {
  private synced = 0;
  readonly byUrn = new Map<string, RecordedResource>();
  readonly byType = new Map<string, RecordedResource[]>();
  /** Parent URN → child URNs. */
  readonly children = new Map<string, string[]>();
  /** Lowercase vault name → vault. */
  readonly vaults = new Map<string, RecordedResource>();
  /** `vault/key` (lowercase) → key. */
  readonly keys = new Map<string, RecordedResource>();
  /** Lowercase ARM id → user-assigned identity. */
  readonly identitiesById = new Map<string, RecordedResource>();
  /** Lowercase principal id → user-assigned identity. */
  readonly identitiesByPrincipal = new Map<string, RecordedResource>();
  /** `vault|principal` (lowercase) → access policies. */
  readonly accessPolicies = new Map<string, RecordedResource[]>();
  /** Lowercase principal id → role assignments. */
  readonly roleAssignments = new Map<string, RecordedResource[]>();
  /** Lowercase HSM name → Managed HSM. */
  readonly managedHsms = new Map<string, RecordedResource>();
  /** `hsm/key` (lowercase) → key in a Managed HSM. */
  readonly hsmKeys = new Map<string, RecordedResource>();
  /** Lowercase principal id → Managed HSM local role assignments. */
  readonly hsmRoleAssignments = new Map<string, RecordedResource[]>();
  /** Globally unique names taken (created or in flight): `<type>|<lowercase name>` → URN of the holder. */
  readonly names = new Map<string, string>();

  sync(created: readonly RecordedResource[]): this {
    if (created.length < this.synced) this.synced = 0; // the list was reset (a new run)
    for (; this.synced < created.length; this.synced++) this.add(created[this.synced]);
    return this;
  }

  /** URNs of resources other stacks created (`state.referenced`), indexed like created ones. */
  readonly referenced = new Set<string>();

  /** Indexes the resources of other stacks (once, before this stack's own). */
  addReferenced(list: readonly RecordedResource[]): this {
    for (const r of list) {
      this.referenced.add(r.urn);
      this.add(r);
    }
    return this;
  }

  private push<K>(map: Map<K, RecordedResource[]>, key: K, r: RecordedResource): void {
    const list = map.get(key);
    if (list) list.push(r);
    else map.set(key, [r]);
  }

  private add(r: RecordedResource): void {
    this.byUrn.set(r.urn, r);
    this.push(this.byType, r.type, r);
    if (r.parent) {
      const list = this.children.get(r.parent);
      if (list) list.push(r.urn);
      else this.children.set(r.parent, [r.urn]);
    }
    const name = lc(r.outputs.name ?? nameOf(r));
    switch (r.type) {
      case T.vault:
        this.vaults.set(name, r);
        break;
      case T.key:
        this.keys.set(`${lc(r.inputs.vaultName)}/${name}`, r);
        break;
      case T.identity:
        if (r.id) this.identitiesById.set(lc(r.id), r);
        if (r.outputs.principalId) this.identitiesByPrincipal.set(lc(r.outputs.principalId), r);
        break;
      case T.accessPolicy:
        this.push(
          this.accessPolicies,
          `${lc(r.inputs.vaultName)}|${lc(r.inputs.policy?.objectId)}`,
          r,
        );
        break;
      case T.roleAssignment:
        this.push(this.roleAssignments, lc(r.inputs.principalId), r);
        break;
      case T.managedHsm:
        this.managedHsms.set(name, r);
        break;
      case T.hsmKey:
        this.hsmKeys.set(`${hsmNameOfId(r.inputs.managedHsmId)}/${name}`, r);
        break;
      case T.hsmRoleAssignment:
        this.push(this.hsmRoleAssignments, lc(r.inputs.principalId), r);
        break;
    }
    if (r.type === T.vault || r.type === T.account) this.names.set(`${r.type}|${name}`, r.urn);
  }

  /** The holder of a globally unique name (created or in flight), if another resource holds it. */
  nameHolder(type: string, name: string, urn: string): string | undefined {
    const holder = this.names.get(`${type}|${lc(name)}`);
    return holder !== undefined && holder !== urn ? holder : undefined;
  }

  /** Marks an accepted registration's name as taken before the provider answers. */
  reserve(p: PendingResource): void {
    if (p.type === T.vault || p.type === T.account) {
      const key = `${p.type}|${lc(nameOf(p))}`;
      if (!this.names.has(key)) this.names.set(key, p.urn);
    }
  }

  vault(name: string): RecordedResource | undefined {
    return this.vaults.get(lc(name));
  }

  key(vaultName: string, keyName: string): RecordedResource | undefined {
    return this.keys.get(`${lc(vaultName)}/${lc(keyName)}`);
  }

  /** Direct dependencies of a resource; a dependency on a component stands for all of its children. */
  private next(r: Deps): string[] {
    return [...r.dependencies, ...Object.values(r.propertyDependencies).flat()];
  }

  /** Every URN reachable from `from` through dependencies (a component brings its children). */
  reachable(from: Deps): Set<string> {
    const seen = new Set<string>();
    const stack = this.next(from);
    while (stack.length > 0) {
      const urn = stack.pop()!;
      if (seen.has(urn)) continue;
      seen.add(urn);
      const r = this.byUrn.get(urn);
      if (r) stack.push(...this.next(r));
      for (const child of this.children.get(urn) ?? []) if (!seen.has(child)) stack.push(child);
    }
    return seen;
  }
}

/** The lowercase HSM name of a Managed HSM ARM id (`…/managedHSMs/<name>`), or "" when it is not one. */
export function hsmNameOfId(id: unknown): string {
  return lc(/\/managedHSMs\/([^/]+)\/?$/i.exec(typeof id === "string" ? id : "")?.[1] ?? "");
}

const indexes = new WeakMap<object, AzureIndex>();

/** The index of a state (built once per state object, then kept in sync with `state.created`). */
export function indexOf(state: AzureState): AzureIndex {
  let idx = indexes.get(state);
  if (!idx) {
    idx = new AzureIndex();
    idx.addReferenced(state.referenced ?? []);
    indexes.set(state, idx);
  }
  return idx.sync(state.created);
}

/** True when `from` reaches `to` through the dependency graph of created resources (dependencies and property deps). */
export function dependsOnTransitively(from: Deps, to: string, state: AzureState): boolean {
  return indexOf(state).reachable(from).has(to);
}

/**
 * Built-in role definition GUIDs whose data actions include keys read + wrapKey + unwrapKey (learn.microsoft.com
 * role-based-access-control/built-in-roles/security: Key Vault Crypto Service Encryption User, Key Vault Crypto User,
 * Key Vault Crypto Officer, Key Vault Administrator).
 */
export const KEY_USE_ROLE_IDS: Readonly<Record<string, string>> = {
  "e147488a-f6f5-4113-8e2d-b22465e65bf6": "Key Vault Crypto Service Encryption User",
  "12338af0-0e69-4776-bea7-57ae8d297424": "Key Vault Crypto User",
  "14b46e9e-c2b7-41b4-b07b-48a6ebf60603": "Key Vault Crypto Officer",
  "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
};
/** Key permissions Azure Storage needs on a customer-managed key (learn.microsoft.com storage/common/customer-managed-keys-configure-existing-account). */
const NEEDED_KEY_PERMISSIONS = ["get", "wrapkey", "unwrapkey"];

/** A grant that lets `principalId` use key `keyName` in `vault`, and how it was found. */
export interface FoundGrant {
  kind: "accessPolicy" | "inlineAccessPolicy" | "roleAssignment";
  urn: string;
  detail: string;
}

/** Finds every created grant for the principal on the vault/key that matches the vault's permission model. */
export function grantsFor(
  vault: RecordedResource,
  keyName: string,
  principalId: string,
  state: AzureState,
): FoundGrant[] {
  const idx = indexOf(state);
  const rbac = vault.inputs.properties?.enableRbacAuthorization === true;
  const vaultName = lc(vault.outputs.name ?? nameOf(vault));
  const vaultId = lc(vault.id);
  const found: FoundGrant[] = [];
  const hasPerms = (perms: unknown): boolean => {
    const keys = Array.isArray(perms) ? perms.map(lc) : [];
    return keys.includes("all") || NEEDED_KEY_PERMISSIONS.every((k) => keys.includes(k));
  };
  if (!rbac) {
    for (const entry of vault.inputs.properties?.accessPolicies ?? []) {
      if (lc(entry.objectId) === lc(principalId) && hasPerms(entry.permissions?.keys)) {
        found.push({
          kind: "inlineAccessPolicy",
          urn: vault.urn,
          detail: "inline access policy on the vault",
        });
      }
    }
    for (const r of idx.accessPolicies.get(`${vaultName}|${lc(principalId)}`) ?? []) {
      const pol = r.inputs.policy ?? {};
      if (hasPerms(pol.permissions?.keys)) {
        found.push({
          kind: "accessPolicy",
          urn: r.urn,
          detail: `access policy keys ${(pol.permissions.keys as string[]).join(", ")}`,
        });
      }
    }
  } else {
    for (const r of idx.roleAssignments.get(lc(principalId)) ?? []) {
      const roleGuid = lc(
        String(r.inputs.roleDefinitionId ?? "")
          .split("/")
          .pop(),
      );
      const scope = trimSlash(lc(r.inputs.scope));
      const scopeOk =
        vaultId.startsWith(scope + "/") ||
        scope === vaultId ||
        scope === `${vaultId}/keys/${lc(keyName)}`;
      if (roleGuid in KEY_USE_ROLE_IDS && scopeOk) {
        found.push({
          kind: "roleAssignment",
          urn: r.urn,
          detail: `role ${KEY_USE_ROLE_IDS[roleGuid]} at ${scope === vaultId ? "vault" : scope.includes("/keys/") ? "key" : "parent"} scope`,
        });
      }
    }
  }
  return found;
}

/** Seconds of a propagation wait (time:Sleep `createDuration` like "60s", "2m", "1h"; the legacy wait's `seconds`). */
export function waitSeconds(r: RecordedResource): number {
  if (r.type === T.legacyWait) return Number(r.inputs.seconds ?? 0) || 0;
  const text = String(r.inputs.createDuration ?? "");
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) {
    matched = true;
    total += Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
  }
  return matched ? total : 0;
}

const SOURCES = {
  vaultTaken:
    "learn.microsoft.com key-vault/general/common-error-codes (VaultAlreadyExists); pulumi/pulumi-azure-native#2722",
  accountTaken:
    "https://github.com/OfficeDev/microsoft-teams-apps-timetally/issues/50 and hashicorp/terraform#11485 (StorageAccountAlreadyTaken, HTTP 409); learn.microsoft.com storage/common/storage-account-overview#storage-account-name (unique within Azure)",
  purge:
    'Azure/azure-rest-api-specs keyvault.json 2024-11-01 (enablePurgeProtection: "does not accept false"); Azure/ai-hub#241 (message)',
  retention:
    'Azure/azure-rest-api-specs keyvault.json 2024-11-01 (softDeleteRetentionInDays "accepts >=7 and <=90")',
  hsm: 'https://github.com/Azure/azure-sdk-for-net/issues/6551 ("Hardware key operation not allowed on standard vault"); learn.microsoft.com key-vault/keys/about-keys',
  keyOps:
    "MicrosoftDocs/azure-docs articles/storage/common/customer-managed-keys-configure-new-account.md (the key must allow wrapKey and unwrapKey); MicrosoftDocs/azure-docs#61015 (error text)",
  kvProps:
    "https://github.com/hashicorp/terraform-provider-azurerm/issues/658 (MissingKeyvaultProperties)",
  identity:
    "hashicorp/terraform-provider-azurerm#16374 (InvalidValuesForRequestParameters: properties.encryption.identity); MicrosoftDocs includes/storage-customer-managed-keys-key-vault-user-assigned-identity-include.md",
  grant:
    "Azure/bicep#16601, Azure/bicep-types-az#2452 (KeyVaultAuthenticationFailure on create, succeeds on retry); Azure/terraform-azurerm-avm-res-storage-storageaccount#391",
  firewall:
    'MicrosoftDocs/azure-docs articles/key-vault/general/overview-vnet-service-endpoints.md (trusted services); MicrosoftDocs/azure-docs#61015 ("Client address is not authorized and caller is not a trusted service")',
  recoverable:
    'https://github.com/Azure/azure-cli/issues/12346 (KeyVaultPolicyError: "Keyvault policy recoverable is not set"); learn.microsoft.com storage/common/customer-managed-keys-configure-new-account',
  unknownVault:
    'https://github.com/Azure/azure-service-operator/issues/4122 ("Missing pre-requisites to enable EncryptionAtRest/Customer Managed Key"); hashicorp/terraform-provider-azurerm#27735',
  parent: "learn.microsoft.com azure-resource-manager/troubleshooting/error-parent-resource",
} as const;

function nameRule(rule: NameRule, name: string, code: string): string | undefined {
  if (rule.test(name)) return undefined;
  return code === "AccountNameInvalid"
    ? `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only. Fix: change accountName (${rule.text}).`
    : `The resource name '${name}' for type '${rule.armType}' is invalid: ${rule.text}. Fix: change the name in the request path.`;
}

function locationRule(resourceType: string): (p: PendingResource) => string | undefined {
  return (p) => {
    const loc = p.inputs.location;
    if (typeof loc !== "string" || isArmRegion(loc)) return undefined;
    const near = closestRegion(loc);
    return `The provided location '${loc}' is not available for resource type '${resourceType}'. Fix: set location to an Azure region name${near ? ` (did you mean '${near}'?)` : ""}.`;
  };
}

/** The core rules (vault, key, identity, grants, storage CMK), in the order they are checked. */
const CORE_RULES: readonly ArmRule[] = [
  {
    id: "resource-group-location-unknown",
    code: "LocationNotAvailableForResourceGroup",
    types: [T.resourceGroup],
    title: "Resource group in a location that is not an Azure region",
    source: `${SPEC_SOURCES.regions}; ${SPEC_SOURCES.locationError}`,
    check: locationRule("Microsoft.Resources/resourceGroups"),
  },
  {
    id: "location-unknown",
    code: "LocationNotAvailableForResourceType",
    types: [T.vault, T.account, T.identity],
    title: "Vault, storage account or identity in a location that is not an Azure region",
    source: `${SPEC_SOURCES.regions}; ${SPEC_SOURCES.locationError}`,
    check(p) {
      const armType =
        {
          [T.vault]: "Microsoft.KeyVault/vaults",
          [T.account]: "Microsoft.Storage/storageAccounts",
          [T.identity]: "Microsoft.ManagedIdentity/userAssignedIdentities",
        }[p.type] ?? p.type;
      return locationRule(armType)(p);
    },
  },
  {
    id: "vault-name-invalid",
    code: "VaultNameNotValid",
    types: [T.vault],
    title: `Vault name: ${NAME_RULES.vault.text}`,
    source: NAME_RULES.vault.source,
    check(p) {
      const name = nameOf(p);
      return NAME_RULES.vault.test(name)
        ? undefined
        : `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens. Fix: change vaultName.`;
    },
  },
  {
    id: "vault-name-taken",
    code: "VaultAlreadyExists",
    types: [T.vault],
    title:
      "Two vaults with the same (globally unique) name, created or still in flight in the same run",
    source: SOURCES.vaultTaken,
    check(p, s) {
      const name = nameOf(p);
      const holder = indexOf(s).nameHolder(T.vault, name, p.urn);
      return holder || s.existingVaults.has(lc(name))
        ? `The vault name '${name}' is already in use${holder ? ` (by ${holder})` : ""}. Vault names are globally unique (and a soft-deleted vault keeps its name for the retention period). Fix: choose another vaultName.`
        : undefined;
    },
  },
  {
    id: "vault-purge-protection-false",
    code: "BadRequest",
    types: [T.vault],
    title: "enablePurgeProtection: false",
    source: SOURCES.purge,
    check(p) {
      return p.inputs.properties?.enablePurgeProtection === false
        ? `The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action. Fix: set properties.enablePurgeProtection to true (or leave it out).`
        : undefined;
    },
  },
  {
    id: "vault-soft-delete-retention",
    code: "BadRequest",
    types: [T.vault],
    title: "softDeleteRetentionInDays outside 7-90",
    source: SOURCES.retention,
    check(p) {
      const days = p.inputs.properties?.softDeleteRetentionInDays;
      if (days === undefined) return undefined;
      return typeof days !== "number" || !Number.isInteger(days) || days < 7 || days > 90
        ? `The property "softDeleteRetentionInDays" has an invalid value ${JSON.stringify(days)}: it accepts >=7 and <=90. Fix: set properties.softDeleteRetentionInDays between 7 and 90.`
        : undefined;
    },
  },
  {
    id: "key-name-invalid",
    code: "InvalidResourceName",
    types: [T.key],
    title: `Key name: ${NAME_RULES.key.text}`,
    source: NAME_RULES.key.source,
    check(p) {
      return nameRule(NAME_RULES.key, nameOf(p), "InvalidResourceName");
    },
  },
  {
    id: "key-vault-missing",
    code: "ParentResourceNotFound",
    types: [T.key],
    title: "Key in a vault that is neither in the stack nor declared as existing",
    source: SOURCES.parent,
    check(p, s) {
      const vault = String(p.inputs.vaultName ?? "");
      return indexOf(s).vault(vault) || s.existingVaults.has(lc(vault))
        ? undefined
        : `Can not perform requested operation on nested resource. Parent resource '${vault}' not found. Fix: create the vault first (the key must depend on it) or reference an existing vault in vaultName.`;
    },
  },
  {
    id: "key-hsm-standard-vault",
    code: "BadRequest",
    types: [T.key],
    title: "RSA-HSM / EC-HSM key in a standard vault",
    source: SOURCES.hsm,
    check(p, s) {
      const kty = String(p.inputs.properties?.kty ?? "");
      if (!/-HSM$/i.test(kty)) return undefined;
      const vault = indexOf(s).vault(String(p.inputs.vaultName ?? ""));
      const sku = lc(vault?.inputs.properties?.sku?.name);
      return vault && sku !== "premium"
        ? `Hardware key operation not allowed on standard vault: properties.kty ${kty} needs a premium vault, vault '${p.inputs.vaultName}' has properties.sku.name ${sku || "standard"}. Fix: create the key in a premium vault or use kty RSA.`
        : undefined;
    },
  },
  {
    id: "key-rsa-size",
    code: "BadRequest",
    types: [T.key],
    title: `RSA key size other than ${RSA_KEY_SIZES.join(", ")}`,
    source: SPEC_SOURCES.keySize,
    check(p) {
      const props = p.inputs.properties ?? {};
      if (!/^RSA/i.test(String(props.kty ?? "")) || props.keySize === undefined) return undefined;
      return RSA_KEY_SIZES.includes(props.keySize)
        ? undefined
        : `Unsupported key size ${JSON.stringify(props.keySize)} for ${props.kty}: properties.keySize must be one of ${RSA_KEY_SIZES.join(", ")}. Fix: set properties.keySize to 2048, 3072 or 4096.`;
    },
  },
  {
    id: "key-rotation-policy",
    code: "BadParameter",
    types: [T.key],
    title:
      "Rotation policy: rotate < 7 days after creation or < 7 days before expiry, expiry < P28D, notify with timeAfterCreate, action other than rotate/notify",
    source: SPEC_SOURCES.rotation,
    check(p) {
      const policy = p.inputs.properties?.rotationPolicy;
      if (!policy) return undefined;
      const problems = rotationPolicyErrors(policy);
      return problems.length === 0
        ? undefined
        : `Invalid key rotation policy: ${problems.map((x) => `properties.rotationPolicy.${x.path} ${x.reason}`).join("; ")}. Fix: change properties.rotationPolicy.`;
    },
  },
  {
    id: "storage-account-name-invalid",
    code: "AccountNameInvalid",
    types: [T.account],
    title: `Storage account name: ${NAME_RULES.storageAccount.text}`,
    source: NAME_RULES.storageAccount.source,
    check(p) {
      return nameRule(NAME_RULES.storageAccount, nameOf(p), "AccountNameInvalid");
    },
  },
  {
    id: "storage-account-name-taken",
    code: "StorageAccountAlreadyTaken",
    types: [T.account],
    title:
      "Two storage accounts with the same (globally unique) name, created or still in flight in the same run",
    source: SOURCES.accountTaken,
    check(p, s) {
      const name = nameOf(p);
      const holder = indexOf(s).nameHolder(T.account, name, p.urn);
      return holder
        ? `The storage account named ${name} is already taken (by ${holder}). Fix: give each account a distinct accountName.`
        : undefined;
    },
  },
  {
    id: "storage-cmk-key-properties",
    code: "MissingKeyvaultProperties",
    types: [T.account],
    title: "keySource Microsoft.Keyvault without keyName and keyVaultUri",
    source: SOURCES.kvProps,
    check(p) {
      const cmk = cmkOf(p);
      return cmk && (!cmk.keyName || !cmk.keyVaultUri)
        ? "The encryption keyvault properties are missing from the request. Fix: set properties.encryption.keyvaultproperties.keyname and keyvaulturi."
        : undefined;
    },
  },
  {
    id: "storage-cmk-identity",
    code: "InvalidValuesForRequestParameters",
    types: [T.account],
    title:
      "CMK at creation without a user-assigned identity, or an encryption identity that is not one of the account's identities",
    source: SOURCES.identity,
    check(p) {
      if (!cmkOf(p)) return undefined;
      const identityType = String(p.inputs.identity?.type ?? "None");
      const uais: string[] = (p.inputs.identity?.userAssignedIdentities ?? []).map(lc);
      const enc = p.inputs.encryption?.encryptionIdentity?.encryptionUserAssignedIdentity;
      if (!/UserAssigned/i.test(identityType) || uais.length === 0) {
        return `Values for request parameters are invalid: properties.encryption.identity. A new account encrypted with a customer-managed key needs a user-assigned identity (identity.type ${identityType}). Fix: set identity {type: UserAssigned, userAssignedIdentities: [<identity id>]}.`;
      }
      if (!enc) {
        return "Values for request parameters are invalid: properties.encryption.identity. Fix: set properties.encryption.identity.userAssignedIdentity to the account's user-assigned identity id.";
      }
      return uais.includes(lc(enc))
        ? undefined
        : `Values for request parameters are invalid: properties.encryption.identity. The encryption identity ${enc} is not one of the account's identities (${uais.join(", ")}). Fix: use the same identity id in identity.userAssignedIdentities and properties.encryption.identity.`;
    },
  },
  {
    id: "storage-cmk-vault-unknown",
    code: "KeyVaultNotFound",
    types: [T.account],
    title:
      "Key URI pointing at a vault (or key) that is neither in the stack nor declared as existing",
    source: SOURCES.unknownVault,
    check(p, s) {
      const cmk = cmkOf(p);
      if (!cmk?.keyVaultUri || !cmk.keyName) return undefined;
      if (cmk.hsmName) return undefined; // a Managed HSM: preview/rules/managedHsm.ts
      if (!cmk.vaultName) {
        return `The key vault URI '${cmk.keyVaultUri}' is neither a Key Vault URI (https://<vault>.vault.azure.net) nor a Managed HSM URI (https://<hsm>.managedhsm.azure.net). Fix: set properties.encryption.keyvaultproperties.keyvaulturi to the vault's or HSM's URI.`;
      }
      if (s.existingVaults.has(cmk.vaultName)) return undefined;
      const idx = indexOf(s);
      if (!idx.vault(cmk.vaultName)) {
        return `Missing pre-requisites to enable EncryptionAtRest/Customer Managed Key for this storage account: the key vault '${cmk.vaultName}' (${cmk.keyVaultUri}) does not exist. Fix: create the vault before the account (depend on it) or point keyvaulturi at an existing vault.`;
      }
      return idx.key(cmk.vaultName, cmk.keyName)
        ? undefined
        : `Missing pre-requisites to enable EncryptionAtRest/Customer Managed Key for this storage account: key '${cmk.keyName}' does not exist in vault '${cmk.vaultName}'. Fix: create the key before the account (depend on it) or correct keyvaultproperties.keyname.`;
    },
  },
  {
    id: "storage-cmk-vault-recoverable",
    code: "KeyVaultPolicyError",
    types: [T.account],
    title: "CMK from a vault without soft delete and purge protection",
    source: SOURCES.recoverable,
    check(p, s) {
      const cmk = cmkOf(p);
      const vault = cmk?.vaultName ? indexOf(s).vault(cmk.vaultName) : undefined;
      if (!vault) return undefined;
      const props = vault.inputs.properties ?? {};
      return props.enableSoftDelete === false || props.enablePurgeProtection !== true
        ? `Keyvault policy recoverable is not set: vault '${cmk!.vaultName}' needs soft delete and purge protection before a storage account can use its key. Fix: set properties.enableSoftDelete and properties.enablePurgeProtection to true on the vault.`
        : undefined;
    },
  },
  {
    id: "storage-cmk-key-operations",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title: "CMK key whose keyOps lack wrapKey or unwrapKey",
    source: SOURCES.keyOps,
    check(p, s) {
      const cmk = cmkOf(p);
      const key =
        cmk?.vaultName && cmk.keyName ? indexOf(s).key(cmk.vaultName, cmk.keyName) : undefined;
      const ops: unknown = key?.inputs.properties?.keyOps;
      if (!key || !Array.isArray(ops)) return undefined;
      const missing = ["wrapKey", "unwrapKey"].filter((op) => !ops.map(lc).includes(lc(op)));
      return missing.length === 0
        ? undefined
        : `Failed to access key '${cmk!.keyVaultUri}/keys/${cmk!.keyName}': the key does not permit operation(s) ${missing.join(", ")} (properties.keyOps ${JSON.stringify(ops)}). Fix: create the key with properties.keyOps including wrapKey and unwrapKey.`;
    },
  },
  {
    id: "storage-cmk-grant",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title:
      "Encryption identity without a grant on the key at creation time (no dependency path from the grant to the account)",
    source: SOURCES.grant,
    check(p, s) {
      // An identity outside the stack cannot be verified offline (see docs, limits).
      const chain = cmkChain(p, s);
      if (!chain) return undefined;
      const { idx, vault, identity, principal } = chain;
      const cmk = { keyName: chain.keyName, vaultName: chain.vaultName };
      const rbac = vault.inputs.properties?.enableRbacAuthorization === true;
      const grants = grantsFor(vault, cmk.keyName, principal, s);
      const fix = rbac
        ? `assign role Key Vault Crypto Service Encryption User (e147488a-f6f5-4113-8e2d-b22465e65bf6) on the key or vault to principal ${principal} (principalType ServicePrincipal) and create the account after the role assignment has propagated`
        : `add an access policy with permissions.keys get, wrapKey, unwrapKey for objectId ${principal} on vault '${cmk.vaultName}' and create the account after it`;
      if (grants.length === 0) {
        return `The operation failed because of authentication issue on the keyvault: identity ${identity.name} (principal ${principal}) has no ${rbac ? "role assignment" : "access policy"} granting get/wrapKey/unwrapKey on key '${cmk.keyName}' in vault '${cmk.vaultName}' (properties.enableRbacAuthorization ${rbac}). Fix: ${fix}.`;
      }
      const reach = idx.reachable(p);
      return grants.some((g) => reach.has(g.urn))
        ? undefined
        : `The operation failed because of authentication issue on the keyvault: the grant for identity ${identity.name} (${grants.map((g) => g.urn).join(", ")}) exists, but the storage account does not depend on it, so Azure may create the account before the grant applies (the classic first-deploy failure). Fix: add the grant to the account's dependsOn.`;
    },
  },
  {
    id: "storage-cmk-rbac-propagation",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title:
      "Account whose key grant is a role assignment it depends on with no propagation wait (time:Sleep with a non-zero createDuration) in between",
    source: SPEC_SOURCES.rbacPropagation,
    check(p, s) {
      const chain = cmkChain(p, s);
      if (!chain || chain.vault.inputs.properties?.enableRbacAuthorization !== true) {
        return undefined;
      }
      const { idx, vault, identity } = chain;
      const grants = grantsFor(vault, chain.keyName, chain.principal, s).filter(
        (g) => g.kind === "roleAssignment",
      );
      const reach = idx.reachable(p);
      const ordered = grants.filter((g) => reach.has(g.urn));
      if (ordered.length === 0) return undefined; // no grant or not ordered: storage-cmk-grant reports it
      const waits = [...reach]
        .map((u) => idx.byUrn.get(u))
        .filter(
          (r): r is RecordedResource =>
            r !== undefined && (r.type === T.sleep || r.type === T.legacyWait),
        );
      const waited = waits.some(
        (w) => waitSeconds(w) > 0 && ordered.some((g) => idx.reachable(w).has(g.urn)),
      );
      if (waited) return undefined;
      const zero = waits.find(
        (w) => waitSeconds(w) === 0 && ordered.some((g) => idx.reachable(w).has(g.urn)),
      );
      return `The operation failed because of authentication issue on the keyvault: role assignment ${ordered.map((g) => g.urn).join(", ")} for identity ${identity.name} is created right before the account, and role assignments take minutes to propagate${zero ? ` (the wait ${zero.urn} has createDuration ${JSON.stringify(zero.inputs.createDuration ?? zero.inputs.seconds)})` : " (no wait between them)"}. Fix: put a time:Sleep with createDuration of at least 60s between the role assignment and the account.`;
    },
  },
  {
    id: "storage-cmk-vault-firewall",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title:
      "Vault firewall on (or public access disabled) without the AzureServices bypass while a storage account uses its key",
    source: SOURCES.firewall,
    check(p, s) {
      const cmk = cmkOf(p);
      const vault = cmk?.vaultName ? indexOf(s).vault(cmk.vaultName) : undefined;
      if (!vault) return undefined;
      const props = vault.inputs.properties ?? {};
      const acls = props.networkAcls ?? {};
      const closed =
        lc(acls.defaultAction) === "deny" || lc(props.publicNetworkAccess) === "disabled";
      return closed && lc(acls.bypass) !== "azureservices"
        ? `Client address is not authorized and caller is not a trusted service: vault '${cmk!.vaultName}' has its firewall on (properties.networkAcls.defaultAction ${acls.defaultAction ?? "Allow"}, properties.publicNetworkAccess ${props.publicNetworkAccess ?? "enabled"}) with properties.networkAcls.bypass ${JSON.stringify(acls.bypass ?? "None")}, so Azure Storage cannot reach the key. Fix: set properties.networkAcls.bypass to AzureServices.`
        : undefined;
    },
  },
  {
    id: "role-assignment-principal-type",
    code: "PrincipalNotFound",
    types: [T.roleAssignment],
    title: "Role assignment for a managed identity without principalType ServicePrincipal",
    source: SPEC_SOURCES.roleAssignmentPrincipalType,
    check(p, s) {
      const identity = indexOf(s).identitiesByPrincipal.get(lc(p.inputs.principalId));
      if (!identity || p.inputs.principalType === "ServicePrincipal") return undefined;
      return `Principal ${p.inputs.principalId} does not exist in the directory ${identity.outputs.tenantId ?? ""}: the managed identity ${identity.name} was just created and has not replicated, and principalType is ${JSON.stringify(p.inputs.principalType ?? "User (azure-native default)")}. Fix: set principalType to ServicePrincipal (ARM then skips the directory lookup).`;
    },
  },
];

/** Every simulated ARM rule, in the order they are checked: the core rules, then each family in `preview/rules/`. */
export const ARM_RULES: readonly ArmRule[] = [...CORE_RULES, ...RULE_FAMILIES];

/**
 * Runs every rule for the pending registration; returns the first rejection as an ArmError (as ARM stops at one). An
 * accepted registration's globally unique name counts as taken from now on (names in flight).
 */
export function checkRegistration(
  pending: PendingResource,
  state: AzureState,
  rules: readonly ArmRule[] = ARM_RULES,
): ArmError | undefined {
  for (const rule of rules) {
    if (!rule.types.includes(pending.type)) continue;
    const message = rule.check(pending, state);
    if (message !== undefined) {
      return new ArmError(
        rule.code,
        message,
        rule.id,
        { urn: pending.urn, type: pending.type, name: pending.name },
        physicalName(pending.type, pending.name, pending.inputs),
      );
    }
  }
  indexOf(state).reserve(pending);
  return undefined;
}

/** Every rule that rejects the pending registration (for tests and diagnostics). */
export function allRejections(
  pending: PendingResource,
  state: AzureState,
  rules: readonly ArmRule[] = ARM_RULES,
): { rule: string; code: string; message: string }[] {
  const out: { rule: string; code: string; message: string }[] = [];
  for (const rule of rules) {
    if (!rule.types.includes(pending.type)) continue;
    const message = rule.check(pending, state);
    if (message !== undefined) out.push({ rule: rule.id, code: rule.code, message });
  }
  return out;
}
