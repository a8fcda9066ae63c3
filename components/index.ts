/**
 * @cmk-platform/azure-cmk-storage: Pulumi components for customer-managed-key encrypted Azure Storage.
 *
 * The component classes exported here are what `pulumi package add` publishes to other languages (SecureVault,
 * ManagedKeyRotation, CmkStorageAccount). StorageAccessKeyRotation runs a dynamic resource, which Pulumi cannot host for
 * other languages, so it is exported from `@cmk-platform/azure-cmk-storage/access-key-rotation` instead.
 */
export { closestName, didYouMean } from "./argumentNames";
export { AzureBuiltInRoles, roleDefinitionId, type AzureBuiltInRoleName } from "./azureRoles";
export { AZURE_REGIONS, normaliseRegion, regionProblem } from "./azureRegions";
export {
  CmkStorageAccount,
  STORAGE_CMK_KEY_PERMISSIONS,
  validateCmkStorageAccountArgs,
} from "./cmkStorageAccount";
export type { AccountEndpoints, CmkStorageAccountArgs, SasPolicy } from "./cmkStorageAccount";
export {
  BLOB_LIMITS,
  DEFAULT_SOFT_DELETE_DAYS,
  resolveBlobServices,
  type BlobServices,
} from "./blobServices";
export { LEGACY_TYPES, PACKAGE_NAME, TYPES } from "./componentTypes";
export {
  DIAGNOSTIC_CATEGORIES,
  diagnosticsStorageIdProblem,
  eventHubNameProblem,
  eventHubRuleIdProblem,
  workspaceIdProblem,
  type DiagnosticSetting,
} from "./diagnostics";
export { type ResourceLock } from "./locks";
export {
  privateDnsZoneIdProblem,
  privateDnsZoneNames,
  type StoragePrivateEndpoint,
  type VaultPrivateEndpoint,
} from "./privateEndpoints";
export * from "./enums";
export {
  CMK_KEY_OPERATIONS,
  CMK_KEY_SIZES,
  ManagedKeyRotation,
  validateManagedKeyRotationArgs,
} from "./managedKeyRotation";
export type { ManagedKeyRotationArgs } from "./managedKeyRotation";
export * from "./naming";
export { isoDurationDays, parseIsoDuration } from "./duration";
export type { KeyReference, ManagedHsmReference, VaultReference } from "./references";
export * from "./rotationPolicy";
export { ADMINISTRATOR_KEY_PERMISSIONS, SecureVault, validateSecureVaultArgs } from "./secureVault";
export type { SecureVaultArgs, VaultAdministrator } from "./secureVault";
