import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as storage from "@pulumi/azure-native/storage";
import type * as outputs from "@pulumi/azure-native/types/output";
import * as random from "@pulumi/random";
import { parseVaultId, trimTrailingSlash, vaultNameFromUri } from "./armId";
import { roleDefinitionId } from "./azureRoles";
import type { ManagedKeyRotation } from "./managedKeyRotation";
import { deriveStorageAccountName, keyNameProblem, NAME_SUFFIX_LENGTH, storageAccountNameProblem } from "./naming";
import { RbacPropagationWait } from "./rbacPropagationWait";
import { accessKeyRotationPermissions, StorageAccessKeyRotation } from "./storageAccessKeyRotation";
import { VAULT_PERMISSION_MODELS, type VaultPermissionModel } from "./secureVault";
import { ArgumentProblems, checkNetworkAllowLists, GUID_PATTERN, isKnown, show } from "./validation";

const TYPE = "cmk:storage:CmkStorageAccount";

/** Key permissions the storage identity gets in the access-policy model: exactly what Azure Storage CMK needs. */
export const STORAGE_CMK_KEY_PERMISSIONS = ["get", "wrapKey", "unwrapKey"] as const;

export const STORAGE_SKUS = [
  "Standard_LRS",
  "Standard_ZRS",
  "Standard_GRS",
  "Standard_GZRS",
  "Standard_RAGRS",
  "Standard_RAGZRS",
] as const;
export type StorageSku = (typeof STORAGE_SKUS)[number];

export interface CmkStorageAccountArgs {
  /** Resource group of the storage account and its identity. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region of the account, e.g. "westeurope"; must match the key vault's region unless exempted. */
  readonly location: pulumi.Input<string>;
  /**
   * Explicit, globally unique account name (3-24 lowercase letters and digits).
   *
   * @default - derived from `namePrefix` plus a random 6-character suffix
   */
  readonly accountName?: pulumi.Input<string>;
  /**
   * Base of the derived account name.
   *
   * @default - the component name
   */
  readonly namePrefix?: string;
  /**
   * The key, as a ManagedKeyRotation (TypeScript convenience). Other languages pass `keyVaultUri` + `keyName`.
   *
   * @default - none; give either `key` or `keyVaultUri` + `keyName`
   */
  readonly key?: ManagedKeyRotation;
  /**
   * Data-plane URI of the vault holding the key ("key as URI"; the vault may be in another subscription).
   *
   * @default - from `key`
   */
  readonly keyVaultUri?: pulumi.Input<string>;
  /**
   * Name of the key in that vault.
   *
   * @default - from `key`
   */
  readonly keyName?: pulumi.Input<string>;
  /**
   * ARM id of the vault holding the key; needed to create the identity's key grant when the key is given by URI.
   *
   * @default - from `key`; when neither is given, `grantKeyAccess` must be false
   */
  readonly keyVaultId?: string;
  /**
   * Permission model of the vault holding the key (decides the grant mechanism) when the key is given by URI.
   *
   * @default - from `key`, else "accessPolicy"
   */
  readonly keyVaultPermissionModel?: VaultPermissionModel;
  /**
   * Region of the vault when the key is given by URI (checked against `location` at construction).
   *
   * @default - from `key`, else not checked at construction
   */
  readonly keyVaultLocation?: string;
  /**
   * Tenant of the vault when the key is given by URI (checked against `tenantId` at construction).
   *
   * @default - from `key`, else not checked at construction
   */
  readonly keyVaultTenantId?: string;
  /**
   * Tenant of the storage account's identity, when known, for the construction-time tenant check.
   *
   * @default - not checked at construction
   */
  readonly tenantId?: string;
  /**
   * Pin a key version. Pinning DISABLES automatic rotation: the account keeps using this version until you change it,
   * and storage stops picking up new versions created by the rotation policy. Explicit opt-in only.
   *
   * @default - no version: Azure Storage picks up each new key version within 24 hours
   */
  readonly keyVersion?: pulumi.Input<string>;
  /**
   * Grant the account's identity exactly get/wrapKey/unwrapKey on the key (access policy) or the "Key Vault Crypto
   * Service Encryption User" role on the key (RBAC). Turn off only when the grant is managed elsewhere.
   *
   * @default true
   */
  readonly grantKeyAccess?: boolean;
  /**
   * Seconds to wait after creating an RBAC role assignment before creating the account (RBAC propagation).
   * Access-policy vaults need no wait.
   *
   * @default 60
   */
  readonly rbacPropagationSeconds?: number;
  /**
   * Allow the key vault to be in another Entra ID tenant. Requires `federatedIdentityClientId`.
   *
   * @default false
   */
  readonly allowCrossTenantKey?: boolean;
  /**
   * Client id of the multi-tenant application federated with the account's identity (cross-tenant CMK).
   *
   * @default - none (same-tenant CMK)
   */
  readonly federatedIdentityClientId?: pulumi.Input<string>;
  /**
   * Allow the key vault to be in another region than the account (Azure allows it; data residency and blast radius
   * usually don't).
   *
   * @default false
   */
  readonly allowCrossRegionKey?: boolean;
  /**
   * Storage redundancy SKU.
   *
   * @default "Standard_ZRS"
   */
  readonly skuName?: StorageSku;
  /**
   * Require a second layer of encryption at the infrastructure level (create-time only).
   *
   * @default true
   */
  readonly requireInfrastructureEncryption?: boolean;
  /**
   * Allow Shared Key (account key) and SAS authorisation. Off so that every request is authorised with Entra ID; when
   * turned on, a key expiration policy and a SAS expiration policy are set.
   *
   * @default false
   */
  readonly allowSharedKeyAccess?: boolean;
  /**
   * Account-key expiration reminder in days (`keyPolicy`), set only when shared keys are allowed.
   *
   * @default 90
   */
  readonly keyExpirationPeriodInDays?: number;
  /**
   * Rotate the account access keys automatically (dual-key alternation, Key Vault as the store of record; see
   * docs/access-key-rotation.md). Only with `allowSharedKeyAccess: true`. The rotation runs on every `pulumi up`.
   *
   * @default false
   */
  readonly rotateAccessKeys?: boolean;
  /**
   * Rotation period of the access keys in days; also the account's `keyPolicy.keyExpirationPeriodInDays`, so Azure's
   * "Storage account keys should not be expired" policy agrees with the schedule.
   *
   * @default - `keyExpirationPeriodInDays`, else 90
   */
  readonly accessKeyRotationPeriodInDays?: number;
  /**
   * Vault that stores the active access key as a secret.
   *
   * @default - the vault holding the CMK (from `key`, or `keyVaultUri` + `keyVaultId`)
   */
  readonly accessKeySecretVaultUri?: pulumi.Input<string>;
  /**
   * ARM id of the vault given by `accessKeySecretVaultUri` (for the deployer's secret grant).
   *
   * @default - the CMK's vault id
   */
  readonly accessKeySecretVaultId?: string;
  /**
   * Permission model of the vault given by `accessKeySecretVaultUri` (decides how the deployer gets secret access).
   *
   * @default - the CMK vault's permission model
   */
  readonly accessKeySecretVaultPermissionModel?: VaultPermissionModel;
  /**
   * Grant the identity running `pulumi up` what rotation needs: Storage Account Key Operator Service Role and Reader on
   * the account, and secrets get/set (access policy) or Key Vault Secrets Officer (RBAC) on the vault. Turn off when
   * the deployer already holds them (e.g. Owner), or when the grants are managed elsewhere.
   *
   * @default true
   */
  readonly grantDeployerAccessKeyRotation?: boolean;
  /**
   * Principal type of the identity running `pulumi up`, for its role assignments (Azure rejects a mismatch; the
   * azure-native SDK would otherwise send "User"). Scheduled rotations usually run as a CI service principal.
   *
   * @default "ServicePrincipal"
   */
  readonly deployerPrincipalType?: "User" | "ServicePrincipal";
  /**
   * Longest SAS validity ("DD.HH:MM:SS") and what happens to longer ones ("Block" rejects them), set only when shared
   * keys are allowed.
   *
   * @default { sasExpirationPeriod: "1.00:00:00", expirationAction: "Block" }
   */
  readonly sasPolicy?: { sasExpirationPeriod: string; expirationAction?: "Log" | "Block" };
  /**
   * Public IPv4 addresses or CIDR ranges allowed through the account firewall (default action Deny, trusted Azure
   * services bypassed).
   *
   * @default []
   */
  readonly allowedIpRanges?: pulumi.Input<string>[];
  /**
   * Subnet resource ids allowed through the account firewall.
   *
   * @default []
   */
  readonly allowedSubnetIds?: pulumi.Input<string>[];
  /**
   * Tags for the account and identity, merged over `{ managedBy: "pulumi", component: "CmkStorageAccount" }`.
   *
   * @default {}
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
}

const normaliseLocation = (l: string): string => l.toLowerCase().replace(/\s+/g, "");

/** Validates CmkStorageAccount arguments known at construction; throws one error listing every problem. */
export function validateCmkStorageAccountArgs(name: string, args: CmkStorageAccountArgs): void {
  const problems = new ArgumentProblems();
  if (isKnown(args.accountName)) {
    const p = storageAccountNameProblem(args.accountName);
    if (p) problems.add("accountName", p);
  }
  if (args.namePrefix !== undefined && !/[a-zA-Z0-9]/.test(args.namePrefix)) {
    problems.add("namePrefix", `must contain at least one letter or digit, got ${show(args.namePrefix)}`);
  }
  const byUri = args.keyVaultUri !== undefined || args.keyName !== undefined;
  if (args.key === undefined && !byUri) {
    problems.add("key", "give either key (a ManagedKeyRotation) or keyVaultUri and keyName");
  } else if (args.key !== undefined && byUri) {
    problems.add("keyVaultUri", "give either key or keyVaultUri + keyName, not both");
  } else if (args.key === undefined) {
    if (args.keyVaultUri === undefined) problems.add("keyVaultUri", "is required when the key is given by keyName");
    if (args.keyName === undefined) problems.add("keyName", "is required when the key is given by keyVaultUri");
    if (isKnown(args.keyVaultUri) && vaultNameFromUri(args.keyVaultUri) === undefined) {
      problems.add("keyVaultUri", `must be a Key Vault URI such as "https://<vault>.vault.azure.net", got ${show(args.keyVaultUri)}`);
    }
    if (isKnown(args.keyName)) {
      const p = keyNameProblem(args.keyName);
      if (p) problems.add("keyName", p);
    }
    if (args.keyVaultId !== undefined && parseVaultId(args.keyVaultId) === undefined) {
      problems.add("keyVaultId", `must be a Key Vault resource id (/subscriptions/…/providers/Microsoft.KeyVault/vaults/<name>), got ${show(args.keyVaultId)}`);
    }
    if (args.keyVaultId === undefined && (args.grantKeyAccess ?? true)) {
      problems.add("keyVaultId", "is required to grant the identity access to a key given by URI; pass the vault's ARM id, or grantKeyAccess: false when the grant is managed elsewhere");
    }
    if (isKnown(args.keyVaultUri) && args.keyVaultId !== undefined) {
      const fromUri = vaultNameFromUri(args.keyVaultUri);
      const fromId = parseVaultId(args.keyVaultId)?.vaultName;
      if (fromUri && fromId && fromUri.toLowerCase() !== fromId.toLowerCase()) {
        problems.add("keyVaultId", `names vault "${fromId}" but keyVaultUri names vault "${fromUri}"`);
      }
    }
  }
  if (args.keyVaultPermissionModel !== undefined && !VAULT_PERMISSION_MODELS.includes(args.keyVaultPermissionModel)) {
    problems.add("keyVaultPermissionModel", `must be one of ${VAULT_PERMISSION_MODELS.join(", ")}, got ${show(args.keyVaultPermissionModel)}`);
  }
  if (isKnown(args.keyVersion) && !/^[0-9a-fA-F]{32}$/.test(args.keyVersion)) {
    problems.add("keyVersion", `must be a 32-character hexadecimal key version, got ${show(args.keyVersion)}`);
  }
  if (args.skuName !== undefined && !STORAGE_SKUS.includes(args.skuName)) {
    problems.add("skuName", `must be one of ${STORAGE_SKUS.join(", ")}, got ${show(args.skuName)}`);
  }
  const seconds = args.rbacPropagationSeconds;
  if (seconds !== undefined && (!Number.isFinite(seconds) || seconds < 0 || seconds > 900)) {
    problems.add("rbacPropagationSeconds", `must be between 0 and 900 seconds, got ${show(seconds)}`);
  }
  const keyDays = args.keyExpirationPeriodInDays;
  if (keyDays !== undefined && (!Number.isInteger(keyDays) || keyDays < 1)) {
    problems.add("keyExpirationPeriodInDays", `must be a whole number of days of at least 1, got ${show(keyDays)}`);
  }
  if (args.rotateAccessKeys && !args.allowSharedKeyAccess) {
    problems.add("rotateAccessKeys", "needs allowSharedKeyAccess: true (with shared keys off there are no usable keys to rotate)");
  }
  const period = args.accessKeyRotationPeriodInDays;
  if (period !== undefined && (!Number.isInteger(period) || period < 1 || period > 730)) {
    problems.add("accessKeyRotationPeriodInDays", `must be a whole number of days between 1 and 730, got ${show(period)}`);
  }
  if (period !== undefined && keyDays !== undefined && period !== keyDays) {
    problems.add("keyExpirationPeriodInDays", `must equal accessKeyRotationPeriodInDays (${period}) so the key expiration policy matches the rotation schedule, got ${show(keyDays)}`);
  }
  if (args.rotateAccessKeys && args.accessKeySecretVaultUri === undefined && args.key === undefined && args.keyVaultUri === undefined) {
    problems.add("accessKeySecretVaultUri", "is required to store the rotated access key");
  }
  if (args.accessKeySecretVaultId !== undefined && parseVaultId(args.accessKeySecretVaultId) === undefined) {
    problems.add("accessKeySecretVaultId", `must be a Key Vault resource id, got ${show(args.accessKeySecretVaultId)}`);
  }
  if (args.rotateAccessKeys && (args.grantDeployerAccessKeyRotation ?? true) && args.accessKeySecretVaultUri !== undefined && args.accessKeySecretVaultId === undefined) {
    problems.add("accessKeySecretVaultId", "is required with accessKeySecretVaultUri to grant the deployer secret access; or set grantDeployerAccessKeyRotation: false");
  }
  if (args.accessKeySecretVaultPermissionModel !== undefined && !VAULT_PERMISSION_MODELS.includes(args.accessKeySecretVaultPermissionModel)) {
    problems.add("accessKeySecretVaultPermissionModel", `must be one of ${VAULT_PERMISSION_MODELS.join(", ")}, got ${show(args.accessKeySecretVaultPermissionModel)}`);
  }
  if (args.deployerPrincipalType !== undefined && !["User", "ServicePrincipal"].includes(args.deployerPrincipalType)) {
    problems.add("deployerPrincipalType", `must be "User" or "ServicePrincipal", got ${show(args.deployerPrincipalType)}`);
  }
  if (args.sasPolicy !== undefined) {
    if (!/^\d+\.\d{2}:\d{2}:\d{2}$/.test(args.sasPolicy.sasExpirationPeriod)) {
      problems.add("sasPolicy.sasExpirationPeriod", `must be "DD.HH:MM:SS" such as "1.00:00:00", got ${show(args.sasPolicy.sasExpirationPeriod)}`);
    }
    if (args.sasPolicy.expirationAction !== undefined && !["Log", "Block"].includes(args.sasPolicy.expirationAction)) {
      problems.add("sasPolicy.expirationAction", `must be "Log" or "Block", got ${show(args.sasPolicy.expirationAction)}`);
    }
  }
  checkNetworkAllowLists(problems, args.allowedIpRanges, args.allowedSubnetIds);

  // Colocation (seeds 001/004): same region and tenant as the vault, unless exempted explicitly.
  const vaultLocation = args.key?.knownVaultLocation ?? args.keyVaultLocation;
  if (!args.allowCrossRegionKey && isKnown(args.location) && vaultLocation !== undefined
    && normaliseLocation(args.location) !== normaliseLocation(vaultLocation)) {
    problems.add("location", `must match the key vault's region "${vaultLocation}", got ${show(args.location)}; move the account or the vault, or set allowCrossRegionKey: true`);
  }
  const vaultTenant = args.key?.knownVaultTenantId ?? args.keyVaultTenantId;
  if (args.tenantId !== undefined && !GUID_PATTERN.test(args.tenantId)) {
    problems.add("tenantId", `must be an Entra ID tenant id (a GUID), got ${show(args.tenantId)}`);
  }
  if (!args.allowCrossTenantKey && args.tenantId !== undefined && vaultTenant !== undefined
    && args.tenantId.toLowerCase() !== vaultTenant.toLowerCase()) {
    problems.add("tenantId", `must match the key vault's tenant "${vaultTenant}", got ${show(args.tenantId)}; use a vault in the same tenant, or set allowCrossTenantKey: true with federatedIdentityClientId`);
  }
  if (args.allowCrossTenantKey && args.federatedIdentityClientId === undefined) {
    problems.add("federatedIdentityClientId", "is required when allowCrossTenantKey is true (the multi-tenant application's client id that Azure Storage uses to reach the other tenant's vault)");
  }
  if (!args.allowCrossTenantKey && args.federatedIdentityClientId !== undefined) {
    problems.add("federatedIdentityClientId", "is only valid for a cross-tenant key; set allowCrossTenantKey: true as well, or remove it");
  }
  if (isKnown(args.federatedIdentityClientId) && !GUID_PATTERN.test(args.federatedIdentityClientId)) {
    problems.add("federatedIdentityClientId", `must be an application (client) id (a GUID), got ${show(args.federatedIdentityClientId)}`);
  }
  problems.throwIfAny("CmkStorageAccount", name);
}

/**
 * Defines a StorageV2 account encrypted at creation with a customer-managed key: a user-assigned identity, its grant on
 * the key (exactly get/wrapKey/unwrapKey, or the "Key Vault Crypto Service Encryption User" role on the key), and the
 * account, which depends on the grant so Azure never sees it before the identity can use the key.
 *
 * Creates: `managedidentity.UserAssignedIdentity`; `keyvault.AccessPolicy` (access-policy vault) or
 * `authorization.RoleAssignment` + `RbacPropagationWait` (RBAC vault); `random.RandomString` (derived names only);
 * `storage.StorageAccount`.
 */
export class CmkStorageAccount extends pulumi.ComponentResource {
  /** The storage account resource. */
  public readonly account: storage.StorageAccount;
  /** The user-assigned identity used for encryption. */
  public readonly identity: managedidentity.UserAssignedIdentity;
  /** The key grant (access policy or role assignment), when created. */
  public readonly keyGrant: keyvault.AccessPolicy | authorization.RoleAssignment | undefined;
  /** ARM id of the account. */
  public readonly accountId: pulumi.Output<string>;
  /** Account name. */
  public readonly accountName: pulumi.Output<string>;
  /** ARM id of the user-assigned identity. */
  public readonly identityId: pulumi.Output<string>;
  /** Principal (object) id of the identity. */
  public readonly identityPrincipalId: pulumi.Output<string>;
  /** Client (application) id of the identity. */
  public readonly identityClientId: pulumi.Output<string>;
  /** Vault URI the account's encryption uses. */
  public readonly keyVaultUri: pulumi.Output<string>;
  /** Key name the account's encryption uses. */
  public readonly keyName: pulumi.Output<string>;
  /** The access-key rotation, when `rotateAccessKeys` is on. */
  public readonly accessKeyRotation: StorageAccessKeyRotation | undefined;
  /** Primary endpoints (blob, file, queue, table, dfs, web). */
  public readonly primaryEndpoints: pulumi.Output<outputs.storage.EndpointsResponse>;

  constructor(name: string, args: CmkStorageAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: bad input never reaches the engine.
    validateCmkStorageAccountArgs(name, args);
    super(TYPE, name, {}, opts);

    const tags = { managedBy: "pulumi", component: "CmkStorageAccount", ...args.tags };
    const keyVaultUri = args.key ? args.key.vaultUri : pulumi.output(args.keyVaultUri!).apply(trimTrailingSlash);
    const keyName = args.key ? args.key.keyName : pulumi.output(args.keyName!);
    const permissionModel = args.key?.vaultPermissionModel ?? args.keyVaultPermissionModel ?? "accessPolicy";
    const allowSharedKeyAccess = args.allowSharedKeyAccess ?? false;
    if (allowSharedKeyAccess) {
      pulumi.log.warn(`CmkStorageAccount "${name}": allowSharedKeyAccess is true; account keys and SAS work, with key and SAS expiration policies set`, this);
    }
    if (args.keyVersion !== undefined) {
      pulumi.log.warn(`CmkStorageAccount "${name}": keyVersion is pinned; the account will not pick up rotated key versions`, this);
    }

    this.identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceGroupName: args.resourceGroupName, location: args.location, tags },
      { parent: this },
    );

    const dependsOn: pulumi.Resource[] = [];
    if (args.grantKeyAccess ?? true) {
      const vaultRef = args.key
        ? { vaultName: args.key.vaultName, resourceGroupName: args.key.vaultResourceGroupName, vaultId: args.key.vaultId }
        : (() => {
            const ref = parseVaultId(args.keyVaultId!)!;
            return { vaultName: pulumi.output(ref.vaultName), resourceGroupName: pulumi.output(ref.resourceGroupName), vaultId: pulumi.output(args.keyVaultId!) };
          })();
      if (permissionModel === "accessPolicy") {
        this.keyGrant = new keyvault.AccessPolicy(
          `${name}-key-access`,
          {
            resourceGroupName: vaultRef.resourceGroupName,
            vaultName: vaultRef.vaultName,
            policy: {
              tenantId: this.identity.tenantId,
              objectId: this.identity.principalId,
              permissions: { keys: [...STORAGE_CMK_KEY_PERMISSIONS] },
            },
          },
          { parent: this },
        );
        dependsOn.push(this.keyGrant);
      } else {
        const clientConfig = authorization.getClientConfigOutput({ parent: this });
        const keyScope = args.key ? args.key.keyId : pulumi.interpolate`${vaultRef.vaultId}/keys/${keyName}`;
        this.keyGrant = new authorization.RoleAssignment(
          `${name}-key-access`,
          {
            principalId: this.identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: clientConfig.subscriptionId.apply((s) => roleDefinitionId(s, "KeyVaultCryptoServiceEncryptionUser")),
            scope: keyScope,
            description: `CMK access for storage account component ${name}`,
          },
          { parent: this },
        );
        const wait = new RbacPropagationWait(
          `${name}-rbac-propagation`,
          { grantId: this.keyGrant.id, seconds: args.rbacPropagationSeconds ?? 60 },
          { parent: this, dependsOn: [this.keyGrant] },
        );
        dependsOn.push(this.keyGrant, wait);
      }
    }

    let accountName: pulumi.Input<string>;
    if (args.accountName !== undefined) {
      accountName = args.accountName;
    } else {
      const suffix = new random.RandomString(
        `${name}-name-suffix`,
        { length: NAME_SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
        { parent: this },
      );
      const prefix = args.namePrefix ?? name;
      accountName = suffix.result.apply((s) => deriveStorageAccountName(prefix, s));
    }

    const ipRules = (args.allowedIpRanges ?? []).map((ip) => ({ iPAddressOrRange: ip, action: "Allow" as const }));
    const vnetRules = (args.allowedSubnetIds ?? []).map((id) => ({ virtualNetworkResourceId: id, action: "Allow" as const }));
    const service = { enabled: true, keyType: "Account" as const };

    this.account = new storage.StorageAccount(
      `${name}-account`,
      {
        accountName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "StorageV2",
        sku: { name: args.skuName ?? "Standard_ZRS" },
        accessTier: "Hot",
        identity: { type: "UserAssigned", userAssignedIdentities: [this.identity.id] },
        encryption: {
          keySource: "Microsoft.Keyvault",
          keyVaultProperties: {
            keyName,
            keyVaultUri,
            ...(args.keyVersion !== undefined ? { keyVersion: args.keyVersion } : {}),
          },
          encryptionIdentity: {
            encryptionUserAssignedIdentity: this.identity.id,
            ...(args.federatedIdentityClientId !== undefined
              ? { encryptionFederatedIdentityClientId: args.federatedIdentityClientId }
              : {}),
          },
          requireInfrastructureEncryption: args.requireInfrastructureEncryption ?? true,
          services: { blob: service, file: service, queue: service, table: service },
        },
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        allowSharedKeyAccess,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        isLocalUserEnabled: false,
        isSftpEnabled: false,
        publicNetworkAccess: ipRules.length + vnetRules.length > 0 ? "Enabled" : "Disabled",
        networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules, virtualNetworkRules: vnetRules },
        ...(allowSharedKeyAccess
          ? {
              keyPolicy: { keyExpirationPeriodInDays: args.accessKeyRotationPeriodInDays ?? args.keyExpirationPeriodInDays ?? 90 },
              sasPolicy: {
                sasExpirationPeriod: args.sasPolicy?.sasExpirationPeriod ?? "1.00:00:00",
                expirationAction: args.sasPolicy?.expirationAction ?? "Block",
              },
            }
          : {}),
        tags,
      },
      { parent: this, dependsOn },
    );

    if (args.rotateAccessKeys) {
      this.accessKeyRotation = this.rotateAccessKeys(name, args, keyVaultUri, permissionModel, tags);
    }

    this.accountId = this.account.id;
    this.accountName = this.account.name;
    this.identityId = this.identity.id;
    this.identityPrincipalId = this.identity.principalId;
    this.identityClientId = this.identity.clientId;
    this.keyVaultUri = keyVaultUri;
    this.keyName = keyName;
    this.primaryEndpoints = this.account.primaryEndpoints;

    this.registerOutputs({
      accountId: this.accountId,
      accountName: this.accountName,
      identityId: this.identityId,
      identityPrincipalId: this.identityPrincipalId,
      identityClientId: this.identityClientId,
      keyVaultUri: this.keyVaultUri,
      keyName: this.keyName,
      primaryEndpoints: this.primaryEndpoints,
      accessKeyRotation: this.accessKeyRotation,
    });
  }

  /** Grants the deployer what rotation needs and creates the StorageAccessKeyRotation (docs/access-key-rotation.md). */
  private rotateAccessKeys(
    name: string,
    args: CmkStorageAccountArgs,
    cmkVaultUri: pulumi.Output<string>,
    cmkPermissionModel: VaultPermissionModel,
    tags: Record<string, pulumi.Input<string>>,
  ): StorageAccessKeyRotation {
    const period = args.accessKeyRotationPeriodInDays ?? args.keyExpirationPeriodInDays ?? 90;
    const ownVault = args.accessKeySecretVaultUri !== undefined;
    const vaultUri = ownVault ? pulumi.output(args.accessKeySecretVaultUri!) : cmkVaultUri;
    const grants: pulumi.Resource[] = [];
    if (args.grantDeployerAccessKeyRotation ?? true) {
      const permissions = accessKeyRotationPermissions();
      const client = authorization.getClientConfigOutput({ parent: this });
      const principalType = args.deployerPrincipalType ?? "ServicePrincipal";
      for (const role of permissions.storageAccountRoles) {
        grants.push(new authorization.RoleAssignment(
          `${name}-deployer-${role}`,
          {
            principalId: client.objectId,
            principalType,
            roleDefinitionId: client.subscriptionId.apply((sub) => roleDefinitionId(sub, role)),
            scope: this.account.id,
            description: `Access-key rotation for storage account component ${name}`,
          },
          { parent: this },
        ));
      }
      const vaultId: pulumi.Input<string> = ownVault
        ? args.accessKeySecretVaultId!
        : args.key ? args.key.vaultId : args.keyVaultId!;
      const vaultModel = ownVault ? (args.accessKeySecretVaultPermissionModel ?? cmkPermissionModel) : cmkPermissionModel;
      if (vaultModel === "accessPolicy") {
        const ref = pulumi.output(vaultId).apply((id) => parseVaultId(id)!);
        grants.push(new keyvault.AccessPolicy(
          `${name}-deployer-secrets`,
          {
            resourceGroupName: ref.resourceGroupName,
            vaultName: ref.vaultName,
            policy: { tenantId: client.tenantId, objectId: client.objectId, permissions: { secrets: [...permissions.vaultAccessPolicySecretPermissions] } },
          },
          { parent: this },
        ));
      } else {
        for (const role of permissions.vaultRbacRoles) {
          const ra = new authorization.RoleAssignment(
            `${name}-deployer-${role}`,
            {
              principalId: client.objectId,
              principalType,
              roleDefinitionId: client.subscriptionId.apply((sub) => roleDefinitionId(sub, role)),
              scope: vaultId,
              description: `Access-key secret publishing for storage account component ${name}`,
            },
            { parent: this },
          );
          grants.push(ra);
        }
      }
      const roleGrants = grants.filter((g): g is authorization.RoleAssignment => g instanceof authorization.RoleAssignment);
      grants.push(new RbacPropagationWait(
        `${name}-deployer-rbac-propagation`,
        { grantId: pulumi.all(roleGrants.map((g) => g.id)).apply((ids) => ids.join(",")), seconds: args.rbacPropagationSeconds ?? 60 },
        { parent: this, dependsOn: roleGrants },
      ));
    }
    return new StorageAccessKeyRotation(
      `${name}-access-keys`,
      { storageAccountId: this.account.id, vaultUri, rotationPeriodInDays: period, tags },
      { parent: this, dependsOn: grants },
    );
  }
}
