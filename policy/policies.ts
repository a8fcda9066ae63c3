/**
 * Every policy of the cmk-guard pack, in the pack's order. Tests, the offline preview and
 * `policy/index.ts` load policies from here; importing this module has no side effects.
 */
import { type Policies } from "@pulumi/policy";
import { keyHsmBacked } from "./keyvault/keyHsmBacked";
import { keyRotationExpiry } from "./keyvault/keyRotationExpiry";
import { keyRotationNotify } from "./keyvault/keyRotationNotify";
import { keyRotationPolicy } from "./keyvault/keyRotationPolicy";
import { keyTypeAndSize } from "./keyvault/keyTypeAndSize";
import { vaultNetworkRestricted } from "./keyvault/vaultNetworkRestricted";
import { vaultPurgeProtection } from "./keyvault/vaultPurgeProtection";
import { vaultSoftDelete } from "./keyvault/vaultSoftDelete";
import { vaultSoftDeleteRetention } from "./keyvault/vaultSoftDeleteRetention";
import { vaultTrustedServicesBypass } from "./keyvault/vaultTrustedServicesBypass";
import { accessPolicySingleSource } from "./stack/accessPolicySingleSource";
import { cmkCrossStackKey } from "./stack/cmkCrossStackKey";
import { cmkIdentityKeyAccess } from "./stack/cmkIdentityKeyAccess";
import { cmkKeyDeletionProtected } from "./stack/cmkKeyDeletionProtected";
import { cmkKeyDisabled } from "./stack/cmkKeyDisabled";
import { cmkKeyRotationEffective } from "./stack/cmkKeyRotationEffective";
import { cmkKeyValidity } from "./stack/cmkKeyValidity";
import { cmkReferencesResolvable } from "./stack/cmkReferencesResolvable";
import { cmkRegionColocation } from "./stack/cmkRegionColocation";
import { cmkTenantColocation } from "./stack/cmkTenantColocation";
import { cmkVaultRecoverable } from "./stack/cmkVaultRecoverable";
import { storageBlobPublicAccess } from "./storage/blobPublicAccess";
import { storageCmkAllServices } from "./storage/cmkAllServices";
import { storageCmkEnabled } from "./storage/cmkEnabled";
import { storageCmkIdentity } from "./storage/cmkIdentity";
import { storageCmkVersionlessKey } from "./storage/cmkVersionlessKey";
import { storageHttpsOnly } from "./storage/httpsOnly";
import { storageInfrastructureEncryption } from "./storage/infrastructureEncryption";
import { storageMinimumTls } from "./storage/minimumTls";
import { storageSharedKeyDisabled } from "./storage/sharedKeyDisabled";

export {
  accessPolicySingleSource,
  cmkCrossStackKey,
  cmkIdentityKeyAccess,
  cmkKeyDeletionProtected,
  cmkKeyDisabled,
  cmkKeyRotationEffective,
  cmkKeyValidity,
  cmkReferencesResolvable,
  cmkRegionColocation,
  cmkTenantColocation,
  cmkVaultRecoverable,
  keyHsmBacked,
  keyRotationExpiry,
  keyRotationNotify,
  keyRotationPolicy,
  keyTypeAndSize,
  storageBlobPublicAccess,
  storageCmkAllServices,
  storageCmkEnabled,
  storageCmkIdentity,
  storageCmkVersionlessKey,
  storageHttpsOnly,
  storageInfrastructureEncryption,
  storageMinimumTls,
  storageSharedKeyDisabled,
  vaultNetworkRestricted,
  vaultPurgeProtection,
  vaultSoftDelete,
  vaultSoftDeleteRetention,
  vaultTrustedServicesBypass,
};

/** The pack's policies, in order: vault, key, storage (resource rules), then stack rules. */
export const policies: Policies = [
  // Rules 1, 2, 7: Key Vault
  vaultSoftDelete,
  vaultSoftDeleteRetention,
  vaultPurgeProtection,
  vaultNetworkRestricted,
  vaultTrustedServicesBypass,
  // Rules 4, 8: keys
  keyTypeAndSize,
  keyRotationPolicy,
  keyRotationExpiry,
  keyRotationNotify,
  keyHsmBacked,
  // Rules 5, 6: storage accounts
  storageCmkEnabled,
  storageCmkVersionlessKey,
  storageCmkIdentity,
  storageHttpsOnly,
  storageMinimumTls,
  storageBlobPublicAccess,
  storageSharedKeyDisabled,
  storageInfrastructureEncryption,
  storageCmkAllServices,
  // Rules 3, 9–14: stack
  accessPolicySingleSource,
  cmkRegionColocation,
  cmkTenantColocation,
  cmkIdentityKeyAccess,
  cmkVaultRecoverable,
  cmkKeyRotationEffective,
  cmkKeyValidity,
  cmkKeyDisabled,
  cmkKeyDeletionProtected,
  cmkReferencesResolvable,
  // Fleet layout: a team stack's account against the platform key reference it consumes
  cmkCrossStackKey,
];

export { PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./lib/constants";
