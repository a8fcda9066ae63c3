/**
 * Built-in Azure role definition GUIDs used by the components, in one named map (no GUIDs inline elsewhere).
 * Sources: Azure built-in roles reference (learn.microsoft.com/azure/role-based-access-control/built-in-roles),
 * also used by AVM's `builtInRoleNames` map.
 */
export const AzureBuiltInRoles = {
  /**
   * Key Vault Crypto Service Encryption User: keys/read, keys/wrap/action, keys/unwrap/action. The narrowest role
   * an Azure service (here: Storage) needs to use a customer-managed key. RBAC-model vaults only.
   */
  KeyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  /**
   * Key Vault Crypto Officer: manage keys (create, rotate, rotation policies, delete). The narrowest built-in role that
   * lets an administrator or CI identity manage the CMK and its rotation policy in an RBAC-model vault.
   */
  KeyVaultCryptoOfficer: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
  /**
   * Key Vault Secrets Officer: every secret data action (get, set, list, delete, ...), no permission management. The
   * narrowest built-in role that can write a secret version in an RBAC-model vault (Secrets User is read-only); used by
   * StorageAccessKeyRotation's deploying identity to publish the active storage account key.
   */
  KeyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  /**
   * Storage Account Key Operator Service Role: actions `Microsoft.Storage/storageAccounts/listkeys/action` and
   * `.../regeneratekey/action` only (no read). Used by StorageAccessKeyRotation to list and regenerate access keys.
   */
  StorageAccountKeyOperatorServiceRole: "81a9662b-bebf-436f-a333-f67b29880f12",
  /**
   * Reader: every control-plane read action, no data actions and no listKeys. StorageAccessKeyRotation needs
   * `Microsoft.Storage/storageAccounts/read` to read the account's `keyCreationTime`, which the Key Operator role lacks.
   */
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
} as const;

export type AzureBuiltInRoleName = keyof typeof AzureBuiltInRoles;

/** The full ARM role definition id for a built-in role in a subscription (what `RoleAssignment.roleDefinitionId` takes). */
export function roleDefinitionId(subscriptionId: string, role: AzureBuiltInRoleName): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRoles[role]}`;
}

/**
 * Managed HSM local RBAC built-in role definition GUIDs (learn.microsoft.com/azure/key-vault/managed-hsm/built-in-roles).
 * These roles exist inside each HSM's data plane, not in Azure RBAC: they are assigned with Managed HSM role
 * assignments (scope `/`, `/keys` or `/keys/<key name>`), never with `authorization.RoleAssignment`.
 */
export const ManagedHsmLocalRoles = {
  /**
   * Managed HSM Crypto Service Encryption User: keys/read, keys/wrap/action, keys/unwrap/action ("grants permissions to
   * use a key for service encryption"). The narrowest role Azure Storage needs to use a Managed HSM key.
   */
  ManagedHsmCryptoServiceEncryptionUser: "33413926-3206-4cdd-b39a-83574fe37a17",
} as const;

export type ManagedHsmLocalRoleName = keyof typeof ManagedHsmLocalRoles;

/**
 * The role definition id a Managed HSM role assignment takes for a built-in local role:
 * `/Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/<guid>` (the id the HSM's role definitions
 * list answers, which the azurerm provider's `role_definition_id` expects with a leading slash).
 */
export function managedHsmRoleDefinitionId(role: ManagedHsmLocalRoleName): string {
  return `/Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${ManagedHsmLocalRoles[role]}`;
}
