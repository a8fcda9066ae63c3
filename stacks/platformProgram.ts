import * as pulumi from "@pulumi/pulumi";
import { ManagedKeyRotation, SecureVault } from "@cmk-platform/azure-cmk-storage";
import type { PlatformSettings } from "./fleetConfig";
import { platformVaultArgs, stackResourceGroup } from "./componentArgs";

/**
 * A platform key as the platform stack exports it (`keys.<keyId>`): plain data, everything a team stack in another
 * subscription needs to use the key (a `KeyReference` for CmkStorageAccount) and everything the policy pack checks
 * across stacks (region, tenant, key type and size, rotation).
 */
export interface PlatformKeyReference {
  vault: {
    vaultId: string;
    vaultUri: string;
    permissionModel: "rbac";
    sku: string;
    location: string;
    tenantId: string;
  };
  keyName: string;
  /** ARM id of the key (`<vaultId>/keys/<keyName>`): the scope of the team's role assignment. */
  keyId: string;
  /** Versionless key URI. */
  keyUri: string;
  keyType: "RSA" | "RSA-HSM";
  keySize: number;
  /** The key's rotation policy (ISO-8601 durations). */
  rotation: { rotateAfter: string; expiresAfter: string; notifyBefore: string };
  enabled: boolean;
}

/** What a platform stack exports. */
export interface PlatformStackOutputs {
  keys: pulumi.Output<Record<string, PlatformKeyReference>>;
  location: string;
  tenantId: pulumi.Output<string>;
  subscriptionId: string;
  resourceGroupName: pulumi.Output<string>;
  vaultName: pulumi.Output<string>;
  vaultUri: pulumi.Output<string>;
}

/**
 * A region's key platform: a resource group (created or referenced), one RBAC SecureVault whose administrators are the
 * platform operators (Key Vault Crypto Officer on the vault), and one ManagedKeyRotation per platform key. Team stacks
 * in other subscriptions consume the keys through `pulumi.StackReference` and grant themselves with a role assignment
 * on the key. Composition only; all resource logic is in the components.
 */
export function deployKeyPlatform(s: PlatformSettings): PlatformStackOutputs {
  const opts: pulumi.ComponentResourceOptions = { protect: s.protect };
  const resourceGroupName = stackResourceGroup(s, "platform-rg", s.protect);
  // RBAC always: team stacks in other subscriptions grant themselves with a role assignment on the key.
  const vault = new SecureVault("platform", platformVaultArgs(s, resourceGroupName, "rbac"), opts);

  const rotation = {
    rotateAfter: s.keyRotateAfter,
    expiresAfter: s.keyExpiresAfter,
    notifyBefore: s.keyNotifyBefore,
  };
  const vaultData = pulumi
    .all([vault.vaultId, vault.vaultUri, vault.sku, vault.location, vault.tenantId])
    .apply(([vaultId, vaultUri, sku, location, tenantId]) => ({
      vaultId,
      vaultUri,
      permissionModel: "rbac" as const,
      sku,
      location,
      tenantId,
    }));
  const entries = Object.entries(s.platformKeys).map(([id, k]) => {
    // Named by the key id only: adding a key later never renames the existing ones.
    const key = new ManagedKeyRotation(
      `platform-${id}-cmk`,
      {
        vault: vault.reference(),
        keyName: `${s.namePrefix}-${id}-cmk`,
        keyType: k.keyType,
        keySize: k.keySize,
        rotateAfter: s.keyRotateAfter,
        expiresAfter: s.keyExpiresAfter,
        notifyBefore: s.keyNotifyBefore,
        enabled: k.enabled,
        protectKey: k.protect,
      },
      opts,
    );
    return pulumi
      .all([vaultData, key.keyName, key.keyId, key.keyUri])
      .apply(([v, keyName, keyId, keyUri]): [string, PlatformKeyReference] => [
        id,
        {
          vault: v,
          keyName,
          keyId,
          keyUri,
          keyType: k.keyType,
          keySize: k.keySize,
          rotation,
          enabled: k.enabled,
        },
      ]);
  });

  return {
    keys: pulumi.all(entries).apply((e) => Object.fromEntries(e)),
    location: s.location,
    tenantId: vault.tenantId,
    subscriptionId: s.subscriptionId,
    resourceGroupName,
    vaultName: vault.vaultName,
    vaultUri: vault.vaultUri,
  };
}
