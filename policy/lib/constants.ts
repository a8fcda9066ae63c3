import type { EnforcementLevel } from "@pulumi/policy";

/** Name of the pack (`policy/index.ts` registers it under this name; `^[a-zA-Z0-9-_.]{1,100}$`). */
export const PACK_NAME = "cmk-guard";
/** Pack-level enforcement level: a policy's level when neither the config file nor the policy sets one. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

/** Pulumi type tokens of the azure-native resources the pack inspects. */
export const TYPES = {
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  accessPolicy: "azure-native:keyvault:AccessPolicy",
  storageAccount: "azure-native:storage:StorageAccount",
  userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  /** Key Vault Managed HSM (control plane). */
  managedHsm: "azure-native:keyvault:ManagedHsm",
  /** Managed HSM local RBAC role assignment (data plane; @pulumi/azure). */
  hsmRoleAssignment:
    "azure:keyvault/managedHardwareSecurityModuleRoleAssignment:ManagedHardwareSecurityModuleRoleAssignment",
} as const;

/** Built-in Azure role definition GUIDs. */
export const ROLES = {
  /** Key Vault Crypto Service Encryption User: get, wrapKey, unwrapKey on keys. */
  keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  /**
   * Managed HSM Crypto Service Encryption User (a Managed HSM local role): keys read, wrap, unwrap
   * (learn.microsoft.com/azure/key-vault/managed-hsm/built-in-roles).
   */
  managedHsmCryptoServiceEncryptionUser: "33413926-3206-4cdd-b39a-83574fe37a17",
} as const;

/** Key permissions an access policy must grant the encryption identity for storage CMK. */
export const CMK_KEY_PERMISSIONS = ["get", "wrapKey", "unwrapKey"] as const;

/** Shortest rotation-policy expiry Key Vault accepts (`expiryTime` ≥ P28D). */
export const MIN_KEY_EXPIRY_DAYS = 28;

/** Key Vault's default RSA key size when `keySize` is omitted. */
export const DEFAULT_RSA_KEY_SIZE = 2048;

/** Links used as policy `url`s (the anchors each policy mirrors). */
export const URLS = {
  azPolicy: (guid: string): string =>
    `https://portal.azure.com/#view/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F${guid}`,
  kvSoftDelete: "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
  kvNetwork: "https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints",
  kvAccessPolicy:
    "https://www.pulumi.com/registry/packages/azure-native/api-docs/keyvault/accesspolicy/",
  kvKeyRotation: "https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation",
  storageCmk:
    "https://learn.microsoft.com/azure/storage/common/customer-managed-keys-configure-new-account",
  storageCmkCrossTenant:
    "https://learn.microsoft.com/azure/storage/common/customer-managed-keys-configure-cross-tenant-new-account",
  storageCmkOverview:
    "https://learn.microsoft.com/azure/storage/common/customer-managed-keys-overview",
  pulumiProtect: "https://www.pulumi.com/docs/iac/concepts/options/protect/",
} as const;
