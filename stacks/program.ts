import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { CmkStorageAccount, ManagedKeyRotation, SecureVault } from "@cmk-platform/azure-cmk-storage";
import type { StackSettings } from "./config";

/** What the stack exports for operators. */
export interface PlatformOutputs {
  resourceGroupName: pulumi.Output<string>;
  vaultName: pulumi.Output<string>;
  vaultUri: pulumi.Output<string>;
  vaultPermissionModel: pulumi.Output<string>;
  keyName: pulumi.Output<string>;
  keyUri: pulumi.Output<string>;
  keyUriWithVersion: pulumi.Output<string>;
  accounts: Record<string, { accountName: pulumi.Output<string>; accountId: pulumi.Output<string>; identityId: pulumi.Output<string>; identityPrincipalId: pulumi.Output<string>; identityClientId: pulumi.Output<string>; blobEndpoint: pulumi.Output<string> }>;
}

/**
 * The per-environment platform: a resource group (created or referenced), one SecureVault with one ManagedKeyRotation,
 * and one CmkStorageAccount per team. Composition only; all resource logic is in the components.
 */
export function deployCmkPlatform(s: StackSettings): PlatformOutputs {
  const opts: pulumi.ComponentResourceOptions = { protect: s.protect };
  const resourceGroupName: pulumi.Output<string> = s.createResourceGroup
    ? new resources.ResourceGroup("platform-rg", { resourceGroupName: s.resourceGroupName, location: s.location }, { protect: s.protect }).name
    : pulumi.output(s.resourceGroupName);

  const vault = new SecureVault(
    "platform",
    {
      resourceGroupName,
      location: s.location,
      ...(s.tenantId !== undefined ? { tenantId: s.tenantId } : {}),
      ...(s.vaultName !== undefined ? { vaultName: s.vaultName } : { namePrefix: `${s.namePrefix}-kv` }),
      sku: s.vaultSku,
      permissionModel: s.vaultPermissionModel,
      softDeleteRetentionInDays: s.vaultSoftDeleteRetentionInDays,
      publicNetworkAccess: s.vaultPublicNetworkAccess,
      allowedIpRanges: s.vaultAllowedIpRanges,
      allowedSubnetIds: s.vaultAllowedSubnetIds,
      administrators: s.vaultAdministratorObjectIds.map((objectId) => ({ objectId, principalType: s.vaultAdministratorPrincipalType })),
    },
    opts,
  );

  const key = new ManagedKeyRotation(
    "platform-cmk",
    {
      vault: vault.reference(),
      keyName: `${s.namePrefix}-storage-cmk`,
      keyType: s.keyType,
      keySize: s.keySize,
      rotateAfter: s.keyRotateAfter,
      expiresAfter: s.keyExpiresAfter,
      notifyBefore: s.keyNotifyBefore,
      enabled: s.keyEnabled,
      protectKey: s.keyProtect,
    },
    opts,
  );

  const accounts: PlatformOutputs["accounts"] = {};
  for (const team of s.accounts) {
    const account = new CmkStorageAccount(
      team,
      {
        resourceGroupName,
        location: s.location,
        namePrefix: `${s.namePrefix}${team}`,
        key: key.reference(),
        ...(s.tenantId !== undefined ? { tenantId: s.tenantId } : {}),
        skuName: s.accountSku,
        allowedIpRanges: s.accountAllowedIpRanges,
        rbacPropagationSeconds: s.rbacPropagationSeconds,
        tags: { team },
      },
      opts,
    );
    accounts[team] = {
      accountName: account.accountName,
      accountId: account.accountId,
      identityId: account.identityId,
      identityPrincipalId: account.identityPrincipalId,
      identityClientId: account.identityClientId,
      blobEndpoint: account.primaryEndpoints.apply((e) => e.blob),
    };
  }

  return {
    resourceGroupName,
    vaultName: vault.vaultName,
    vaultUri: vault.vaultUri,
    vaultPermissionModel: vault.permissionModel,
    keyName: key.keyName,
    keyUri: key.keyUri,
    keyUriWithVersion: key.keyUriWithVersion,
    accounts,
  };
}
