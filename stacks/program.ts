import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import {
  type BlobServices,
  CmkStorageAccount,
  type DiagnosticSetting,
  ManagedKeyRotation,
  SecureVault,
  type StoragePrivateEndpoint,
} from "@cmk-platform/azure-cmk-storage";
import { dnsZoneGroup, type StackSettings, type TeamSettings } from "./config";

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
 * Tags of a team's identity and account: `team` (the id) always, then `displayName`, `owner` and `costCentre` when set,
 * then the team's free-form tags (validation keeps them off the reserved names). A team with none of these gets
 * exactly `{ team }`, as before teams had settings.
 */
export function teamTags(id: string, team: TeamSettings): Record<string, string> {
  return {
    team: id,
    ...(team.displayName !== undefined ? { displayName: team.displayName } : {}),
    ...(team.owner !== undefined ? { owner: team.owner } : {}),
    ...(team.costCentre !== undefined ? { costCentre: team.costCentre } : {}),
    ...team.tags,
  };
}

/** Pulumi protection of a team's resources: off while decommissioned, else the team's `protect`, else the stack's. */
export function teamProtection(team: TeamSettings, s: StackSettings): boolean {
  return team.decommissioned === true ? false : (team.protect ?? s.protect);
}

/**
 * The stack's diagnostic setting (one, to every destination the stack names), or none when it names no destination.
 */
export function stackDiagnostics(s: StackSettings): DiagnosticSetting[] {
  const d: DiagnosticSetting = {
    ...(s.logAnalyticsWorkspaceId !== undefined
      ? { workspaceResourceId: s.logAnalyticsWorkspaceId }
      : {}),
    ...(s.diagnosticsStorageAccountId !== undefined
      ? { storageAccountResourceId: s.diagnosticsStorageAccountId }
      : {}),
    ...(s.diagnosticsEventHubAuthorizationRuleId !== undefined
      ? { eventHubAuthorizationRuleResourceId: s.diagnosticsEventHubAuthorizationRuleId }
      : {}),
    ...(s.diagnosticsEventHubName !== undefined ? { eventHubName: s.diagnosticsEventHubName } : {}),
  };
  return Object.keys(d).length > 0 ? [{ name: "cmk-platform-diagnostics", ...d }] : [];
}

/** A team's private endpoints: its services (or the stack's) on its subnet (or the stack's), with their zones. */
export function teamPrivateEndpoints(
  team: TeamSettings,
  s: StackSettings,
): StoragePrivateEndpoint[] {
  const subnet = team.privateEndpointSubnetId ?? s.privateEndpointSubnetId;
  if (subnet === undefined) return [];
  return (team.privateEndpoints ?? s.accountPrivateEndpoints).map((service) => {
    const zone =
      s.privateDnsZoneIds[dnsZoneGroup(service) as keyof StackSettings["privateDnsZoneIds"]];
    return {
      service,
      subnetResourceId: subnet,
      ...(zone !== undefined ? { privateDnsZoneResourceId: zone } : {}),
    };
  });
}

/** A team's blob data protection: the stack's blob* keys with the team's blobProtection overrides. */
export function teamBlobServices(team: TeamSettings, s: StackSettings): BlobServices {
  const b = team.blobProtection ?? {};
  const restoreDays = b.pointInTimeRestoreDays ?? s.blobPointInTimeRestoreDays;
  const changeFeed = b.changeFeed ?? s.blobChangeFeed;
  const changeFeedDays = b.changeFeedRetentionInDays ?? s.blobChangeFeedRetentionInDays;
  return {
    deleteRetentionPolicyEnabled: true,
    deleteRetentionPolicyDays: b.softDeleteRetentionInDays ?? s.blobSoftDeleteRetentionInDays,
    containerDeleteRetentionPolicyEnabled: true,
    containerDeleteRetentionPolicyDays:
      b.containerSoftDeleteRetentionInDays ?? s.containerSoftDeleteRetentionInDays,
    isVersioningEnabled: b.versioning ?? s.blobVersioning,
    changeFeedEnabled: changeFeed,
    ...(changeFeed && changeFeedDays > 0 ? { changeFeedRetentionInDays: changeFeedDays } : {}),
    restorePolicyEnabled: restoreDays > 0,
    ...(restoreDays > 0 ? { restorePolicyDays: restoreDays } : {}),
  };
}

/** A team's lock: none while decommissioned (offboarding step 1 lifts it), else the team's or the stack's. */
export function teamLock(team: TeamSettings, s: StackSettings): "CanNotDelete" | "None" {
  return team.decommissioned === true ? "None" : (team.lock ?? s.lock);
}

/**
 * The per-environment platform: a resource group (created or referenced), one SecureVault with one ManagedKeyRotation,
 * and one CmkStorageAccount per team (`cmk-storage:teams`, each with its overrides of the stack defaults). Composition
 * only; all resource logic is in the components.
 */
export function deployCmkPlatform(s: StackSettings): PlatformOutputs {
  const opts: pulumi.ComponentResourceOptions = { protect: s.protect };
  const resourceGroupName: pulumi.Output<string> = s.createResourceGroup
    ? new resources.ResourceGroup(
        "platform-rg",
        { resourceGroupName: s.resourceGroupName, location: s.location },
        { protect: s.protect },
      ).name
    : pulumi.output(s.resourceGroupName);

  const diagnosticSettings = stackDiagnostics(s);
  const vault = new SecureVault(
    "platform",
    {
      resourceGroupName,
      location: s.location,
      ...(s.tenantId !== undefined ? { tenantId: s.tenantId } : {}),
      ...(s.vaultName !== undefined
        ? { vaultName: s.vaultName }
        : { namePrefix: `${s.namePrefix}-kv` }),
      sku: s.vaultSku,
      permissionModel: s.vaultPermissionModel,
      softDeleteRetentionInDays: s.vaultSoftDeleteRetentionInDays,
      publicNetworkAccess: s.vaultPublicNetworkAccess,
      allowedIpRanges: s.vaultAllowedIpRanges,
      allowedSubnetIds: s.vaultAllowedSubnetIds,
      administrators: s.vaultAdministratorObjectIds.map((objectId) => ({
        objectId,
        principalType: s.vaultAdministratorPrincipalType,
      })),
      ...(s.privateEndpointSubnetId !== undefined
        ? {
            privateEndpoints: [
              {
                subnetResourceId: s.privateEndpointSubnetId,
                ...(s.privateDnsZoneIds.vault !== undefined
                  ? { privateDnsZoneResourceId: s.privateDnsZoneIds.vault }
                  : {}),
              },
            ],
          }
        : {}),
      ...(diagnosticSettings.length > 0 ? { diagnosticSettings } : {}),
      ...((s.vaultLock ?? s.lock) === "CanNotDelete" ? { lock: { kind: "CanNotDelete" } } : {}),
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
    const privateEndpoints = teamPrivateEndpoints(t, s);
    const lock = teamLock(t, s);
    // The component is named by the team id only: its URN, its children's names and the derived account name never
    // depend on the display name or any other setting, so those change in place.
    const account = new CmkStorageAccount(
      team,
      {
        resourceGroupName,
        location: s.location,
        namePrefix: `${s.namePrefix}${team}`,
        key:
          t.key !== undefined
            ? {
                vault: { vaultId: t.key.vaultId, permissionModel: t.key.permissionModel },
                keyName: t.key.keyName,
              }
            : stackKey,
        ...(s.tenantId !== undefined ? { tenantId: s.tenantId } : {}),
        skuName: t.accountSku ?? s.accountSku,
        allowedIpRanges: t.allowedIpRanges ?? s.accountAllowedIpRanges,
        ...(t.allowedSubnetIds !== undefined ? { allowedSubnetIds: t.allowedSubnetIds } : {}),
        ...(t.allowSharedKeyAccess !== undefined
          ? { allowSharedKeyAccess: t.allowSharedKeyAccess }
          : {}),
        ...(t.rotateAccessKeys !== undefined ? { rotateAccessKeys: t.rotateAccessKeys } : {}),
        ...(t.accessKeyRotationPeriodInDays !== undefined
          ? { accessKeyRotationPeriodInDays: t.accessKeyRotationPeriodInDays }
          : {}),
        ...(t.accessKeySecretVaultId !== undefined
          ? {
              accessKeySecretVault: {
                vaultId: t.accessKeySecretVaultId,
                permissionModel: t.accessKeySecretVaultPermissionModel ?? s.vaultPermissionModel,
              },
            }
          : {}),
        rbacPropagationSeconds: s.rbacPropagationSeconds,
        tags: teamTags(team, t),
        ...(privateEndpoints.length > 0 ? { privateEndpoints } : {}),
        ...(diagnosticSettings.length > 0 ? { diagnosticSettings } : {}),
        ...(lock === "CanNotDelete" ? { lock: { kind: "CanNotDelete" } } : {}),
        blobServices: teamBlobServices(t, s),
      },
      { protect },
    );
    accounts[team] = {
      accountName: account.accountName,
      accountId: account.accountId,
      identityId: account.identityId,
      identityPrincipalId: account.identityPrincipalId,
      identityClientId: account.identityClientId,
      blobEndpoint: account.primaryEndpoints.apply((e) => e.blob),
      ...(t.displayName !== undefined ? { displayName: t.displayName } : {}),
      protected: protect,
      decommissioned: t.decommissioned === true,
      privateEndpointIds: account.privateEndpointIds,
      locked: lock === "CanNotDelete",
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
