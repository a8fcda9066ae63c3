/**
 * `@cmk-platform/azure-cmk-storage/access-key-rotation`: StorageAccessKeyRotation for TypeScript and JavaScript programs.
 * Kept out of the package's main entry so the component package schema (other languages) does not offer a component
 * that Pulumi cannot host for them (a dynamic resource, pulumi/pulumi#5455).
 */
export {
  accessKeyRotationPermissions,
  StorageAccessKeyRotation,
  validateStorageAccessKeyRotationArgs,
  type AccessKeyRotationPermissions,
  type StorageAccessKeyRotationArgs,
} from "./storageAccessKeyRotation";
