import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as random from "@pulumi/random";
import { roleDefinitionId } from "./azureRoles";
import { deriveVaultName, NAME_SUFFIX_LENGTH, vaultNameProblem } from "./naming";
import { ArgumentProblems, checkNetworkAllowLists, GUID_PATTERN, isKnown, show } from "./validation";

const TYPE = "cmk:keyvault:SecureVault";

/** How data-plane access to the vault is authorised. */
export type VaultPermissionModel = "accessPolicy" | "rbac";
export const VAULT_PERMISSION_MODELS: readonly VaultPermissionModel[] = ["accessPolicy", "rbac"];

export type VaultSku = "standard" | "premium";
export const VAULT_SKUS: readonly VaultSku[] = ["standard", "premium"];

export type PrincipalType = "User" | "Group" | "ServicePrincipal";
export const PRINCIPAL_TYPES: readonly PrincipalType[] = ["User", "Group", "ServicePrincipal"];

/**
 * Key permissions an administrator gets in the access-policy model: manage the CMK and its rotation policy, nothing
 * cryptographic (no encrypt/decrypt/sign/wrap), no delete and no purge (deleting the CMK makes every account encrypted
 * with it unreadable). The RBAC equivalent is the "Key Vault Crypto Officer" role.
 */
export const ADMINISTRATOR_KEY_PERMISSIONS = [
  "get",
  "list",
  "create",
  "update",
  "recover",
  "backup",
  "restore",
  "rotate",
  "getrotationpolicy",
  "setrotationpolicy",
] as const;

/** A person, group or CI identity that administers the vault's keys. */
export interface VaultAdministrator {
  /** Entra ID object id of the principal. */
  readonly objectId: pulumi.Input<string>;
  /**
   * Kind of principal; RBAC role assignments must state it correctly (Azure rejects a mismatch).
   *
   * @default "User"
   */
  readonly principalType?: PrincipalType;
}

export interface SecureVaultArgs {
  /** Resource group that holds the vault. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region of the vault, e.g. "westeurope". Explicit, so colocation with storage can be checked. */
  readonly location: pulumi.Input<string>;
  /**
   * Entra ID tenant of the vault.
   *
   * @default - the tenant of the current Azure credentials (`authorization.getClientConfig`)
   */
  readonly tenantId?: pulumi.Input<string>;
  /**
   * Explicit, globally unique vault name (3-24 characters of letters, digits and hyphens; starts with a letter; ends
   * with a letter or digit; no "--").
   *
   * @default - derived from `namePrefix` plus a random 6-character suffix, so a soft-deleted purge-protected vault of
   * the same name never blocks a redeploy
   */
  readonly vaultName?: pulumi.Input<string>;
  /**
   * Base of the derived vault name.
   *
   * @default - the component name
   */
  readonly namePrefix?: string;
  /**
   * Vault SKU; "premium" is required for HSM-backed (RSA-HSM) keys.
   *
   * @default "standard"
   */
  readonly sku?: VaultSku;
  /**
   * Data-plane permission model, always sent explicitly (API 2026-02-01 flips Azure's default to RBAC).
   * "accessPolicy" grants take effect immediately, which avoids the RBAC propagation race when a storage account is
   * created right after its key grant; "rbac" uses Azure role assignments.
   *
   * @default "accessPolicy"
   */
  readonly permissionModel?: VaultPermissionModel;
  /**
   * Days a deleted vault (and its keys) stay recoverable; Azure accepts 7-90. Soft delete itself is always on.
   *
   * @default 90
   */
  readonly softDeleteRetentionInDays?: number;
  /**
   * "Disabled" turns public network access off (private endpoints and trusted Azure services only). "Enabled" keeps the
   * public endpoint behind the firewall (default action Deny) with the allow-lists below. Either way the firewall
   * bypasses trusted Azure services, so Azure Storage can reach the key. Weakening to "Enabled" logs a warning.
   *
   * @default "Disabled"
   */
  readonly publicNetworkAccess?: "Disabled" | "Enabled";
  /**
   * Public IPv4 addresses or CIDR ranges allowed through the vault firewall (e.g. a CI runner's egress address).
   *
   * @default []
   */
  readonly allowedIpRanges?: pulumi.Input<string>[];
  /**
   * Subnet resource ids allowed through the vault firewall (the subnets need the Microsoft.KeyVault service endpoint).
   *
   * @default []
   */
  readonly allowedSubnetIds?: pulumi.Input<string>[];
  /**
   * Principals that administer keys: an access policy with `ADMINISTRATOR_KEY_PERMISSIONS` each (access-policy
   * model), or the "Key Vault Crypto Officer" role at vault scope (RBAC model). Nothing broader.
   *
   * @default []
   */
  readonly administrators?: VaultAdministrator[];
  /**
   * Recover a soft-deleted vault of the same name instead of creating one (`createMode: recover`). Use it once, to
   * bring back a vault deleted within its retention period, then remove it.
   *
   * @default false
   */
  readonly recoverSoftDeleted?: boolean;
  /**
   * Tags applied to the vault, merged over `{ managedBy: "pulumi", component: "SecureVault" }`.
   *
   * @default {}
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
}

/** Validates SecureVault arguments that are known at construction; throws one error listing every problem. */
export function validateSecureVaultArgs(name: string, args: SecureVaultArgs): void {
  const problems = new ArgumentProblems();
  if (isKnown(args.vaultName)) {
    const p = vaultNameProblem(args.vaultName);
    if (p) problems.add("vaultName", p);
  }
  if (args.namePrefix !== undefined && !/[a-zA-Z0-9]/.test(args.namePrefix)) {
    problems.add("namePrefix", `must contain at least one letter or digit, got ${show(args.namePrefix)}`);
  }
  if (args.sku !== undefined && !VAULT_SKUS.includes(args.sku)) {
    problems.add("sku", `must be one of ${VAULT_SKUS.join(", ")}, got ${show(args.sku)}`);
  }
  if (args.permissionModel !== undefined && !VAULT_PERMISSION_MODELS.includes(args.permissionModel)) {
    problems.add("permissionModel", `must be one of ${VAULT_PERMISSION_MODELS.join(", ")}, got ${show(args.permissionModel)}`);
  }
  const days = args.softDeleteRetentionInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 7 || days > 90)) {
    problems.add("softDeleteRetentionInDays", `must be a whole number of days between 7 and 90, got ${show(days)}`);
  }
  if (args.publicNetworkAccess !== undefined && !["Disabled", "Enabled"].includes(args.publicNetworkAccess)) {
    problems.add("publicNetworkAccess", `must be "Disabled" or "Enabled", got ${show(args.publicNetworkAccess)}`);
  }
  checkNetworkAllowLists(problems, args.allowedIpRanges, args.allowedSubnetIds);
  (args.administrators ?? []).forEach((a, i) => {
    if (isKnown(a.objectId) && !GUID_PATTERN.test(a.objectId)) {
      problems.add(`administrators[${i}].objectId`, `must be an Entra ID object id (a GUID), got ${show(a.objectId)}`);
    }
    if (a.principalType !== undefined && !PRINCIPAL_TYPES.includes(a.principalType)) {
      problems.add(`administrators[${i}].principalType`, `must be one of ${PRINCIPAL_TYPES.join(", ")}, got ${show(a.principalType)}`);
    }
  });
  if (isKnown(args.tenantId) && !GUID_PATTERN.test(args.tenantId)) {
    problems.add("tenantId", `must be an Entra ID tenant id (a GUID), got ${show(args.tenantId)}`);
  }
  if (isKnown(args.location) && !/^[a-zA-Z][a-zA-Z0-9 ]*$/.test(args.location)) {
    problems.add("location", `must be an Azure region name such as "westeurope", got ${show(args.location)}`);
  }
  problems.throwIfAny("SecureVault", name);
}

/**
 * Defines a hardened Key Vault for customer-managed keys: soft delete (retention 7-90 days) and purge protection always
 * on, an explicit permission model, public network access off or firewalled (default action Deny) with the trusted
 * Azure services bypass that Azure Storage needs, and key-administration grants for the given administrators.
 *
 * Creates: a `random.RandomString` name suffix (unless `vaultName` is given), a `keyvault.Vault`, and per administrator
 * a `keyvault.AccessPolicy` (access-policy model) or an `authorization.RoleAssignment` (RBAC model).
 */
export class SecureVault extends pulumi.ComponentResource {
  /** The vault resource (for `dependsOn` and extra properties). */
  public readonly vault: keyvault.Vault;
  /** ARM resource id of the vault. */
  public readonly vaultId: pulumi.Output<string>;
  /** Vault name. */
  public readonly vaultName: pulumi.Output<string>;
  /** Data-plane URI, e.g. https://<name>.vault.azure.net/. */
  public readonly vaultUri: pulumi.Output<string>;
  /** Azure region of the vault. */
  public readonly location: pulumi.Output<string>;
  /** Entra ID tenant of the vault. */
  public readonly tenantId: pulumi.Output<string>;
  /** Resource group of the vault. */
  public readonly resourceGroupName: pulumi.Output<string>;
  /** Data-plane permission model ("accessPolicy" or "rbac"). */
  public readonly permissionModel: VaultPermissionModel;
  /** Vault SKU. */
  public readonly sku: VaultSku;
  /** The location as given, when it was a plain value (used for construction-time colocation checks). */
  public readonly knownLocation: string | undefined;
  /** The tenant id as given, when it was a plain value. */
  public readonly knownTenantId: string | undefined;

  constructor(name: string, args: SecureVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: bad input never reaches the engine.
    validateSecureVaultArgs(name, args);
    super(TYPE, name, {}, opts);

    const sku = args.sku ?? "standard";
    const permissionModel = args.permissionModel ?? "accessPolicy";
    const publicNetworkAccess = args.publicNetworkAccess ?? "Disabled";
    if (publicNetworkAccess === "Enabled") {
      pulumi.log.warn(
        `SecureVault "${name}": publicNetworkAccess is Enabled; the firewall still denies by default and allows only the configured IP ranges and subnets`,
        this,
      );
    }
    const clientConfig = authorization.getClientConfigOutput({ parent: this });
    const tenantId = args.tenantId ?? clientConfig.tenantId;

    let vaultName: pulumi.Input<string>;
    if (args.vaultName !== undefined) {
      vaultName = args.vaultName;
    } else {
      const suffix = new random.RandomString(
        `${name}-name-suffix`,
        { length: NAME_SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
        { parent: this },
      );
      const prefix = args.namePrefix ?? name;
      vaultName = suffix.result.apply((s) => deriveVaultName(prefix, s));
    }

    this.vault = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        properties: {
          tenantId,
          sku: { family: "A", name: sku },
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.softDeleteRetentionInDays ?? 90,
          enablePurgeProtection: true,
          enableRbacAuthorization: permissionModel === "rbac",
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
          publicNetworkAccess,
          networkAcls: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: (args.allowedIpRanges ?? []).map((value) => ({ value })),
            virtualNetworkRules: (args.allowedSubnetIds ?? []).map((id) => ({ id })),
          },
          ...(args.recoverSoftDeleted ? { createMode: "recover" as const } : {}),
        },
        tags: { managedBy: "pulumi", component: "SecureVault", ...args.tags },
      },
      { parent: this },
    );

    this.vaultId = this.vault.id;
    this.vaultName = this.vault.name;
    this.vaultUri = this.vault.properties.apply((p) => p.vaultUri ?? "");
    this.location = pulumi.output(args.location);
    this.tenantId = this.vault.properties.apply((p) => p.tenantId ?? "");
    this.resourceGroupName = pulumi.output(args.resourceGroupName);
    this.permissionModel = permissionModel;
    this.sku = sku;
    this.knownLocation = isKnown(args.location) ? args.location : undefined;
    this.knownTenantId = isKnown(args.tenantId) ? args.tenantId : undefined;

    (args.administrators ?? []).forEach((admin, i) => {
      if (permissionModel === "accessPolicy") {
        new keyvault.AccessPolicy(
          `${name}-admin-${i}`,
          {
            resourceGroupName: args.resourceGroupName,
            vaultName: this.vault.name,
            policy: {
              tenantId,
              objectId: admin.objectId,
              permissions: { keys: [...ADMINISTRATOR_KEY_PERMISSIONS] },
            },
          },
          { parent: this },
        );
      } else {
        new authorization.RoleAssignment(
          `${name}-admin-${i}`,
          {
            principalId: admin.objectId,
            principalType: admin.principalType ?? "User",
            roleDefinitionId: clientConfig.subscriptionId.apply((s) => roleDefinitionId(s, "KeyVaultCryptoOfficer")),
            scope: this.vault.id,
            description: `Key administration for SecureVault ${name}`,
          },
          { parent: this },
        );
      }
    });

    this.registerOutputs({
      vaultId: this.vaultId,
      vaultName: this.vaultName,
      vaultUri: this.vaultUri,
      location: this.location,
      tenantId: this.tenantId,
      resourceGroupName: this.resourceGroupName,
      permissionModel: this.permissionModel,
      sku: this.sku,
    });
  }
}
