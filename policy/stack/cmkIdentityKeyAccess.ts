import { type StackValidationPolicy } from "@pulumi/policy";
import { CMK_KEY_PERMISSIONS, ROLES, URLS } from "../lib/constants";
import { type KeyGrant, StackGraph, encryptionOf, readProp } from "../lib/graph";

export interface CmkIdentityKeyAccessConfig {
  /** Role definition GUIDs that count as key access for storage encryption. */
  allowedRoleDefinitionIds?: string[];
  /** Managed HSM local role definition GUIDs that count as key access for storage encryption. */
  allowedManagedHsmRoleDefinitionIds?: string[];
}

const DEFAULT_ALLOWED_ROLES = [ROLES.keyVaultCryptoServiceEncryptionUser];
const DEFAULT_ALLOWED_HSM_ROLES = [ROLES.managedHsmCryptoServiceEncryptionUser];
const GUID_PATTERN =
  "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

function missingPermissions(grant: KeyGrant): string[] {
  const granted = new Set(grant.keyPermissions ?? []);
  if (granted.has("all")) {
    return [];
  }
  return CMK_KEY_PERMISSIONS.filter((p) => !granted.has(p.toLowerCase()));
}

/**
 * Rule 11 (stack): the identity a CMK storage account encrypts with can really use the key, through
 * the mechanism the vault's permission model honours:
 * - RBAC vault (`enableRbacAuthorization: true`): a RoleAssignment for the identity's principal of an
 *   allowed role (default Key Vault Crypto Service Encryption User, e147488a-…) scoped to the vault
 *   or the key;
 * - access-policy vault: an access policy (standalone `keyvault.AccessPolicy` or an inline entry)
 *   for that principal with key permissions get, wrapKey and unwrapKey (or "all").
 * - Managed HSM (`keyVaultUri` `https://<hsm>.managedhsm.azure.net`, the HSM in the stack): a Managed HSM local role
 *   assignment (`ManagedHardwareSecurityModuleRoleAssignment`) for the identity of an allowed local role (default
 *   Managed HSM Crypto Service Encryption User, 33413926-…) on `/`, `/keys` or `/keys/<key>`; vault access policies and
 *   Azure RBAC role assignments do not reach an HSM's keys.
 * A grant through the other mechanism is reported as ignored. Relationships come from the graph
 * (`principalId`/`scope`/`policy`/`vaultName` dependencies), else from ids and names.
 * Accounts whose vault or identity is outside the stack are left to `cmk-references-resolvable`.
 */
export const cmkIdentityKeyAccess: StackValidationPolicy = {
  name: "cmk-identity-key-access",
  description:
    "The identity a storage account encrypts with must be granted get, wrapKey and unwrapKey on its key, in the vault's permission model.",
  configSchema: {
    properties: {
      allowedRoleDefinitionIds: {
        type: "array",
        items: {
          type: "string",
          pattern: GUID_PATTERN,
        },
        minItems: 1,
        uniqueItems: true,
        default: DEFAULT_ALLOWED_ROLES,
        description: "Role definition GUIDs accepted as key access on RBAC vaults.",
      },
      allowedManagedHsmRoleDefinitionIds: {
        type: "array",
        items: { type: "string", pattern: GUID_PATTERN },
        minItems: 1,
        uniqueItems: true,
        default: DEFAULT_ALLOWED_HSM_ROLES,
        description:
          "Managed HSM local role definition GUIDs accepted as key access on Managed HSM keys.",
      },
    },
  },
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'RBAC vault: assign "Key Vault Crypto Service Encryption User" (e147488a-f6f5-4113-8e2d-b22465e65bf6) to the identity at the key or vault scope. Access-policy vault: add a keyvault.AccessPolicy for the identity\'s principal with keys ["get", "wrapKey", "unwrapKey"]. Make the storage account depend on the grant.',
  url: URLS.storageCmk,
  validateStack: (args, reportViolation) => {
    const {
      allowedRoleDefinitionIds = DEFAULT_ALLOWED_ROLES,
      allowedManagedHsmRoleDefinitionIds = DEFAULT_ALLOWED_HSM_ROLES,
    } = args.getConfig<CmkIdentityKeyAccessConfig>();
    const allowed = new Set(allowedRoleDefinitionIds.map((r) => r.toLowerCase()));
    const allowedHsm = new Set(allowedManagedHsmRoleDefinitionIds.map((r) => r.toLowerCase()));
    const graph = new StackGraph(args.resources);
    for (const account of graph.cmkAccounts()) {
      const { vault, key, identity, keyStore } = graph.resolveCmk(account);
      if (vault === undefined || identity === undefined) {
        continue;
      }
      if (keyStore === "managedHsm") {
        const keyName = encryptionOf(account).keyName;
        const grants = graph.hsmGrantsFor(identity, vault, keyName);
        if (!grants.some((g) => allowedHsm.has(g.roleGuid ?? ""))) {
          const others = grants.map((g) => `"${g.roleGuid ?? "unknown"}"`);
          reportViolation(
            `Encryption identity "${identity.name}" of storage account "${account.name}" has no Managed HSM local role assignment of an allowed role (${[...allowedHsm].join(", ")}) on key "${keyName ?? "?"}" of Managed HSM "${vault.name}"${others.length > 0 ? `; its local role assignment(s) grant role(s) ${others.join(", ")}, which are not allowed` : ""}. Managed HSM keys honour neither vault access policies nor Azure RBAC role assignments.`,
            account.urn,
          );
        }
        continue;
      }
      const rbac = readProp(vault, "enableRbacAuthorization") === true;
      const grants = graph.grantsFor(identity, vault, key);
      const roleGrants = grants.filter((g) => g.kind === "roleAssignment");
      const policyGrants = grants.filter((g) => g.kind !== "roleAssignment");
      const subject = `Encryption identity "${identity.name}" of storage account "${account.name}"`;
      if (rbac) {
        if (roleGrants.some((g) => allowed.has(g.roleGuid ?? ""))) {
          continue;
        }
        const notes: string[] = [];
        const otherRoles = roleGrants.map((g) => g.roleGuid ?? "unknown");
        if (otherRoles.length > 0) {
          notes.push(
            `its role assignment(s) grant role(s) ${otherRoles.map((r) => `"${r}"`).join(", ")}, which are not allowed`,
          );
        }
        if (policyGrants.length > 0) {
          notes.push("it has an access policy, which an RBAC vault ignores");
        }
        reportViolation(
          `${subject} has no role assignment of an allowed role (${[...allowed].join(", ")}) on vault "${vault.name}"${key ? ` or key "${key.name}"` : ""}, which uses Azure RBAC${notes.length > 0 ? `; ${notes.join("; ")}` : ""}.`,
          account.urn,
        );
        continue;
      }
      if (policyGrants.some((g) => missingPermissions(g).length === 0)) {
        continue;
      }
      if (policyGrants.length > 0) {
        const missing = [...new Set(policyGrants.flatMap(missingPermissions))];
        reportViolation(
          `${subject} has an access policy on vault "${vault.name}" without key permission(s) ${missing.map((p) => `"${p}"`).join(", ")}; it needs get, wrapKey and unwrapKey.`,
          account.urn,
        );
        continue;
      }
      reportViolation(
        `${subject} has no access policy on vault "${vault.name}" granting get, wrapKey and unwrapKey${roleGrants.length > 0 ? "; its role assignment is ignored because the vault uses access policies (enableRbacAuthorization is not true)" : ""}.`,
        account.urn,
      );
    }
  },
};
