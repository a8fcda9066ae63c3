/**
 * The simulated Azure Resource Manager of the offline preview: answers like ARM (see `armState.ts`) and rejects what
 * ARM rejects, with ARM's error code and a message that names the fix. Every rule is a pure function of the pending
 * registration (type, name, inputs, dependencies) and of what the simulated Azure has already created, so each one is
 * unit-testable without running Pulumi. docs/offline-preview.md has the table of rules with their sources.
 */
import { keyNameProblem, storageAccountNameProblem, vaultNameProblem } from "../components/naming";
import { rotationPolicyProblems, type PlainRotationPolicy } from "../components/rotationPolicy";
import { AzureBuiltInRoles } from "../components/azureRoles";
import { physicalName } from "./armState";
import type { RecordedResource, RegistrationCheck } from "./recorder";

export const T = {
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  accessPolicy: "azure-native:keyvault:AccessPolicy",
  account: "azure-native:storage:StorageAccount",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  roleAssignment: "azure-native:authorization:RoleAssignment",
} as const;

/** A registration as the simulated Azure sees it before answering (what `Recorder.addCheck` hands over). */
export type PendingResource = Parameters<RegistrationCheck>[0];

/** What the simulated Azure knows besides the pending request. */
export interface AzureState {
  /** Resources already created in this run (registration order). */
  created: readonly RecordedResource[];
  /**
   * Vaults that exist outside the stack (lowercase vault names), declared with the `cmk-preview:existingVaults`
   * stack config key. Keys in them are assumed to exist and to be usable; the simulation cannot check their settings.
   */
  existingVaults: ReadonlySet<string>;
}

/** An error as ARM returns it (`{"error": {"code", "message", "target"}}`), plus which simulated rule produced it. */
export class ArmError extends Error {
  constructor(
    readonly code: string,
    readonly armMessage: string,
    readonly rule: string,
    readonly resource: { urn: string; type: string; name: string },
    readonly target?: string,
  ) {
    super(`${code}: ${armMessage}`);
    this.name = "ArmError";
  }
}

/** One simulated ARM rule. `check` returns the ARM message when ARM would reject the request, else undefined. */
export interface ArmRule {
  id: string;
  /** ARM error code returned on rejection. */
  code: string;
  /** Resource types the rule looks at. */
  types: readonly string[];
  /** One line: what ARM rejects. */
  title: string;
  /** Where the behaviour is documented (REST spec, docs page or issue thread). */
  source: string;
  check(pending: PendingResource, state: AzureState): string | undefined;
}

const lc = (s: unknown): string => String(s ?? "").toLowerCase();
const trimSlash = (s: string): string => s.replace(/\/+$/, "");

function nameOf(p: { type: string; name: string; inputs: Record<string, any> }): string {
  return physicalName(p.type, p.name, p.inputs);
}

/** The vault name in a Key Vault URI (`https://<name>.vault.azure.net/`), lowercased. */
export function vaultNameFromKeyVaultUri(uri: string): string | undefined {
  const m = /^https:\/\/([^./]+)\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)(\/|$)/i.exec(uri);
  return m ? m[1]!.toLowerCase() : undefined;
}

function createdVault(state: AzureState, vaultName: string): RecordedResource | undefined {
  return state.created.find((r) => r.type === T.vault && lc(r.outputs.name ?? nameOf(r)) === lc(vaultName));
}

function createdKey(state: AzureState, vaultName: string, keyName: string): RecordedResource | undefined {
  return state.created.find(
    (r) => r.type === T.key && lc(r.inputs.vaultName) === lc(vaultName) && lc(r.outputs.name ?? nameOf(r)) === lc(keyName),
  );
}

/** The CMK wiring of a storage account request, or undefined when it does not use a customer-managed key. */
export function cmkOf(p: PendingResource): { keyName?: string; keyVaultUri?: string; keyVersion?: string; vaultName?: string } | undefined {
  const enc = p.inputs.encryption;
  if (p.type !== T.account || !enc || lc(enc.keySource) !== "microsoft.keyvault") return undefined;
  const kvp = enc.keyVaultProperties ?? {};
  const uri = typeof kvp.keyVaultUri === "string" ? kvp.keyVaultUri : undefined;
  return { keyName: kvp.keyName, keyVaultUri: uri, keyVersion: kvp.keyVersion, vaultName: uri ? vaultNameFromKeyVaultUri(uri) : undefined };
}

/** True when `from` reaches `to` through the dependency graph of created resources (dependencies and property deps). */
export function dependsOnTransitively(from: { dependencies: string[]; propertyDependencies: Record<string, string[]> }, to: string, created: readonly RecordedResource[]): boolean {
  const byUrn = new Map(created.map((r) => [r.urn, r]));
  const direct = (r: { dependencies: string[]; propertyDependencies: Record<string, string[]> }): string[] => [
    ...r.dependencies,
    ...Object.values(r.propertyDependencies).flat(),
  ];
  const seen = new Set<string>();
  const stack = direct(from);
  while (stack.length > 0) {
    const urn = stack.pop()!;
    if (urn === to) return true;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const r = byUrn.get(urn);
    if (r) stack.push(...direct(r));
    // A dependency on a component stands for all of its children (Pulumi waits for them).
    for (const child of created) if (child.parent === urn && !seen.has(child.urn)) stack.push(child.urn);
  }
  return false;
}

/** Role definition GUIDs whose data actions include keys/read + wrap + unwrap. */
const KEY_USE_ROLES = new Set(
  [AzureBuiltInRoles.KeyVaultCryptoServiceEncryptionUser, "12338af0-0e69-4776-bea7-57ae8d297424", AzureBuiltInRoles.KeyVaultCryptoOfficer].map(lc),
);
const NEEDED_KEY_PERMISSIONS = ["get", "wrapkey", "unwrapkey"];

/** A grant that lets `principalId` use key `keyName` in `vault`, and how it was found. */
export interface FoundGrant {
  kind: "accessPolicy" | "inlineAccessPolicy" | "roleAssignment";
  urn: string;
  detail: string;
}

/** Finds every created grant for the principal on the vault/key that matches the vault's permission model. */
export function grantsFor(vault: RecordedResource, keyName: string, principalId: string, created: readonly RecordedResource[]): FoundGrant[] {
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
        found.push({ kind: "inlineAccessPolicy", urn: vault.urn, detail: "inline access policy on the vault" });
      }
    }
    for (const r of created) {
      if (r.type !== T.accessPolicy || lc(r.inputs.vaultName) !== vaultName) continue;
      const pol = r.inputs.policy ?? {};
      if (lc(pol.objectId) === lc(principalId) && hasPerms(pol.permissions?.keys)) {
        found.push({ kind: "accessPolicy", urn: r.urn, detail: `access policy keys ${(pol.permissions.keys as string[]).join(", ")}` });
      }
    }
  } else {
    for (const r of created) {
      if (r.type !== T.roleAssignment || lc(r.inputs.principalId) !== lc(principalId)) continue;
      const roleGuid = lc(String(r.inputs.roleDefinitionId ?? "").split("/").pop());
      const scope = trimSlash(lc(r.inputs.scope));
      const scopeOk = vaultId.startsWith(scope + "/") || scope === vaultId || scope === `${vaultId}/keys/${lc(keyName)}`;
      if (KEY_USE_ROLES.has(roleGuid) && scopeOk) {
        found.push({ kind: "roleAssignment", urn: r.urn, detail: `role ${roleGuid} at ${scope === vaultId ? "vault" : scope.includes("/keys/") ? "key" : "parent"} scope` });
      }
    }
  }
  return found;
}

const SOURCES = {
  vaultName: "https://github.com/MicrosoftDocs/azure-docs/issues/92981 (Key Vault common error codes: VaultNameNotValid); learn.microsoft.com azure-resource-manager/management/resource-name-rules#microsoftkeyvault",
  vaultTaken: "learn.microsoft.com key-vault/general/common-error-codes (VaultAlreadyExists); pulumi/pulumi-azure-native#2722",
  keyName: "Azure/azure-rest-api-specs keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keys.json (keyName pattern ^[a-zA-Z0-9-]{1,127}$); learn.microsoft.com azure-resource-manager/troubleshooting/common-deployment-errors (InvalidResourceName)",
  accountName: "https://github.com/Azure/AzureMonitorStarterPacks/issues/171 (AccountNameInvalid); learn.microsoft.com resource-name-rules#microsoftstorage",
  accountTaken: "https://github.com/OfficeDev/microsoft-teams-apps-timetally/issues/50 and hashicorp/terraform#11485 (StorageAccountAlreadyTaken, HTTP 409)",
  purge: "Azure/azure-rest-api-specs keyvault.json 2024-11-01 (enablePurgeProtection: \"does not accept false\"); Azure/ai-hub#241 (message)",
  retention: "Azure/azure-rest-api-specs keyvault.json 2024-11-01 (softDeleteRetentionInDays \"accepts >=7 and <=90\")",
  hsm: "https://github.com/Azure/azure-sdk-for-net/issues/6551 (\"Hardware key operation not allowed on standard vault\"); learn.microsoft.com key-vault/keys/about-keys",
  keySize: "https://github.com/Azure/azure-cli/issues/2613 (\"Unsupported key size\"); MicrosoftDocs/azure-docs includes/storage-customer-managed-keys-key-vault-add-key-include.md (RSA 2048/3072/4096)",
  keyOps: "MicrosoftDocs/azure-docs articles/storage/common/customer-managed-keys-configure-new-account.md (the key must allow wrapKey and unwrapKey); MicrosoftDocs/azure-docs#61015 (error text)",
  rotation: "Azure/azure-rest-api-specs keys.json 2024-11-01 (RotationPolicy, LifetimeAction, Trigger); learn.microsoft.com key-vault/keys/how-to-configure-key-rotation; .NET KeyRotationPolicy.ExpiresIn (>= 28 days)",
  kvProps: "https://github.com/hashicorp/terraform-provider-azurerm/issues/658 (MissingKeyvaultProperties)",
  identity: "hashicorp/terraform-provider-azurerm#16374 (InvalidValuesForRequestParameters: properties.encryption.identity); MicrosoftDocs includes/storage-customer-managed-keys-key-vault-user-assigned-identity-include.md",
  grant: "Azure/bicep#16601, Azure/bicep-types-az#2452 (KeyVaultAuthenticationFailure on create, succeeds on retry); Azure/terraform-azurerm-avm-res-storage-storageaccount#391",
  firewall: "MicrosoftDocs/azure-docs articles/key-vault/general/overview-vnet-service-endpoints.md (trusted services); MicrosoftDocs/azure-docs#61015 (\"Client address is not authorized and caller is not a trusted service\")",
  recoverable: "https://github.com/Azure/azure-cli/issues/12346 (KeyVaultPolicyError: \"Keyvault policy recoverable is not set\"); learn.microsoft.com storage/common/customer-managed-keys-configure-new-account",
  unknownVault: "https://github.com/Azure/azure-service-operator/issues/4122 (\"Missing pre-requisites to enable EncryptionAtRest/Customer Managed Key\"); hashicorp/terraform-provider-azurerm#27735",
} as const;

/** Every simulated ARM rule, in the order they are checked. */
export const ARM_RULES: readonly ArmRule[] = [
  {
    id: "vault-name-invalid",
    code: "VaultNameNotValid",
    types: [T.vault],
    title: "Vault name: 3-24 letters, digits and hyphens, starts with a letter, ends with a letter or digit, no \"--\"",
    source: SOURCES.vaultName,
    check(p) {
      const name = nameOf(p);
      const problem = vaultNameProblem(name);
      return problem && `The vault name '${name}' is invalid: it ${problem}. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens. Fix: change cmk-storage:vaultName or leave it empty to derive one.`;
    },
  },
  {
    id: "vault-name-taken",
    code: "VaultAlreadyExists",
    types: [T.vault],
    title: "Two vaults with the same (globally unique) name",
    source: SOURCES.vaultTaken,
    check(p, s) {
      const name = nameOf(p);
      return createdVault(s, name) || s.existingVaults.has(lc(name))
        ? `The vault name '${name}' is already in use. Vault names are globally unique (and a soft-deleted vault keeps its name for the retention period). Fix: choose another name or derive one with a random suffix.`
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
        ? `The property "softDeleteRetentionInDays" has an invalid value ${JSON.stringify(days)}: it accepts >=7 and <=90. Fix: set cmk-storage:vaultSoftDeleteRetentionInDays between 7 and 90.`
        : undefined;
    },
  },
  {
    id: "key-name-invalid",
    code: "InvalidResourceName",
    types: [T.key],
    title: "Key name not matching ^[a-zA-Z0-9-]{1,127}$",
    source: SOURCES.keyName,
    check(p) {
      const name = nameOf(p);
      const problem = keyNameProblem(name);
      return problem && `The resource name '${name}' for type 'Microsoft.KeyVault/vaults/keys' is invalid: it ${problem}. Fix: use 1-127 letters, digits and hyphens (cmk-storage:namePrefix feeds the key name).`;
    },
  },
  {
    id: "key-vault-missing",
    code: "ParentResourceNotFound",
    types: [T.key],
    title: "Key in a vault that is neither in the stack nor declared as existing",
    source: "learn.microsoft.com azure-resource-manager/troubleshooting/error-parent-resource",
    check(p, s) {
      const vault = String(p.inputs.vaultName ?? "");
      return createdVault(s, vault) || s.existingVaults.has(lc(vault))
        ? undefined
        : `Can not perform requested operation on nested resource. Parent resource '${vault}' not found. Fix: create the vault in the stack first (the key must depend on it) or declare it in cmk-preview:existingVaults.`;
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
      const vault = createdVault(s, String(p.inputs.vaultName ?? ""));
      const sku = lc(vault?.inputs.properties?.sku?.name);
      return vault && sku !== "premium"
        ? `Hardware key operation not allowed on standard vault: key type ${kty} needs a premium vault, vault '${p.inputs.vaultName}' is ${sku || "standard"}. Fix: set cmk-storage:vaultSku to premium or use keyType RSA.`
        : undefined;
    },
  },
  {
    id: "key-rsa-size",
    code: "BadRequest",
    types: [T.key],
    title: "RSA key size other than 2048, 3072 or 4096",
    source: SOURCES.keySize,
    check(p) {
      const props = p.inputs.properties ?? {};
      if (!/^RSA/i.test(String(props.kty ?? "")) || props.keySize === undefined) return undefined;
      return [2048, 3072, 4096].includes(props.keySize)
        ? undefined
        : `Unsupported key size ${JSON.stringify(props.keySize)} for ${props.kty}: RSA keys for storage encryption must be 2048, 3072 or 4096 bits. Fix: set cmk-storage:keySize to 2048, 3072 or 4096.`;
    },
  },
  {
    id: "key-rotation-policy",
    code: "BadParameter",
    types: [T.key],
    title: "Rotation policy: rotate < 7 days after creation or < 7 days before expiry, expiry < P28D, notify with timeAfterCreate, action other than rotate/notify",
    source: SOURCES.rotation,
    check(p) {
      const policy = p.inputs.properties?.rotationPolicy as PlainRotationPolicy | undefined;
      if (!policy) return undefined;
      const problems = rotationPolicyProblems(policy);
      return problems.length === 0
        ? undefined
        : `Invalid key rotation policy: ${problems.map((x) => `rotationPolicy.${x.path} ${x.reason}`).join("; ")}. Fix: adjust cmk-storage:keyRotateAfter / keyExpiresAfter / keyNotifyBefore.`;
    },
  },
  {
    id: "storage-account-name-invalid",
    code: "AccountNameInvalid",
    types: [T.account],
    title: "Storage account name: 3-24 lowercase letters and digits",
    source: SOURCES.accountName,
    check(p) {
      const name = nameOf(p);
      const problem = storageAccountNameProblem(name);
      return problem && `${name} is not a valid storage account name (it ${problem}). Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only. Fix: change cmk-storage:namePrefix / the team name.`;
    },
  },
  {
    id: "storage-account-name-taken",
    code: "StorageAccountAlreadyTaken",
    types: [T.account],
    title: "Two storage accounts with the same (globally unique) name",
    source: SOURCES.accountTaken,
    check(p, s) {
      const name = nameOf(p);
      const dup = s.created.find((r) => r.type === T.account && lc(r.outputs.name ?? nameOf(r)) === lc(name));
      return dup
        ? `The storage account named ${name} is already taken (by ${dup.urn}). Fix: give each account a distinct name or a random suffix.`
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
        ? "The encryption keyvault properties are missing from the request. Fix: set encryption.keyVaultProperties.keyName and keyVaultUri."
        : undefined;
    },
  },
  {
    id: "storage-cmk-identity",
    code: "InvalidValuesForRequestParameters",
    types: [T.account],
    title: "CMK at creation without a user-assigned identity, or an encryption identity that is not one of the account's identities",
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
        return "Values for request parameters are invalid: properties.encryption.identity. Fix: set encryption.encryptionIdentity.encryptionUserAssignedIdentity to the account's user-assigned identity id.";
      }
      return uais.includes(lc(enc))
        ? undefined
        : `Values for request parameters are invalid: properties.encryption.identity. The encryption identity ${enc} is not one of the account's identities (${uais.join(", ")}). Fix: use the same identity id in identity.userAssignedIdentities and encryption.encryptionIdentity.`;
    },
  },
  {
    id: "storage-cmk-vault-unknown",
    code: "KeyVaultNotFound",
    types: [T.account],
    title: "Key URI pointing at a vault (or key) that is neither in the stack nor declared as existing",
    source: SOURCES.unknownVault,
    check(p, s) {
      const cmk = cmkOf(p);
      if (!cmk?.keyVaultUri || !cmk.keyName) return undefined;
      if (!cmk.vaultName) return `The key vault URI '${cmk.keyVaultUri}' is not a Key Vault URI (https://<vault>.vault.azure.net). Fix: use the vault's vaultUri.`;
      if (s.existingVaults.has(cmk.vaultName)) return undefined;
      if (!createdVault(s, cmk.vaultName)) {
        return `Missing pre-requisites to enable EncryptionAtRest/Customer Managed Key for this storage account: the key vault '${cmk.vaultName}' (${cmk.keyVaultUri}) does not exist. Fix: create the vault in the stack (and make the account depend on it) or declare it in cmk-preview:existingVaults.`;
      }
      return createdKey(s, cmk.vaultName, cmk.keyName)
        ? undefined
        : `Missing pre-requisites to enable EncryptionAtRest/Customer Managed Key for this storage account: key '${cmk.keyName}' does not exist in vault '${cmk.vaultName}'. Fix: create the key before the account (depend on it) or correct keyName.`;
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
      const vault = cmk?.vaultName ? createdVault(s, cmk.vaultName) : undefined;
      if (!vault) return undefined;
      const props = vault.inputs.properties ?? {};
      return props.enableSoftDelete === false || props.enablePurgeProtection !== true
        ? `Keyvault policy recoverable is not set: vault '${cmk!.vaultName}' needs soft delete and purge protection before a storage account can use its key. Fix: set enableSoftDelete and enablePurgeProtection to true on the vault.`
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
      const key = cmk?.vaultName && cmk.keyName ? createdKey(s, cmk.vaultName, cmk.keyName) : undefined;
      const ops: unknown = key?.inputs.properties?.keyOps;
      if (!key || !Array.isArray(ops)) return undefined;
      const missing = ["wrapKey", "unwrapKey"].filter((op) => !ops.map(lc).includes(lc(op)));
      return missing.length === 0
        ? undefined
        : `Failed to access key '${cmk!.keyVaultUri}/keys/${cmk!.keyName}': the key does not permit operation(s) ${missing.join(", ")} (keyOps ${JSON.stringify(ops)}). Fix: create the key with keyOps including wrapKey and unwrapKey.`;
    },
  },
  {
    id: "storage-cmk-grant",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title: "Encryption identity without a grant on the key at creation time (no dependency path from the grant to the account)",
    source: SOURCES.grant,
    check(p, s) {
      const cmk = cmkOf(p);
      const vault = cmk?.vaultName ? createdVault(s, cmk.vaultName) : undefined;
      const encId = p.inputs.encryption?.encryptionIdentity?.encryptionUserAssignedIdentity;
      if (!vault || !cmk?.keyName || !encId) return undefined;
      const identity = s.created.find((r) => r.type === T.identity && lc(r.id) === lc(encId));
      if (!identity) return undefined; // an identity outside the stack: cannot be verified offline (see docs, limits)
      const principal = String(identity.outputs.principalId ?? "");
      const rbac = vault.inputs.properties?.enableRbacAuthorization === true;
      const grants = grantsFor(vault, cmk.keyName, principal, s.created);
      const fix = rbac
        ? `grant role Key Vault Crypto Service Encryption User (${AzureBuiltInRoles.KeyVaultCryptoServiceEncryptionUser}) on the key or vault to principal ${principal} and make the storage account depend on the role assignment (and on a propagation wait)`
        : `add an access policy with keys get, wrapKey, unwrapKey for principal ${principal} on vault '${cmk.vaultName}' and make the storage account depend on it`;
      if (grants.length === 0) {
        return `The operation failed because of authentication issue on the keyvault: identity ${identity.name} (principal ${principal}) has no ${rbac ? "role assignment" : "access policy"} granting get/wrapKey/unwrapKey on key '${cmk.keyName}' in vault '${cmk.vaultName}' (permission model ${rbac ? "RBAC" : "access policies"}). Fix: ${fix}.`;
      }
      const ordered = grants.some((g) => dependsOnTransitively(p, g.urn, s.created));
      return ordered
        ? undefined
        : `The operation failed because of authentication issue on the keyvault: the grant for identity ${identity.name} (${grants.map((g) => g.urn).join(", ")}) exists, but the storage account does not depend on it, so Azure may create the account before the grant applies (the classic first-deploy failure). Fix: add the grant to the account's dependsOn.`;
    },
  },
  {
    id: "storage-cmk-vault-firewall",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title: "Vault firewall on (or public access disabled) without the AzureServices bypass while a storage account uses its key",
    source: SOURCES.firewall,
    check(p, s) {
      const cmk = cmkOf(p);
      const vault = cmk?.vaultName ? createdVault(s, cmk.vaultName) : undefined;
      if (!vault) return undefined;
      const props = vault.inputs.properties ?? {};
      const acls = props.networkAcls ?? {};
      const closed = lc(acls.defaultAction) === "deny" || lc(props.publicNetworkAccess) === "disabled";
      return closed && lc(acls.bypass) !== "azureservices"
        ? `Client address is not authorized and caller is not a trusted service: vault '${cmk!.vaultName}' has its firewall on (defaultAction ${acls.defaultAction ?? "Allow"}, publicNetworkAccess ${props.publicNetworkAccess ?? "enabled"}) with bypass ${JSON.stringify(acls.bypass ?? "None")}, so Azure Storage cannot reach the key. Fix: set properties.networkAcls.bypass to AzureServices.`
        : undefined;
    },
  },
];

/** Runs every rule for the pending registration; returns the first rejection as an ArmError (as ARM stops at one). */
export function checkRegistration(pending: PendingResource, state: AzureState, rules: readonly ArmRule[] = ARM_RULES): ArmError | undefined {
  for (const rule of rules) {
    if (!rule.types.includes(pending.type)) continue;
    const message = rule.check(pending, state);
    if (message !== undefined) {
      return new ArmError(rule.code, message, rule.id, { urn: pending.urn, type: pending.type, name: pending.name }, physicalName(pending.type, pending.name, pending.inputs));
    }
  }
  return undefined;
}

/** Every rule that rejects the pending registration (for tests and diagnostics). */
export function allRejections(pending: PendingResource, state: AzureState, rules: readonly ArmRule[] = ARM_RULES): { rule: string; code: string; message: string }[] {
  const out: { rule: string; code: string; message: string }[] = [];
  for (const rule of rules) {
    if (!rule.types.includes(pending.type)) continue;
    const message = rule.check(pending, state);
    if (message !== undefined) out.push({ rule: rule.id, code: rule.code, message });
  }
  return out;
}
