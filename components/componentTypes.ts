/**
 * Type tokens of the components. Pulumi's component provider requires `<package>:index:<Class>`, where `<package>` is
 * the npm package name without its scope (`@cmk-platform/azure-cmk-storage` → `azure-cmk-storage`). Releases up to
 * 0.1.0 registered the tokens in `LEGACY_TYPES`; every component aliases its legacy token, so existing stacks keep
 * their resources (and their children's URNs) instead of replacing them.
 */
export const PACKAGE_NAME = "azure-cmk-storage";

export const TYPES = {
  SecureVault: `${PACKAGE_NAME}:index:SecureVault`,
  ManagedKeyRotation: `${PACKAGE_NAME}:index:ManagedKeyRotation`,
  CmkStorageAccount: `${PACKAGE_NAME}:index:CmkStorageAccount`,
  StorageAccessKeyRotation: `${PACKAGE_NAME}:index:StorageAccessKeyRotation`,
} as const;

export const LEGACY_TYPES: Record<keyof typeof TYPES, string> = {
  SecureVault: "cmk:keyvault:SecureVault",
  ManagedKeyRotation: "cmk:keyvault:ManagedKeyRotation",
  CmkStorageAccount: "cmk:storage:CmkStorageAccount",
  StorageAccessKeyRotation: "cmk:storage:StorageAccessKeyRotation",
};
