import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as random from "@pulumi/random";
import { parseVaultId } from "./armId";
import { checkArgumentNames, SECURE_VAULT_ARGUMENTS } from "./argumentNames";
import { LEGACY_TYPES, TYPES } from "./componentTypes";
import {
  enumValues,
  PrincipalType,
  PublicNetworkAccess,
  VaultPermissionModel,
  VaultSku,
} from "./enums";
import {
  checkDiagnosticSettings,
  createDiagnosticSettings,
  type DiagnosticSetting,
} from "./diagnostics";
import { grantVaultAccess } from "./grants";
import { checkLock, createLock, type ResourceLock, wantsLock } from "./locks";
import {
  checkPrivateEndpoints,
  createPrivateEndpoints,
  type VaultPrivateEndpoint,
} from "./privateEndpoints";
import { deriveVaultName, NAME_SUFFIX_LENGTH, vaultNameProblem } from "./naming";
import { resolveVault, type VaultReference } from "./references";
import {
  argumentsObject,
  ArgumentProblems,
  checkArray,
  checkBoolean,
  checkPlacement,
  checkedPlacement,
  inputChecker,
  checkEnum,
  checkNetworkAllowLists,
  checkString,
  checkTags,
  GUID_PATTERN,
  guidProblem,
  ipRuleProblem,
  isKnown,
  show,
  subnetIdProblem,
  withoutAbsent,
} from "./validation";

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
  /** Entra ID object id of the principal (a GUID). Required. Its grant is named after it, so reordering the list changes nothing. */
  objectId: pulumi.Input<string>;
  /** Kind of principal; RBAC role assignments must state it correctly (Azure rejects a mismatch). Default: "User". */
  principalType?: PrincipalType;
}

/** Arguments of SecureVault. Defaults are stated in each description (the package schema keeps descriptions only). */
export interface SecureVaultArgs {
  /** Resource group that holds the vault. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region of the vault, e.g. "westeurope". Explicit, so colocation with storage can be checked. */
  readonly location: pulumi.Input<string>;
  /**
   * Entra ID tenant of the vault. Default: the tenant of the current Azure credentials
   * (`authorization.getClientConfig`).
   */
  readonly tenantId?: pulumi.Input<string>;
  /**
   * Explicit, globally unique vault name (3-24 characters of letters, digits and hyphens; starts with a letter; ends
   * with a letter or digit; no "--"). Default: derived from `namePrefix` plus a random 6-character suffix, so a
   * soft-deleted purge-protected vault of the same name never blocks a redeploy.
   */
  readonly vaultName?: pulumi.Input<string>;
  /**
   * Base of the derived vault name. Default: the component name.
   */
  readonly namePrefix?: string;
  /**
   * Vault SKU; "premium" is required for HSM-backed (RSA-HSM) keys. Default: "standard".
   */
  readonly sku?: VaultSku;
  /**
   * Data-plane permission model, always sent explicitly (API 2026-02-01 flips Azure's default to RBAC).
   * "accessPolicy" grants take effect immediately, which avoids the RBAC propagation race when a storage account is
   * created right after its key grant; "rbac" uses Azure role assignments. Default: "accessPolicy".
   */
  readonly permissionModel?: VaultPermissionModel;
  /**
   * Days a deleted vault (and its keys) stay recoverable; Azure accepts 7-90. Soft delete itself is always on.
   * Default: 90.
   */
  readonly softDeleteRetentionInDays?: number;
  /**
   * "Disabled" turns public network access off (private endpoints and trusted Azure services only). "Enabled" keeps
   * the public endpoint behind the firewall (default action Deny) with the allow-lists below. Either way the firewall
   * bypasses trusted Azure services, so Azure Storage can reach the key. Weakening to "Enabled" logs a warning.
   * Default: "Disabled".
   */
  readonly publicNetworkAccess?: PublicNetworkAccess;
  /**
   * Public IPv4 addresses or CIDR ranges allowed through the vault firewall (e.g. a CI runner's egress address).
   * Default: [].
   */
  readonly allowedIpRanges?: pulumi.Input<string>[];
  /**
   * Subnet resource ids allowed through the vault firewall (the subnets need the Microsoft.KeyVault service
   * endpoint). Default: [].
   */
  readonly allowedSubnetIds?: pulumi.Input<string>[];
  /**
   * Principals that administer keys: an access policy with `ADMINISTRATOR_KEY_PERMISSIONS` each (access-policy
   * model), or the "Key Vault Crypto Officer" role at vault scope (RBAC model). Nothing broader. Default: [].
   */
  readonly administrators?: VaultAdministrator[];
  /**
   * Recover a soft-deleted vault of the same name instead of creating one (`createMode: recover`). Use it once, to
   * bring back a vault deleted within its retention period, then remove it. Default: false.
   */
  readonly recoverSoftDeleted?: boolean;
  /**
   * Tags applied to the vault, merged over `{ managedBy: "pulumi", component: "SecureVault" }`. Default: {}.
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
  /**
   * Private endpoint for the vault (group `vault`), at most one, with a DNS zone group on the given
   * `privatelink.vaultcore.azure.net` zone. With `publicNetworkAccess: "Disabled"` it is the vault's only network path
   * besides trusted Azure services. Default: [] (no endpoint).
   */
  readonly privateEndpoints?: VaultPrivateEndpoint[];
  /**
   * Diagnostic settings: the vault's audit log (`AuditEvent`, every key operation, including Azure Storage's wrap and
   * unwrap calls) and metrics (`AllMetrics`) to a Log Analytics workspace, storage account or Event Hub. At most 5.
   * Default: [] (none).
   */
  readonly diagnosticSettings?: DiagnosticSetting[];
  /**
   * Azure resource lock on the vault. "CanNotDelete" stops deletes outside Pulumi (portal, CLI); it also blocks deleting
   * role assignments and diagnostic settings inside the vault (ScopeLocked), so lift it ("None") before removing an
   * RBAC grant. Created after the vault's other children and never Pulumi-protected, so `pulumi destroy` removes it
   * first. ReadOnly is refused. Default: no lock.
   */
  readonly lock?: ResourceLock;
}

/** Validates SecureVault arguments that are known at construction; throws one error listing every problem. */
export function validateSecureVaultArgs(name: string, input: SecureVaultArgs): void {
  const problems = new ArgumentProblems();
  const args = argumentsObject(problems, input);
  checkArgumentNames(problems, "SecureVault", args, SECURE_VAULT_ARGUMENTS);
  checkPlacement(problems, args);
  if (checkString(problems, "vaultName", args.vaultName)) {
    const p = vaultNameProblem(args.vaultName);
    if (p) problems.add("vaultName", p);
  }
  checkEnum(problems, "sku", args.sku, enumValues(VaultSku));
  checkEnum(problems, "permissionModel", args.permissionModel, enumValues(VaultPermissionModel));
  const days = args.softDeleteRetentionInDays;
  if (
    days !== undefined &&
    (typeof days !== "number" || !Number.isInteger(days) || days < 7 || days > 90)
  ) {
    problems.add(
      "softDeleteRetentionInDays",
      `must be a whole number of days between 7 and 90, got ${show(days)}`,
    );
  }
  checkEnum(
    problems,
    "publicNetworkAccess",
    args.publicNetworkAccess,
    enumValues(PublicNetworkAccess),
  );
  checkNetworkAllowLists(problems, args.allowedIpRanges, args.allowedSubnetIds, "vault");
  const seen = new Set<string>();
  checkArray(problems, "administrators", args.administrators).forEach((a, i) => {
    if (a === null || typeof a !== "object" || Array.isArray(a)) {
      problems.add(
        `administrators[${i}]`,
        `must be an object with objectId (and principalType), got ${show(a)}`,
      );
      return;
    }
    const admin = a as Partial<VaultAdministrator>;
    if (checkString(problems, `administrators[${i}].objectId`, admin.objectId, true)) {
      if (!GUID_PATTERN.test(admin.objectId)) {
        problems.add(
          `administrators[${i}].objectId`,
          `must be an Entra ID object id (a GUID), got ${show(admin.objectId)}`,
        );
      } else if (seen.has(admin.objectId.toLowerCase())) {
        problems.add(
          `administrators[${i}].objectId`,
          `is listed twice (${admin.objectId}); each administrator gets one grant`,
        );
      }
      seen.add(admin.objectId.toLowerCase());
    }
    checkEnum(
      problems,
      `administrators[${i}].principalType`,
      admin.principalType,
      enumValues(PrincipalType),
    );
  });
  if (checkString(problems, "tenantId", args.tenantId) && !GUID_PATTERN.test(args.tenantId)) {
    problems.add("tenantId", `must be an Entra ID tenant id (a GUID), got ${show(args.tenantId)}`);
  }
  checkBoolean(problems, "recoverSoftDeleted", args.recoverSoftDeleted);
  checkTags(problems, "tags", args.tags);
  checkPrivateEndpoints(problems, args.privateEndpoints, "vault");
  checkDiagnosticSettings(problems, args.diagnosticSettings);
  checkLock(problems, args.lock);
  problems.throwIfAny("SecureVault", name);
}

/** What `reference()` returns for each vault (kept outside the instance: every class field becomes a schema output). */
const references = new WeakMap<SecureVault, VaultReference>();

/**
 * Defines a hardened Key Vault for customer-managed keys: soft delete (retention 7-90 days) and purge protection always
 * on, an explicit permission model, public network access off or firewalled (default action Deny) with the trusted
 * Azure services bypass that Azure Storage needs, and key-administration grants for the given administrators.
 *
 * Creates: a `random.RandomString` name suffix (unless `vaultName` is given), a `keyvault.Vault`, and per administrator
 * a `keyvault.AccessPolicy` (access-policy model) or an `authorization.RoleAssignment` (RBAC model).
 */
export class SecureVault extends pulumi.ComponentResource {
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
  /** Data-plane permission model: "accessPolicy" or "rbac". */
  public readonly permissionModel: pulumi.Output<VaultPermissionModel>;
  /** Vault SKU: "standard" or "premium". */
  public readonly sku: pulumi.Output<VaultSku>;
  /** ARM resource id of the vault's private endpoint; empty without one. */
  public readonly privateEndpointId: pulumi.Output<string>;
  /** ARM resource id of the vault's CanNotDelete lock; empty without one. */
  public readonly lockId: pulumi.Output<string>;

  constructor(name: string, args: SecureVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: bad input never reaches the engine.
    validateSecureVaultArgs(name, args);
    args = withoutAbsent(args);
    super(
      TYPES.SecureVault,
      name,
      {},
      { ...opts, aliases: [...(opts?.aliases ?? []), { type: LEGACY_TYPES.SecureVault }] },
    );

    const sku = args.sku ?? "standard";
    const permissionModel = args.permissionModel ?? "accessPolicy";
    const publicNetworkAccess = args.publicNetworkAccess ?? "Disabled";
    if (publicNetworkAccess === "Enabled") {
      void pulumi.log.warn(
        `SecureVault "${name}": publicNetworkAccess is Enabled; the firewall still denies by default and allows only the configured IP ranges and subnets`,
        this,
      );
    }
    // Values that are outputs are checked when they resolve, before the vault request is built from them.
    const checked = inputChecker("SecureVault", name);
    const { resourceGroupName, location } = checkedPlacement(checked, args);
    const clientConfig = authorization.getClientConfigOutput({ parent: this });
    const tenantId =
      args.tenantId !== undefined
        ? checked("tenantId", args.tenantId, guidProblem)
        : clientConfig.tenantId;

    let vaultName: pulumi.Input<string>;
    if (args.vaultName !== undefined) {
      // The vault is always purge-protected: a deleted vault keeps its name for the whole retention period.
      const retention = args.softDeleteRetentionInDays ?? 90;
      const shown = typeof args.vaultName === "string" ? ` "${args.vaultName}"` : "";
      void pulumi.log.warn(
        `SecureVault "${name}": vaultName${shown} is explicit and the vault is purge-protected: after a delete or replacement the name stays reserved for the ${retention}-day soft-delete retention period (it cannot be purged), so redeploying it fails with VaultAlreadyExists until then; leave vaultName unset to derive the name from namePrefix and a random suffix`,
        this,
      );
      vaultName = checked("vaultName", args.vaultName, (v) =>
        typeof v === "string" ? vaultNameProblem(v) : `must be a string, got ${show(v)}`,
      );
    } else {
      const suffix = new random.RandomString(
        `${name}-name-suffix`,
        { length: NAME_SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
        { parent: this },
      );
      const prefix = args.namePrefix ?? name;
      vaultName = suffix.result.apply((s) => deriveVaultName(prefix, s));
    }

    const tags = { managedBy: "pulumi", component: "SecureVault", ...args.tags };
    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName,
        resourceGroupName,
        location,
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
            ipRules: (args.allowedIpRanges ?? []).map((value, i) => ({
              value: checked(`allowedIpRanges[${i}]`, value, (v) => ipRuleProblem(v, "vault")),
            })),
            virtualNetworkRules: (args.allowedSubnetIds ?? []).map((id, i) => ({
              id: checked(`allowedSubnetIds[${i}]`, id, subnetIdProblem),
            })),
          },
          ...(args.recoverSoftDeleted ? { createMode: "recover" as const } : {}),
        },
        tags,
      },
      { parent: this },
    );

    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
    this.location = pulumi.output(location);
    this.tenantId = vault.properties.apply((p) => p.tenantId ?? "");
    this.resourceGroupName = pulumi.output(resourceGroupName);
    this.permissionModel = pulumi.output(permissionModel);
    this.sku = pulumi.output(sku);
    const reference: VaultReference = {
      vaultId: this.vaultId,
      permissionModel,
      vaultUri: this.vaultUri,
      sku,
      location,
      tenantId: args.tenantId !== undefined ? tenantId : this.tenantId,
    };
    references.set(this, reference);

    const resolved = resolveVault(reference, parseVaultId, `SecureVault "${name}"`);
    const grants: pulumi.Resource[] = [];
    (args.administrators ?? []).forEach((admin, i) => {
      // Named by object id, so reordering the list keeps every grant; aliased from the index-based names of <= 0.1.0.
      const grantName = isKnown(admin.objectId)
        ? `${name}-admin-${admin.objectId.toLowerCase()}`
        : `${name}-admin-${i}`;
      const grant = grantVaultAccess(
        grantName,
        resolved,
        {
          principalId: checked(`administrators[${i}].objectId`, admin.objectId, guidProblem),
          principalType: admin.principalType ?? "User",
          tenantId,
          accessPolicy: { keys: ADMINISTRATOR_KEY_PERMISSIONS },
          role: "KeyVaultCryptoOfficer",
          description: `Key administration for SecureVault ${name}`,
          describe: `SecureVault "${name}"`,
        },
        {
          parent: this,
          aliases: grantName === `${name}-admin-${i}` ? [] : [{ name: `${name}-admin-${i}` }],
        },
      );
      grants.push(grant);
    });

    const endpoints = createPrivateEndpoints(
      args.privateEndpoints ?? [],
      {
        component: `SecureVault "${name}"`,
        name,
        target: "vault",
        targetId: vault.id,
        targetName: vault.name,
        resourceGroupName,
        location,
        tags,
        checked,
      },
      this,
    );
    const diagnostics = createDiagnosticSettings(
      name,
      vault.id,
      "vault",
      args.diagnosticSettings ?? [],
      checked,
      { parent: this },
    );
    const lock = wantsLock(args.lock)
      ? createLock(name, vault.id, vault.name, args.lock, "SecureVault", this, [
          vault,
          ...grants,
          ...endpoints.flatMap((e) => (e.zoneGroup ? [e.endpoint, e.zoneGroup] : [e.endpoint])),
          ...diagnostics,
        ])
      : undefined;
    this.privateEndpointId = endpoints[0]?.endpoint.id ?? pulumi.output("");
    this.lockId = lock?.id ?? pulumi.output("");

    this.registerOutputs({
      vaultId: this.vaultId,
      vaultName: this.vaultName,
      vaultUri: this.vaultUri,
      location: this.location,
      tenantId: this.tenantId,
      resourceGroupName: this.resourceGroupName,
      permissionModel: this.permissionModel,
      sku: this.sku,
      privateEndpointId: this.privateEndpointId,
      lockId: this.lockId,
    });
  }

  /**
   * This vault as plain data for `ManagedKeyRotation` (`vault`) and `CmkStorageAccount` (`accessKeySecretVault`).
   * Other languages build the same object from the outputs: `{ vaultId, vaultUri, sku, location, tenantId }` plus the
   * `permissionModel` the vault was configured with.
   */
  public reference(): VaultReference {
    return { ...references.get(this)! };
  }
}
