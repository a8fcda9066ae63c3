import * as pulumi from "@pulumi/pulumi";
import {
  CmkStorageAccount,
  ManagedKeyRotation,
  SecureVault,
} from "@cmk-platform/azure-cmk-storage";
import type { StackSettings } from "./config";
import {
  platformVaultArgs,
  stackResourceGroup,
  teamAccountArgs,
  teamAccountOutputs,
  teamProtection,
  teamTags,
} from "./componentArgs";

export {
  stackDiagnostics,
  teamBlobServices,
  teamLock,
  teamPrivateEndpoints,
  teamProtection,
  teamTags,
} from "./componentArgs";

/** What the stack exports for operators. */
export interface PlatformOutputs {
  resourceGroupName: pulumi.Output<string>;
  vaultName: pulumi.Output<string>;
  vaultUri: pulumi.Output<string>;
  vaultPermissionModel: pulumi.Output<string>;
  keyName: pulumi.Output<string>;
  keyUri: pulumi.Output<string>;
  keyUriWithVersion: pulumi.Output<string>;
  /** Per team id: the account, its identity, and how the team is set up (display name, protection, decommissioning). */
  accounts: Record<string, TeamAccountOutputs>;
}

/** What the stack exports for one team. */
export interface TeamAccountOutputs {
  accountName: pulumi.Output<string>;
  accountId: pulumi.Output<string>;
  identityId: pulumi.Output<string>;
  identityPrincipalId: pulumi.Output<string>;
  identityClientId: pulumi.Output<string>;
  blobEndpoint: pulumi.Output<string>;
  /** The display name, when one is set (the account is named after the team id regardless). */
  displayName?: string;
  /** Whether Pulumi protects the team's resources against deletion. */
  protected: boolean;
  /** Whether the team is being removed (see README.md, "Offboarding a team"). */
  decommissioned: boolean;
  /** ARM ids of the account's private endpoints, by service (empty without endpoints). */
  privateEndpointIds: pulumi.Output<Record<string, string>>;
  /** Whether the account carries a CanNotDelete lock (never while decommissioned). */
  locked: boolean;
}

/**
 * The per-environment platform: a resource group (created or referenced), one SecureVault with one ManagedKeyRotation,
 * and one CmkStorageAccount per team (`cmk-storage:teams`, each with its overrides of the stack defaults). Composition
 * only; all resource logic is in the components.
 */
export function deployCmkPlatform(s: StackSettings): PlatformOutputs {
  const opts: pulumi.ComponentResourceOptions = { protect: s.protect };
  const resourceGroupName = stackResourceGroup(s, "platform-rg", s.protect);
  const vault = new SecureVault(
    "platform",
    platformVaultArgs(s, resourceGroupName, s.vaultPermissionModel),
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

  const stackKey = key.reference();
  const accounts: PlatformOutputs["accounts"] = {};
  for (const [team, t] of Object.entries(s.teams)) {
    const protect = teamProtection(t, s);
    if (t.decommissioned === true) {
      void pulumi.log.warn(
        `team "${team}" is decommissioned: its storage account and identity are no longer protected${(t.lock ?? s.lock) === "CanNotDelete" ? " and its account's lock is removed" : ""}. To delete them and the data, remove the team (pulumi config rm --path 'cmk-storage:teams.${team}') and run pulumi up; to keep them, remove decommissioned.`,
      );
      const rbacGrantInLockedVault =
        t.key === undefined &&
        s.vaultPermissionModel === "rbac" &&
        (s.vaultLock ?? s.lock) === "CanNotDelete";
      if (rbacGrantInLockedVault) {
        void pulumi.log.warn(
          `team "${team}": its key grant is a role assignment inside the locked vault, which Azure refuses to delete (ScopeLocked); before removing the team, set cmk-storage:vaultLock: None and run pulumi up (restore it afterwards)`,
        );
      }
    }
    // The component is named by the team id only: its URN, its children's names and the derived account name never
    // depend on the display name or any other setting, so those change in place.
    const account = new CmkStorageAccount(
      team,
      teamAccountArgs(team, t, s, {
        resourceGroupName,
        key:
          t.key !== undefined
            ? {
                vault: { vaultId: t.key.vaultId, permissionModel: t.key.permissionModel },
                keyName: t.key.keyName,
              }
            : stackKey,
        tags: teamTags(team, t),
        secretVaultPermissionModel: s.vaultPermissionModel,
      }),
      { protect },
    );
    accounts[team] = teamAccountOutputs(account, t, s);
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
