/**
 * Managed HSM family: a storage account whose customer-managed key is in a Key Vault Managed HSM
 * (`encryption.keyVaultProperties.keyVaultUri` = `https://<hsm>.managedhsm.azure.net`), and the HSM's own local RBAC
 * role assignments. A Managed HSM honours neither vault access policies nor Azure RBAC for keys: the storage identity
 * needs a Managed HSM local role assignment (data plane) of a key-use role on `/`, `/keys` or `/keys/<key>`.
 */
import type { RecordedResource } from "../recorder";
import { T, type ArmRule, type AzureState, type PendingResource } from "../armTypes";
import type * as SimulatedAzure from "../simulatedAzure";
import { lc } from "../text";

/**
 * The simulated Azure's helpers, loaded on first use inside a check: `simulatedAzure.ts` loads this family while it
 * loads, so a load-time import would see it half-initialised when this file is loaded first.
 */
function az(): typeof SimulatedAzure {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../simulatedAzure") as typeof SimulatedAzure;
}

export const MANAGED_HSM_SOURCES = {
  hsmUnknown:
    'learn.microsoft.com storage/common/customer-managed-keys-configure-new-account (the key may be in a key vault or a managed HSM; keyvaulturi is the HSM URI); https://github.com/Azure/azure-service-operator/issues/4122 ("Missing pre-requisites to enable EncryptionAtRest/Customer Managed Key")',
  hsmRecoverable:
    'https://github.com/Azure/azure-cli/issues/17914 (a managed HSM key without purge protection: "(KeyVaultPolicyError) Keyvault policy recoverable is not set"); learn.microsoft.com storage/common/customer-managed-keys-overview (the managed HSM must have soft delete and purge protection); azure-native 3.28 ManagedHsmProperties (soft delete "enabled by default for all managed HSMs and is immutable")',
  hsmGrant:
    'learn.microsoft.com key-vault/managed-hsm/built-in-roles (Managed HSM Crypto Service Encryption User 33413926-3206-4cdd-b39a-83574fe37a17: keys read, wrap, unwrap; Managed HSM Crypto User 21dbd100-6940-42c2-9190-5d6cb909625b); learn.microsoft.com storage/common/customer-managed-keys-configure-new-account (managed HSM: assign "Managed HSM Crypto Service Encryption User" to the identity); Azure/bicep#16601 (KeyVaultAuthenticationFailure on create, succeeds on retry)',
  hsmKeyOps:
    "MicrosoftDocs/azure-docs articles/storage/common/customer-managed-keys-configure-new-account.md (the key must allow wrapKey and unwrapKey); learn.microsoft.com key-vault/managed-hsm/built-in-roles",
  hsmRoleAssignment:
    'Managed HSM RBAC REST (PUT {hsm}/{scope}/providers/Microsoft.Authorization/roleAssignments/{name}, name "any valid GUID", scope "/" or "/keys" or "/keys/{key}"); hashicorp/terraform-provider-azurerm internal/services/managedhsm/key_vault_managed_hardware_security_module_role_assignment_resource.go (scope ^(/|/keys|/keys/.+)$, role_definition_id a scoped role definition id /Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/<guid>)',
} as const;

/** Managed HSM local roles whose data actions include keys read + wrap + unwrap (built-in-roles page). */
export const HSM_KEY_USE_ROLE_IDS: Readonly<Record<string, string>> = {
  "33413926-3206-4cdd-b39a-83574fe37a17": "Managed HSM Crypto Service Encryption User",
  "21dbd100-6940-42c2-9190-5d6cb909625b": "Managed HSM Crypto User",
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The HSM, key name and encryption identity of an account whose CMK is in a Managed HSM of the stack. */
function hsmChain(
  p: PendingResource,
  s: AzureState,
):
  | {
      hsm: RecordedResource;
      hsmName: string;
      keyName: string;
      identity?: RecordedResource;
      principal?: string;
    }
  | undefined {
  const cmk = az().cmkOf(p);
  if (!cmk?.hsmName || !cmk.keyName) return undefined;
  const idx = az().indexOf(s);
  const hsm = idx.managedHsms.get(cmk.hsmName);
  if (!hsm) return undefined;
  const encId: unknown = p.inputs.encryption?.encryptionIdentity?.encryptionUserAssignedIdentity;
  const identity = encId ? idx.identitiesById.get(lc(encId)) : undefined;
  return {
    hsm,
    hsmName: cmk.hsmName,
    keyName: cmk.keyName,
    identity,
    principal: identity ? String(identity.outputs.principalId ?? "") : undefined,
  };
}

/** Managed HSM local role assignments that let `principal` use key `keyName` of HSM `hsmName`. */
export function hsmGrantsFor(
  hsmName: string,
  keyName: string,
  principal: string,
  state: AzureState,
): RecordedResource[] {
  return (az().indexOf(state).hsmRoleAssignments.get(lc(principal)) ?? []).filter((r) => {
    const roleGuid = lc(
      String(r.inputs.roleDefinitionId ?? "")
        .split("/")
        .pop(),
    );
    const scope = lc(r.inputs.scope).replace(/(.)\/+$/, "$1");
    return (
      az().hsmNameOfId(r.inputs.managedHsmId) === lc(hsmName) &&
      roleGuid in HSM_KEY_USE_ROLE_IDS &&
      (scope === "/" || scope === "/keys" || scope === `/keys/${lc(keyName)}`)
    );
  });
}

export const MANAGED_HSM_RULES: readonly ArmRule[] = [
  {
    id: "storage-cmk-hsm-unknown",
    code: "KeyVaultNotFound",
    types: [T.account],
    title:
      "Managed HSM key URI naming an HSM (or a key in it) that is neither in the stack nor declared as existing",
    source: MANAGED_HSM_SOURCES.hsmUnknown,
    check(p, s) {
      const cmk = az().cmkOf(p);
      if (!cmk?.hsmName || !cmk.keyName) return undefined;
      if (s.existingVaults.has(cmk.hsmName)) return undefined;
      const idx = az().indexOf(s);
      if (!idx.managedHsms.get(cmk.hsmName)) {
        return `Missing pre-requisites to enable EncryptionAtRest/Customer Managed Key for this storage account: the managed HSM '${cmk.hsmName}' (${cmk.keyVaultUri}) does not exist. Fix: create the Managed HSM before the account, or declare an existing HSM in cmk-preview:existingVaults.`;
      }
      return idx.hsmKeys.get(`${cmk.hsmName}/${lc(cmk.keyName)}`)
        ? undefined
        : `Missing pre-requisites to enable EncryptionAtRest/Customer Managed Key for this storage account: key '${cmk.keyName}' does not exist in managed HSM '${cmk.hsmName}'. Fix: create the key (azure.keyvault.ManagedHardwareSecurityModuleKey) before the account or correct keyvaultproperties.keyname.`;
    },
  },
  {
    id: "storage-cmk-hsm-recoverable",
    code: "KeyVaultPolicyError",
    types: [T.account],
    title: "CMK from a Managed HSM without purge protection",
    source: MANAGED_HSM_SOURCES.hsmRecoverable,
    check(p, s) {
      const cmk = az().cmkOf(p);
      const hsm = cmk?.hsmName ? az().indexOf(s).managedHsms.get(cmk.hsmName) : undefined;
      if (!hsm) return undefined;
      return hsm.inputs.properties?.enablePurgeProtection === true
        ? undefined
        : `Keyvault policy recoverable is not set: managed HSM '${cmk!.hsmName}' has properties.enablePurgeProtection ${JSON.stringify(hsm.inputs.properties?.enablePurgeProtection ?? null)} (soft delete is always on for a managed HSM; purge protection must be turned on). Fix: set properties.enablePurgeProtection to true on the managed HSM.`;
    },
  },
  {
    id: "storage-cmk-hsm-key-operations",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title: "Managed HSM key whose keyOpts lack wrapKey or unwrapKey",
    source: MANAGED_HSM_SOURCES.hsmKeyOps,
    check(p, s) {
      const cmk = az().cmkOf(p);
      const key =
        cmk?.hsmName && cmk.keyName
          ? az()
              .indexOf(s)
              .hsmKeys.get(`${cmk.hsmName}/${lc(cmk.keyName)}`)
          : undefined;
      const ops: unknown = key?.inputs.keyOpts;
      if (!key || !Array.isArray(ops)) return undefined;
      const missing = ["wrapKey", "unwrapKey"].filter((op) => !ops.map(lc).includes(lc(op)));
      return missing.length === 0
        ? undefined
        : `Failed to access key '${cmk!.keyVaultUri}/keys/${cmk!.keyName}': the key does not permit operation(s) ${missing.join(", ")} (keyOpts ${JSON.stringify(ops)}). Fix: create the Managed HSM key with keyOpts including wrapKey and unwrapKey.`;
    },
  },
  {
    id: "storage-cmk-hsm-grant",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title:
      "Encryption identity without a Managed HSM local role assignment (key-use role on /, /keys or /keys/<key>) that the account depends on",
    source: MANAGED_HSM_SOURCES.hsmGrant,
    check(p, s) {
      const chain = hsmChain(p, s);
      if (!chain?.identity || !chain.principal) return undefined;
      const grants = hsmGrantsFor(chain.hsmName, chain.keyName, chain.principal, s);
      if (grants.length === 0) {
        const armRbac = (az().indexOf(s).roleAssignments.get(lc(chain.principal)) ?? []).filter(
          (r) => lc(r.inputs.scope).includes(`/managedhsms/${chain.hsmName}`),
        );
        return `The operation failed because of authentication issue on the keyvault: identity ${chain.identity.name} (principal ${chain.principal}) has no Managed HSM local role assignment on key '${chain.keyName}' in managed HSM '${chain.hsmName}'${armRbac.length > 0 ? ` (its Azure RBAC role assignment ${armRbac.map((r) => r.urn).join(", ")} does not reach the HSM's keys: Managed HSM keys use local RBAC)` : ""}. Fix: assign the Managed HSM local role "Managed HSM Crypto Service Encryption User" (33413926-3206-4cdd-b39a-83574fe37a17) on /keys/${chain.keyName} to principal ${chain.principal} (azure.keyvault.ManagedHardwareSecurityModuleRoleAssignment) and create the account after it.`;
      }
      const reach = az().indexOf(s).reachable(p);
      return grants.some((g) => reach.has(g.urn))
        ? undefined
        : `The operation failed because of authentication issue on the keyvault: the Managed HSM role assignment for identity ${chain.identity.name} (${grants.map((g) => g.urn).join(", ")}) exists, but the storage account does not depend on it, so Azure may create the account before the grant applies. Fix: add the role assignment to the account's dependsOn.`;
    },
  },
  {
    id: "storage-cmk-hsm-rbac-propagation",
    code: "KeyVaultAuthenticationFailure",
    types: [T.account],
    title:
      "Account whose Managed HSM role assignment it depends on has no propagation wait (time:Sleep with a non-zero createDuration) in between",
    source: MANAGED_HSM_SOURCES.hsmGrant,
    check(p, s) {
      const chain = hsmChain(p, s);
      if (!chain?.identity || !chain.principal) return undefined;
      const idx = az().indexOf(s);
      const reach = idx.reachable(p);
      const ordered = hsmGrantsFor(chain.hsmName, chain.keyName, chain.principal, s).filter((g) =>
        reach.has(g.urn),
      );
      if (ordered.length === 0) return undefined; // no grant or not ordered: storage-cmk-hsm-grant
      const waited = [...reach]
        .map((u) => idx.byUrn.get(u))
        .some(
          (w) =>
            w !== undefined &&
            (w.type === T.sleep || w.type === T.legacyWait) &&
            az().waitSeconds(w) > 0 &&
            ordered.some((g) => idx.reachable(w).has(g.urn)),
        );
      return waited
        ? undefined
        : `The operation failed because of authentication issue on the keyvault: Managed HSM role assignment ${ordered.map((g) => g.urn).join(", ")} for identity ${chain.identity.name} is created right before the account, and role assignments take time to propagate. Fix: put a time:Sleep with createDuration of at least 60s between the role assignment and the account.`;
    },
  },
  {
    id: "hsm-role-assignment-invalid",
    code: "BadParameter",
    types: [T.hsmRoleAssignment],
    title:
      "Managed HSM role assignment whose name is not a GUID, scope is not /, /keys or /keys/<key>, or role definition id is not /Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/<guid>",
    source: MANAGED_HSM_SOURCES.hsmRoleAssignment,
    check(p) {
      const problems: string[] = [];
      const name = p.inputs.name;
      if (typeof name === "string" && !GUID.test(name)) {
        problems.push(`name ${JSON.stringify(name)} is not a GUID`);
      }
      const scope = p.inputs.scope;
      if (typeof scope === "string" && !/^(\/|\/keys|\/keys\/[a-zA-Z0-9-]{1,127})$/.test(scope)) {
        problems.push(`scope ${JSON.stringify(scope)} is not /, /keys or /keys/<key name>`);
      }
      const role = p.inputs.roleDefinitionId;
      if (
        typeof role === "string" &&
        !/^\/?Microsoft\.KeyVault\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i.test(
          role,
        )
      ) {
        problems.push(
          `roleDefinitionId ${JSON.stringify(role)} is not a Managed HSM role definition id (/Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/<guid>; an Azure RBAC role definition id does not apply inside an HSM)`,
        );
      }
      return problems.length === 0
        ? undefined
        : `Invalid Managed HSM role assignment: ${problems.join("; ")}. Fix: use a GUID name, a scope of /keys/<key name>, and the local role's definition id.`;
    },
  },
];
