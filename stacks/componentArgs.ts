import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import type {
  BlobServices,
  CmkStorageAccount,
  CmkStorageAccountArgs,
  DiagnosticSetting,
  KeyReference,
  SecureVaultArgs,
  StoragePrivateEndpoint,
} from "@cmk-platform/azure-cmk-storage";
import { dnsZoneGroup, type StackSettings, type TeamSettings } from "./config";
import type { TeamAccountOutputs } from "./program";

/**
 * The component arguments the stack programs (single, platform, team) build from their settings: pure functions of
 * the validated settings, so every stack kind gives a vault or a team's account the same arguments.
 */

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

/** The stack's resource group: created (`createResourceGroup`) under `name`, or the existing one by name. */
export function stackResourceGroup(
  s: StackSettings,
  name: string,
  protect: boolean,
): pulumi.Output<string> {
  return s.createResourceGroup
    ? new resources.ResourceGroup(
        name,
        { resourceGroupName: s.resourceGroupName, location: s.location },
        { protect },
      ).name
    : pulumi.output(s.resourceGroupName);
}

/** The platform vault's arguments: the stack's vault settings, its endpoint, diagnostics and lock. */
export function platformVaultArgs(
  s: StackSettings,
  resourceGroupName: pulumi.Input<string>,
  permissionModel: SecureVaultArgs["permissionModel"],
): SecureVaultArgs {
  const diagnosticSettings = stackDiagnostics(s);
  return {
    resourceGroupName,
    location: s.location,
    ...(s.tenantId !== undefined ? { tenantId: s.tenantId } : {}),
    ...(s.vaultName !== undefined
      ? { vaultName: s.vaultName }
      : { namePrefix: `${s.namePrefix}-kv` }),
    sku: s.vaultSku,
    permissionModel,
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
  };
}

/** What differs between the stack kinds for a team's account. */
export interface TeamAccountContext {
  resourceGroupName: pulumi.Input<string>;
  key: KeyReference;
  tags: CmkStorageAccountArgs["tags"];
  /** Permission model of the access-key secret vault when the team does not name one. */
  secretVaultPermissionModel: "rbac" | "accessPolicy";
}

/**
 * A team's CmkStorageAccount arguments: the team's overrides of the stack defaults, its endpoints, the stack's
 * diagnostics, its lock and blob protection. The component is named by the team id only, so its URN, its children's
 * names and the derived account name never depend on any other setting.
 */
export function teamAccountArgs(
  id: string,
  t: TeamSettings,
  s: StackSettings,
  c: TeamAccountContext,
): CmkStorageAccountArgs {
  const privateEndpoints = teamPrivateEndpoints(t, s);
  const diagnosticSettings = stackDiagnostics(s);
  return {
    resourceGroupName: c.resourceGroupName,
    location: s.location,
    namePrefix: `${s.namePrefix}${id}`,
    key: c.key,
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
            permissionModel: t.accessKeySecretVaultPermissionModel ?? c.secretVaultPermissionModel,
          },
        }
      : {}),
    rbacPropagationSeconds: s.rbacPropagationSeconds,
    tags: c.tags,
    ...(privateEndpoints.length > 0 ? { privateEndpoints } : {}),
    ...(diagnosticSettings.length > 0 ? { diagnosticSettings } : {}),
    ...(teamLock(t, s) === "CanNotDelete" ? { lock: { kind: "CanNotDelete" } } : {}),
    blobServices: teamBlobServices(t, s),
  };
}

/** What a stack exports for one team's account. */
export function teamAccountOutputs(
  account: CmkStorageAccount,
  t: TeamSettings,
  s: StackSettings,
): TeamAccountOutputs {
  return {
    accountName: account.accountName,
    accountId: account.accountId,
    identityId: account.identityId,
    identityPrincipalId: account.identityPrincipalId,
    identityClientId: account.identityClientId,
    blobEndpoint: account.primaryEndpoints.apply((e) => e.blob),
    ...(t.displayName !== undefined ? { displayName: t.displayName } : {}),
    protected: teamProtection(t, s),
    decommissioned: t.decommissioned === true,
    privateEndpointIds: account.privateEndpointIds,
    locked: teamLock(t, s) === "CanNotDelete",
  };
}
