import * as pulumi from "@pulumi/pulumi";
import type { VaultPermissionModel, VaultSku } from "./enums";

/**
 * A Key Vault, as plain data: what a component needs to put a key in it, grant access to it, or check colocation with
 * it. Every language can build one from a `SecureVault`'s outputs (TypeScript: `vault.reference()`), or describe an
 * existing vault by its ARM id.
 */
export interface VaultReference {
  /** ARM resource id of the vault: `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>`. Required. */
  vaultId: pulumi.Input<string>;
  /**
   * Permission model of the vault: "accessPolicy" or "rbac". Required, and a plain value (not an output), because it
   * decides which kind of grant is created; a SecureVault's `permissionModel` is the value it was configured with.
   */
  permissionModel: VaultPermissionModel;
  /** Data-plane URI of the vault, e.g. `https://<name>.vault.azure.net/`. Default: `https://<vault name>.vault.azure.net` (Azure public cloud). */
  vaultUri?: pulumi.Input<string>;
  /** Vault SKU ("standard" or "premium"), so an RSA-HSM key on a standard vault is refused. Default: unknown, not checked. */
  sku?: pulumi.Input<VaultSku>;
  /** Azure region of the vault, for the colocation check with storage accounts. Default: unknown, not checked. */
  location?: pulumi.Input<string>;
  /** Entra ID tenant of the vault, for the tenant check with storage accounts. Default: unknown, not checked. */
  tenantId?: pulumi.Input<string>;
}

/**
 * An Azure Key Vault Managed HSM (FIPS 140-3 Level 3, single-tenant), as plain data: what a storage account needs to
 * use a key in it. Access to its keys is Managed HSM local RBAC (role assignments inside the HSM), never vault access
 * policies or Azure RBAC. Soft delete is always on for a Managed HSM; purge protection (`enablePurgeProtection`) must
 * be on for storage encryption.
 */
export interface ManagedHsmReference {
  /** ARM resource id of the HSM: `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/managedHSMs/<name>`. Required. */
  hsmId: pulumi.Input<string>;
  /** Data-plane URI of the HSM, e.g. `https://<name>.managedhsm.azure.net/`. Default: `https://<HSM name>.managedhsm.azure.net` (Azure public cloud). */
  hsmUri?: pulumi.Input<string>;
  /** Azure region of the HSM, for the colocation check with storage accounts. Default: unknown, not checked. */
  location?: pulumi.Input<string>;
  /** Entra ID tenant of the HSM, for the tenant check with storage accounts. Default: unknown, not checked. */
  tenantId?: pulumi.Input<string>;
}

/**
 * A customer-managed key, as plain data: where it is (a Key Vault vault or a Managed HSM, exactly one) and its name.
 * Build one from a `ManagedKeyRotation`'s outputs (TypeScript: `key.reference()`), or describe an existing key by its
 * vault (or Managed HSM) and name.
 */
export interface KeyReference {
  /**
   * The Key Vault vault that holds the key. Required unless `managedHsm` is given (exactly one of the two). Default:
   * none when `managedHsm` is given.
   */
  vault?: VaultReference;
  /**
   * The Managed HSM that holds the key, instead of a vault; the key is then granted with the Managed HSM local role
   * "Managed HSM Crypto Service Encryption User" on `/keys/<keyName>`. Default: none (the key is in `vault`).
   */
  managedHsm?: ManagedHsmReference;
  /** Name of the key in the vault or HSM (1-127 letters, digits and hyphens). Required. */
  keyName: pulumi.Input<string>;
  /**
   * ARM resource id of the key, the scope of RBAC grants (vault keys only; a Managed HSM key is granted on
   * `/keys/<keyName>` inside the HSM, so it takes no keyId). Default: `<vaultId>/keys/<keyName>`.
   */
  keyId?: pulumi.Input<string>;
}

/** The parts of a Key Vault ARM id. */
export interface VaultIdParts {
  subscriptionId: string;
  resourceGroupName: string;
  vaultName: string;
}

/** A vault reference resolved into the Outputs the components use. */
export interface ResolvedVault {
  vaultId: pulumi.Output<string>;
  vaultName: pulumi.Output<string>;
  resourceGroupName: pulumi.Output<string>;
  subscriptionId: pulumi.Output<string>;
  /** Data-plane URI without a trailing slash. */
  vaultUri: pulumi.Output<string>;
  permissionModel: VaultPermissionModel;
}

/**
 * Resolves a reference's vault id (a plain value or an output) into its parts. A plain id is validated by the caller
 * before anything is registered; an output is checked when it resolves, and a bad value fails the deployment before any
 * request that uses it is sent.
 */
export function resolveVault(
  ref: VaultReference,
  parse: (id: string) => VaultIdParts | undefined,
  describe: string,
): ResolvedVault {
  const vaultId = pulumi.output(ref.vaultId);
  const parts = vaultId.apply((id) => {
    const p = typeof id === "string" ? parse(id) : undefined;
    if (p === undefined) {
      throw new Error(
        `${describe}.vaultId must be a Key Vault resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>), got ${JSON.stringify(id)}`,
      );
    }
    return p;
  });
  const vaultName = parts.apply((p) => p.vaultName);
  const vaultUri =
    ref.vaultUri !== undefined && ref.vaultUri !== null
      ? pulumi.all([ref.vaultUri, parts]).apply(([u, p]) => {
          // The URI and the id must name the same vault, or the grant and the encryption would point at different vaults.
          const fromUri =
            typeof u === "string"
              ? /^https:\/\/([a-zA-Z0-9-]{3,24})\.vault\./.exec(u)?.[1]
              : undefined;
          if (fromUri === undefined || fromUri.toLowerCase() !== p.vaultName.toLowerCase()) {
            throw new Error(
              `${describe}.vaultUri ${JSON.stringify(u)} does not name the vault of vaultId ("${p.vaultName}"); both must describe the same vault`,
            );
          }
          return u.replace(/\/+$/, "");
        })
      : vaultName.apply((n) => `https://${n}.vault.azure.net`);
  return {
    vaultId,
    vaultName,
    resourceGroupName: parts.apply((p) => p.resourceGroupName),
    subscriptionId: parts.apply((p) => p.subscriptionId),
    vaultUri,
    permissionModel: ref.permissionModel,
  };
}

/**
 * The vault's name, once its subscription is known to be the one `clientSubscriptionId` (the Azure provider the
 * resource is created with) deploys to. azure-native addresses keys and access policies by resource group and vault
 * name in the provider's subscription, so for a vault elsewhere they would be sent to the wrong subscription.
 */
export function vaultNameInProviderSubscription(
  vault: ResolvedVault,
  clientSubscriptionId: pulumi.Input<string>,
  describe: string,
  what: string,
): pulumi.Output<string> {
  return pulumi
    .all([vault.vaultName, vault.subscriptionId, clientSubscriptionId])
    .apply(([name, vaultSub, providerSub]) => {
      if (vaultSub.toLowerCase() !== providerSub.toLowerCase()) {
        throw new Error(
          `${describe}.vaultId is in subscription ${vaultSub}, but the Azure provider deploys to subscription ${providerSub}; ` +
            `azure-native addresses ${what} by resource group and vault name in the provider's subscription. Pass an azure-native ` +
            `provider for subscription ${vaultSub} in the component's options (providers), or use an RBAC vault (role assignments are addressed by id)`,
        );
      }
      return name;
    });
}

/** The parts of a Managed HSM ARM id. */
export interface ManagedHsmIdParts {
  subscriptionId: string;
  resourceGroupName: string;
  hsmName: string;
}

/** A Managed HSM reference resolved into the Outputs the components use. */
export interface ResolvedManagedHsm {
  hsmId: pulumi.Output<string>;
  hsmName: pulumi.Output<string>;
  /** Data-plane URI without a trailing slash (what the storage account's `keyVaultUri` takes). */
  hsmUri: pulumi.Output<string>;
}

/**
 * Resolves a Managed HSM reference (plain values or outputs). Plain values are validated by the caller before anything
 * is registered; outputs are checked when they resolve, before any request that uses them is sent.
 */
export function resolveManagedHsm(
  ref: ManagedHsmReference,
  parse: (id: string) => ManagedHsmIdParts | undefined,
  nameFromUri: (uri: string) => string | undefined,
  describe: string,
): ResolvedManagedHsm {
  const hsmId = pulumi.output(ref.hsmId);
  const parts = hsmId.apply((id) => {
    const p = typeof id === "string" ? parse(id) : undefined;
    if (p === undefined) {
      throw new Error(
        `${describe}.hsmId must be a Managed HSM resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/managedHSMs/<name>), got ${JSON.stringify(id)}`,
      );
    }
    return p;
  });
  const hsmName = parts.apply((p) => p.hsmName);
  const hsmUri =
    ref.hsmUri !== undefined && ref.hsmUri !== null
      ? pulumi.all([ref.hsmUri, parts]).apply(([u, p]) => {
          const fromUri = typeof u === "string" ? nameFromUri(u) : undefined;
          if (fromUri === undefined || fromUri.toLowerCase() !== p.hsmName.toLowerCase()) {
            throw new Error(
              `${describe}.hsmUri ${JSON.stringify(u)} does not name the Managed HSM of hsmId ("${p.hsmName}"); both must describe the same HSM`,
            );
          }
          return u.replace(/\/+$/, "");
        })
      : hsmName.apply((n) => `https://${n}.managedhsm.azure.net`);
  return { hsmId, hsmName, hsmUri };
}
