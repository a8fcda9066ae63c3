/**
 * Cross-stack grant family: a team stack's grant on a key in a vault that another stack created (a platform stack, in
 * `state.referenced`) must be one the vault's permission model honours. Azure accepts the grant request itself; the
 * deployment fails later, when the team's storage account is created with the key (KeyVaultAuthenticationFailure), or
 * the grant disappears at the platform stack's next update. The simulation refuses the grant, where the fix is.
 * - an Azure RBAC role assignment on an RBAC vault (or a key in it): honoured, accepted;
 * - a role assignment on an access-policy vault: Key Vault evaluates no data-plane role assignments there;
 * - an access policy on another stack's vault: an RBAC vault ignores access policies; on an access-policy vault the
 *   entries are part of the vault resource, which the other stack owns (its next update writes its own list), and a
 *   vault holds at most 1,024 of them.
 */
import { T, type ArmRule, type PendingResource, type AzureState } from "../armTypes";
import type { RecordedResource } from "../recorder";
import type * as SimulatedAzure from "../simulatedAzure";
import { lc } from "../text";

/** Loaded on first use: `simulatedAzure.ts` loads this family while it loads (see storageEncryption.ts). */
function az(): typeof SimulatedAzure {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../simulatedAzure") as typeof SimulatedAzure;
}

export const CROSS_STACK_SOURCES = {
  models:
    'learn.microsoft.com key-vault/general/rbac-guide ("Azure RBAC permission model": with it enabled, access policies are not evaluated) and key-vault/general/rbac-migration ("Access policy to Azure RBAC migration": the permission model is a vault property, enableRbacAuthorization; the vault honours one model at a time); Azure/azure-rest-api-specs keyvault.json 2024-11-01 VaultProperties.enableRbacAuthorization ("the access policies specified in vault properties will be ignored")',
  accessPolicyOwnership:
    'learn.microsoft.com key-vault/general/assign-access-policy (access policies are part of the vault; "a key vault supports up to 1024 access policy entries"); Azure/azure-rest-api-specs keyvault.json 2024-11-01 Vaults_CreateOrUpdate (the PUT carries properties.accessPolicies, the whole list)',
} as const;

/** The stack that created a resource (its URN's stack segment). */
function stackOf(r: RecordedResource): string {
  return r.urn.split("::")[0].split(":").pop() ?? "";
}

/** The referenced (other stack's) vault a scope or vault name points at, if any. */
function referencedVault(
  state: AzureState,
  match: (vault: RecordedResource) => boolean,
): RecordedResource | undefined {
  const idx = az().indexOf(state);
  if (idx.referenced.size === 0) return undefined;
  for (const vault of idx.byType.get(T.vault) ?? []) {
    if (idx.referenced.has(vault.urn) && match(vault)) return vault;
  }
  return undefined;
}

const isRbac = (vault: RecordedResource): boolean =>
  vault.inputs.properties?.enableRbacAuthorization === true;

function vaultLabel(vault: RecordedResource): string {
  return `vault '${vault.outputs.name ?? vault.name}' of stack ${stackOf(vault)}`;
}

export const CROSS_STACK_GRANT_RULES: readonly ArmRule[] = [
  {
    id: "cross-stack-role-assignment-model",
    code: "KeyVaultAuthenticationFailure",
    types: [T.roleAssignment],
    title:
      "Role assignment on a key or vault of another stack whose vault uses access policies (Key Vault does not evaluate it)",
    source: CROSS_STACK_SOURCES.models,
    check(p: PendingResource, s: AzureState) {
      const scope = lc(String(p.inputs.scope ?? "")).replace(/\/+$/, "");
      if (!scope.includes("/providers/microsoft.keyvault/vaults/")) return undefined;
      const vault = referencedVault(s, (v) => {
        const id = lc(v.id);
        return id !== "" && (scope === id || scope.startsWith(`${id}/`));
      });
      if (!vault || isRbac(vault)) return undefined;
      return `The role assignment on ${p.inputs.scope} grants nothing: ${vaultLabel(vault)} uses access policies (properties.enableRbacAuthorization false), and Key Vault evaluates no data-plane role assignments on such a vault, so principal ${p.inputs.principalId} cannot use the key and the storage account that needs it fails with KeyVaultAuthenticationFailure. Fix: make the platform vault an RBAC vault (cmk-storage:vaultPermissionModel rbac in stack ${stackOf(vault)}); key references shared across stacks need the RBAC model.`;
    },
  },
  {
    id: "cross-stack-access-policy",
    code: "KeyVaultAuthenticationFailure",
    types: [T.accessPolicy],
    title:
      "Access policy on a vault that another stack created (ignored, or overwritten by that stack)",
    source: `${CROSS_STACK_SOURCES.models}; ${CROSS_STACK_SOURCES.accessPolicyOwnership}`,
    check(p: PendingResource, s: AzureState) {
      const name = lc(String(p.inputs.vaultName ?? ""));
      if (!name) return undefined;
      const vault = referencedVault(s, (v) => lc(v.outputs.name ?? v.name) === name);
      if (!vault) return undefined;
      const principal = String(p.inputs.policy?.objectId ?? "");
      const fix = `Fix: grant with an Azure RBAC role assignment of Key Vault Crypto Service Encryption User on the key (key reference permissionModel "rbac", made by this stack at the key's scope)${isRbac(vault) ? "" : `, after making the platform vault an RBAC vault (cmk-storage:vaultPermissionModel rbac in stack ${stackOf(vault)})`}.`;
      return isRbac(vault)
        ? `The access policy for principal ${principal} on ${vaultLabel(vault)} grants nothing: the vault uses Azure RBAC (properties.enableRbacAuthorization true), which ignores access policies, so the storage account that needs the key fails with KeyVaultAuthenticationFailure. ${fix}`
        : `The access policy for principal ${principal} on ${vaultLabel(vault)} does not last: access policies are part of that vault (properties.accessPolicies, at most 1,024 entries), which stack ${stackOf(vault)} manages, so its next update writes its own list and drops this grant (and the team's account loses its key). ${fix}`;
    },
  },
];
