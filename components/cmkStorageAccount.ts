import * as pulumi from "@pulumi/pulumi";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as storage from "@pulumi/azure-native/storage";
import * as random from "@pulumi/random";
import { checkArgumentNames, CMK_STORAGE_ACCOUNT_ARGUMENTS } from "./argumentNames";
import { LEGACY_TYPES, TYPES } from "./componentTypes";
import { DeployerPrincipalType, enumValues, SasExpirationAction, StorageSku } from "./enums";
import {
  type BlobServices,
  checkBlobServices,
  createBlobServiceProperties,
  resolveBlobServices,
  weakenedBlobProtection,
} from "./blobServices";
import {
  checkDiagnosticSettings,
  createDiagnosticSettings,
  type DiagnosticSetting,
} from "./diagnostics";
import { grantManagedHsmKeyAccess, grantVaultAccess } from "./grants";
import { checkLock, createLock, type ResourceLock, wantsLock } from "./locks";
import {
  checkPrivateEndpoints,
  createPrivateEndpoints,
  type StoragePrivateEndpoint,
} from "./privateEndpoints";
import { ACCESS_KEY_ROTATION_TYPESCRIPT_ONLY, hosting } from "./hosting";
import { createHash } from "crypto";
import { normaliseRegion } from "./azureRegions";
import {
  deriveStorageAccountName,
  identityNameOverride,
  keyNameProblem,
  NAME_SUFFIX_LENGTH,
  storageAccountNameProblem,
} from "./naming";
import { keyStoreReference, resolveKeyStore } from "./keyStore";
import { rbacPropagationProblem, waitForRbacPropagation } from "./rbacPropagation";
import { checkKeyReference, checkVaultReference, isPlainObject } from "./referenceValidation";
import type { KeyReference, VaultReference } from "./references";
import {
  LEGACY_GRANT_PREFIX,
  StorageAccessKeyRotation,
  validateStorageAccessKeyRotationArgs,
} from "./storageAccessKeyRotation";
import {
  argumentsObject,
  ArgumentProblems,
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
  show,
  subnetIdProblem,
  withoutAbsent,
} from "./validation";

/** Key permissions the storage identity gets in the access-policy model: exactly what Azure Storage CMK needs. */
export const STORAGE_CMK_KEY_PERMISSIONS = ["get", "wrapKey", "unwrapKey"] as const;

/** The account's SAS expiration policy (set only when shared keys are allowed). */
export interface SasPolicy {
  /** Longest SAS validity, "DD.HH:MM:SS" such as "1.00:00:00". Required. */
  sasExpirationPeriod: string;
  /** What happens to a SAS that is valid for longer: "Block" rejects it, "Log" only logs it. Default: "Block". */
  expirationAction?: SasExpirationAction;
}

/** Public endpoints of a storage account. */
export interface AccountEndpoints {
  /** Blob service endpoint. */
  blob: string;
  /** Data Lake Storage endpoint. */
  dfs: string;
  /** File service endpoint. */
  file: string;
  /** Queue service endpoint. */
  queue: string;
  /** Table service endpoint. */
  table: string;
  /** Static website endpoint. */
  web: string;
}

/** Arguments of CmkStorageAccount. Defaults are stated in each description (the package schema keeps descriptions only). */
export interface CmkStorageAccountArgs {
  /** Resource group of the storage account and its identity. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region of the account, e.g. "westeurope"; must match the key vault's region unless exempted. */
  readonly location: pulumi.Input<string>;
  /**
   * Explicit, globally unique account name (3-24 lowercase letters and digits). Default: derived from `namePrefix`
   * plus a random 6-character suffix.
   */
  readonly accountName?: pulumi.Input<string>;
  /**
   * Base of the derived account name. Default: the component name.
   */
  readonly namePrefix?: string;
  /**
   * The customer-managed key: `key.reference()` of a ManagedKeyRotation, or an existing key by its vault reference
   * and name (the vault may be in another subscription), or a key in a Managed HSM (`{ managedHsm: { hsmId, ... },
   * keyName }`), granted with Managed HSM local RBAC. Required.
   */
  readonly key: KeyReference;
  /**
   * Tenant of the storage account's identity, when known, for the construction-time tenant check. Default: not
   * checked at construction.
   */
  readonly tenantId?: pulumi.Input<string>;
  /**
   * Pin a key version. Pinning DISABLES automatic rotation: the account keeps using this version until you change it,
   * and storage stops picking up new versions created by the rotation policy. Explicit opt-in only. Default: no
   * version: Azure Storage picks up each new key version within 24 hours.
   */
  readonly keyVersion?: pulumi.Input<string>;
  /**
   * Grant the account's identity exactly get/wrapKey/unwrapKey on the key (access policy), the "Key Vault Crypto
   * Service Encryption User" role on the key (RBAC), or the Managed HSM local role "Managed HSM Crypto Service
   * Encryption User" on `/keys/<keyName>` (Managed HSM key). Turn off only when the grant is managed elsewhere.
   * Default: true.
   */
  readonly grantKeyAccess?: boolean;
  /**
   * Seconds to wait after creating an RBAC (or Managed HSM local) role assignment before creating the account (RBAC
   * propagation), 30-900 when a role assignment is made. Access-policy vaults need no wait. Default: 60.
   */
  readonly rbacPropagationSeconds?: number;
  /**
   * Allow the key vault to be in another Entra ID tenant. Requires `federatedIdentityClientId`. Default: false.
   */
  readonly allowCrossTenantKey?: boolean;
  /**
   * Client id of the multi-tenant application federated with the account's identity (cross-tenant CMK). Default: none
   * (same-tenant CMK).
   */
  readonly federatedIdentityClientId?: pulumi.Input<string>;
  /**
   * Allow the key vault to be in another region than the account (Azure allows it; data residency and blast radius
   * usually don't). Default: false.
   */
  readonly allowCrossRegionKey?: boolean;
  /**
   * Storage redundancy SKU. Default: "Standard_ZRS".
   */
  readonly skuName?: StorageSku;
  /**
   * Require a second layer of encryption at the infrastructure level (create-time only). Default: true.
   */
  readonly requireInfrastructureEncryption?: boolean;
  /**
   * Allow Shared Key (account key) and SAS authorisation. Off so that every request is authorised with Entra ID; when
   * turned on, a key expiration policy and a SAS expiration policy are set. Default: false.
   */
  readonly allowSharedKeyAccess?: boolean;
  /**
   * Account-key expiration reminder in days (`keyPolicy`), set only when shared keys are allowed. Default: 90.
   */
  readonly keyExpirationPeriodInDays?: number;
  /**
   * Rotate the account access keys automatically (dual-key alternation, Key Vault as the store of record; see
   * docs/access-key-rotation.md). Only with `allowSharedKeyAccess: true`. The rotation runs on every `pulumi up`.
   * Default: false.
   */
  readonly rotateAccessKeys?: boolean;
  /**
   * Rotation period of the access keys in days; also the account's `keyPolicy.keyExpirationPeriodInDays`, so Azure's
   * "Storage account keys should not be expired" policy agrees with the schedule. Default:
   * `keyExpirationPeriodInDays`, else 90.
   */
  readonly accessKeyRotationPeriodInDays?: number;
  /**
   * Grant the identity running `pulumi up` what rotation needs: Storage Account Key Operator Service Role and Reader
   * on the account, and secrets get/set (access policy) or Key Vault Secrets Officer (RBAC) on the vault. Turn off
   * when the deployer already holds them (e.g. Owner), or when the grants are managed elsewhere. Default: true.
   */
  readonly grantDeployerAccessKeyRotation?: boolean;
  /**
   * Vault that stores the active access key as a secret (a SecureVault's `reference()`, or an existing vault).
   * Required with `rotateAccessKeys` when the key is in a Managed HSM (an HSM holds no secrets). Default: the vault
   * holding the CMK.
   */
  readonly accessKeySecretVault?: VaultReference;
  /**
   * Principal type of the identity running `pulumi up`, for its role assignments (Azure rejects a mismatch; the
   * azure-native SDK would otherwise send "User"). Scheduled rotations usually run as a CI service principal.
   * Default: "ServicePrincipal".
   */
  readonly deployerPrincipalType?: DeployerPrincipalType;
  /**
   * Longest SAS validity ("DD.HH:MM:SS") and what happens to longer ones ("Block" rejects them), set only when shared
   * keys are allowed. Default: { sasExpirationPeriod: "1.00:00:00", expirationAction: "Block" }.
   */
  readonly sasPolicy?: SasPolicy;
  /**
   * Public IPv4 addresses or CIDR ranges allowed through the account firewall (default action Deny, trusted Azure
   * services bypassed). Default: [].
   */
  readonly allowedIpRanges?: pulumi.Input<string>[];
  /**
   * Subnet resource ids allowed through the account firewall. Default: [].
   */
  readonly allowedSubnetIds?: pulumi.Input<string>[];
  /**
   * Tags for the account and identity, merged over `{ managedBy: "pulumi", component: "CmkStorageAccount" }`.
   * Default: {}.
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
  /**
   * Private endpoints for the services the account's users need (`blob`, `dfs`, `file`, `queue`, `table`, `web`; one per
   * service), each with a DNS zone group on the given `privatelink.<service>.core.windows.net` zone. With no firewall
   * rules the account's public network access is disabled, so an endpoint is how workloads reach its data.
   * Default: [] (no endpoint).
   */
  readonly privateEndpoints?: StoragePrivateEndpoint[];
  /**
   * Diagnostic settings, each applied to the account (metrics: `Transaction`) and to its blob, file, queue and table
   * services (logs `StorageRead`, `StorageWrite`, `StorageDelete`; metrics `Transaction`), to a Log Analytics
   * workspace, storage account or Event Hub. At most 5. Default: [] (none).
   */
  readonly diagnosticSettings?: DiagnosticSetting[];
  /**
   * Azure resource lock on the account. "CanNotDelete" stops deletes outside Pulumi (portal, CLI) and also blocks
   * deleting the account's diagnostic settings and role assignments (ScopeLocked). Created after the account's other
   * children and never Pulumi-protected, so `pulumi destroy` and offboarding remove it first. ReadOnly is refused (it
   * breaks listKeys). Default: no lock.
   */
  readonly lock?: ResourceLock;
  /**
   * Blob data protection: blob and container soft delete (7 days) and versioning are on unless turned off (which logs
   * a warning); change feed and point-in-time restore on request. Default: { deleteRetentionPolicyEnabled: true,
   * deleteRetentionPolicyDays: 7, containerDeleteRetentionPolicyEnabled: true, containerDeleteRetentionPolicyDays: 7,
   * isVersioningEnabled: true, changeFeedEnabled: false, restorePolicyEnabled: false }.
   */
  readonly blobServices?: BlobServices;
}

/** Validates CmkStorageAccount arguments known at construction; throws one error listing every problem. */
export function validateCmkStorageAccountArgs(name: string, input: CmkStorageAccountArgs): void {
  const problems = new ArgumentProblems();
  const args = argumentsObject(problems, input);
  checkArgumentNames(problems, "CmkStorageAccount", args, CMK_STORAGE_ACCOUNT_ARGUMENTS);
  checkPlacement(problems, args);
  if (checkString(problems, "accountName", args.accountName)) {
    const p = storageAccountNameProblem(args.accountName);
    if (p) problems.add("accountName", p);
  }
  const keyOk = checkKeyReference(problems, "key", args.key);
  if (
    checkString(problems, "keyVersion", args.keyVersion) &&
    !/^[0-9a-fA-F]{32}$/.test(args.keyVersion)
  ) {
    problems.add(
      "keyVersion",
      `must be a 32-character hexadecimal key version, got ${show(args.keyVersion)}`,
    );
  }
  for (const flag of [
    "grantKeyAccess",
    "allowCrossTenantKey",
    "allowCrossRegionKey",
    "requireInfrastructureEncryption",
    "allowSharedKeyAccess",
    "rotateAccessKeys",
    "grantDeployerAccessKeyRotation",
  ] as const) {
    checkBoolean(problems, flag, args[flag]);
  }
  checkEnum(problems, "skuName", args.skuName, enumValues(StorageSku));
  const hsmKey =
    isPlainObject(args.key) && args.key.managedHsm !== undefined && args.key.managedHsm !== null;
  const rbacKeyGrant =
    args.grantKeyAccess !== false &&
    isPlainObject(args.key) &&
    (hsmKey || (isPlainObject(args.key.vault) && args.key.vault.permissionModel === "rbac"));
  const deployerRoles =
    args.rotateAccessKeys === true && args.grantDeployerAccessKeyRotation !== false;
  const waitProblem = rbacPropagationProblem(
    args.rbacPropagationSeconds,
    rbacKeyGrant || deployerRoles,
  );
  if (waitProblem) problems.add("rbacPropagationSeconds", waitProblem);
  const keyDays = args.keyExpirationPeriodInDays;
  if (
    keyDays !== undefined &&
    (typeof keyDays !== "number" ||
      !Number.isInteger(keyDays) ||
      keyDays < 1 ||
      keyDays > 2 ** 31 - 1)
  ) {
    problems.add(
      "keyExpirationPeriodInDays",
      `must be a whole number of days of at least 1, got ${show(keyDays)}`,
    );
  }
  if (args.rotateAccessKeys === true && args.allowSharedKeyAccess !== true) {
    problems.add(
      "rotateAccessKeys",
      "needs allowSharedKeyAccess: true (with shared keys off there are no usable keys to rotate)",
    );
  }
  if (args.rotateAccessKeys === true && hosting.isComponentProviderHost()) {
    problems.add(
      "rotateAccessKeys",
      `is available to TypeScript and JavaScript programs only: ${ACCESS_KEY_ROTATION_TYPESCRIPT_ONLY}`,
    );
  }
  const period = args.accessKeyRotationPeriodInDays;
  if (
    period !== undefined &&
    (typeof period !== "number" || !Number.isInteger(period) || period < 1 || period > 730)
  ) {
    problems.add(
      "accessKeyRotationPeriodInDays",
      `must be a whole number of days between 1 and 730, got ${show(period)}`,
    );
  }
  if (period !== undefined && keyDays !== undefined && period !== keyDays) {
    problems.add(
      "keyExpirationPeriodInDays",
      `must equal accessKeyRotationPeriodInDays (${show(period)}) so the key expiration policy matches the rotation schedule, got ${show(keyDays)}`,
    );
  }
  checkVaultReference(problems, "accessKeySecretVault", args.accessKeySecretVault, false);
  if (args.rotateAccessKeys === true && hsmKey && args.accessKeySecretVault === undefined) {
    problems.add(
      "accessKeySecretVault",
      "is required when rotateAccessKeys is true and the key is in a Managed HSM: the active access key is stored as a Key Vault secret, and a Managed HSM holds keys only",
    );
  }
  if (args.rotateAccessKeys === true && problems.list.length === 0) {
    // The rotation this account creates gets its tags and period from here: check them now, under this component's
    // argument names, so nothing is registered when the inner component would refuse them.
    try {
      validateStorageAccessKeyRotationArgs(name, {
        storageAccountId: pulumi.output(""),
        vault: (args.accessKeySecretVault ?? args.key?.vault)!,
        rotationPeriodInDays:
          args.accessKeyRotationPeriodInDays ?? args.keyExpirationPeriodInDays ?? 90,
        tags: {
          managedBy: "pulumi",
          component: "CmkStorageAccount",
          ...(args.tags as Record<string, string> | undefined),
        },
      });
    } catch (e) {
      const inner = pulumi.InputPropertiesError.isInstance(e) ? e.errors : [];
      for (const p of inner) {
        const path =
          p.propertyPath === "tags"
            ? "tags"
            : p.propertyPath === "rotationPeriodInDays"
              ? "accessKeyRotationPeriodInDays"
              : p.propertyPath;
        problems.add(
          path,
          path === "tags"
            ? `${p.reason} (with rotateAccessKeys, the tags, including managedBy and component, also go on every secret version of the active key)`
            : p.reason,
        );
      }
    }
  }
  checkEnum(
    problems,
    "deployerPrincipalType",
    args.deployerPrincipalType,
    enumValues(DeployerPrincipalType),
  );
  const sas: unknown = args.sasPolicy;
  if (sas !== undefined) {
    if (sas === null || typeof sas !== "object" || Array.isArray(sas)) {
      problems.add(
        "sasPolicy",
        `must be an object { sasExpirationPeriod, expirationAction? }, got ${show(sas)}`,
      );
    } else {
      const policy = sas as Partial<SasPolicy>;
      const valid =
        typeof policy.sasExpirationPeriod === "string" &&
        /^(\d+)\.([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/.test(policy.sasExpirationPeriod);
      if (!valid) {
        problems.add(
          "sasPolicy.sasExpirationPeriod",
          `must be "DD.HH:MM:SS" (hours 00-23, minutes and seconds 00-59) such as "1.00:00:00", got ${show(policy.sasExpirationPeriod)}`,
        );
      }
      checkEnum(
        problems,
        "sasPolicy.expirationAction",
        policy.expirationAction,
        enumValues(SasExpirationAction),
      );
    }
  }
  checkNetworkAllowLists(problems, args.allowedIpRanges, args.allowedSubnetIds, "storage");
  // The tags go on the account (tag names up to 128 characters) and the identity.
  checkTags(problems, "tags", args.tags, { maxNameLength: 128 });
  checkPrivateEndpoints(problems, args.privateEndpoints, "storage", args.skuName);
  checkDiagnosticSettings(problems, args.diagnosticSettings);
  checkLock(problems, args.lock);
  checkBlobServices(problems, args.blobServices);

  // Colocation (seeds 001/004): same region and tenant as the vault, unless exempted explicitly. Values that are
  // outputs are checked when they resolve (see colocationProblems).
  const store = keyOk ? keyStoreReference(args.key) : undefined;
  for (const p of colocationProblems(
    args,
    store && isPlainObject(store.ref) ? store.ref : undefined,
    store?.label,
  )) {
    problems.add(p.path, p.reason);
  }
  if (checkString(problems, "tenantId", args.tenantId) && !GUID_PATTERN.test(args.tenantId)) {
    problems.add("tenantId", `must be an Entra ID tenant id (a GUID), got ${show(args.tenantId)}`);
  }
  if (args.allowCrossTenantKey === true && args.federatedIdentityClientId === undefined) {
    problems.add(
      "federatedIdentityClientId",
      "is required when allowCrossTenantKey is true (the multi-tenant application's client id that Azure Storage uses to reach the other tenant's vault)",
    );
  }
  if (args.allowCrossTenantKey !== true && args.federatedIdentityClientId !== undefined) {
    problems.add(
      "federatedIdentityClientId",
      "is only valid for a cross-tenant key; set allowCrossTenantKey: true as well, or remove it",
    );
  }
  if (
    checkString(problems, "federatedIdentityClientId", args.federatedIdentityClientId) &&
    !GUID_PATTERN.test(args.federatedIdentityClientId)
  ) {
    problems.add(
      "federatedIdentityClientId",
      `must be an application (client) id (a GUID), got ${show(args.federatedIdentityClientId)}`,
    );
  }
  problems.throwIfAny("CmkStorageAccount", name);
}

/** Region and tenant colocation of an account with its key's vault, for values known now. */
function colocationProblems(
  values: {
    location?: unknown;
    tenantId?: unknown;
    allowCrossRegionKey?: unknown;
    allowCrossTenantKey?: unknown;
  },
  vault: { location?: unknown; tenantId?: unknown } | undefined,
  label = "key vault",
): { path: string; reason: string }[] {
  const problems: { path: string; reason: string }[] = [];
  const noun = label === "key vault" ? "vault" : label;
  const { location, tenantId } = values;
  const vaultLocation = vault?.location;
  if (
    values.allowCrossRegionKey !== true &&
    typeof location === "string" &&
    typeof vaultLocation === "string" &&
    normaliseRegion(location) !== normaliseRegion(vaultLocation)
  ) {
    problems.push({
      path: "location",
      reason: `must match the ${label}'s region "${vaultLocation}", got ${show(location)}; move the account or the ${noun}, or set allowCrossRegionKey: true`,
    });
  }
  const vaultTenant = vault?.tenantId;
  if (
    values.allowCrossTenantKey !== true &&
    typeof tenantId === "string" &&
    typeof vaultTenant === "string" &&
    tenantId.toLowerCase() !== vaultTenant.toLowerCase()
  ) {
    problems.push({
      path: "tenantId",
      reason: `must match the ${label}'s tenant "${vaultTenant}", got ${show(tenantId)}; use a ${noun} in the same tenant, or set allowCrossTenantKey: true with federatedIdentityClientId`,
    });
  }
  return problems;
}

/**
 * Defines a StorageV2 account encrypted at creation with a customer-managed key: a user-assigned identity, its grant on
 * the key (exactly get/wrapKey/unwrapKey, or the "Key Vault Crypto Service Encryption User" role on the key), and the
 * account, which depends on the grant so Azure never sees it before the identity can use the key.
 *
 * Creates: `managedidentity.UserAssignedIdentity`; `keyvault.AccessPolicy` (access-policy vault) or
 * `authorization.RoleAssignment` + `time.Sleep` (RBAC vault); `random.RandomString` (derived names only);
 * `storage.StorageAccount`; and with `rotateAccessKeys` a `StorageAccessKeyRotation` (TypeScript/JavaScript only).
 */
export class CmkStorageAccount extends pulumi.ComponentResource {
  /** ARM resource id of the storage account. */
  public readonly accountId: pulumi.Output<string>;
  /** Storage account name. */
  public readonly accountName: pulumi.Output<string>;
  /** ARM resource id of the user-assigned identity the account uses to reach the key. */
  public readonly identityId: pulumi.Output<string>;
  /** Principal (object) id of the identity. */
  public readonly identityPrincipalId: pulumi.Output<string>;
  /** Client (application) id of the identity. */
  public readonly identityClientId: pulumi.Output<string>;
  /** ARM resource id of the identity's key grant (access policy or role assignment); empty when `grantKeyAccess` is false. */
  public readonly keyGrantId: pulumi.Output<string>;
  /** Vault URI the account's encryption uses (no trailing slash). */
  public readonly keyVaultUri: pulumi.Output<string>;
  /** Key name the account's encryption uses. */
  public readonly keyName: pulumi.Output<string>;
  /** Public endpoints of the account (blob, dfs, file, queue, table, web). */
  public readonly primaryEndpoints: pulumi.Output<AccountEndpoints>;
  /** Versionless Key Vault secret id holding the active access key; empty unless `rotateAccessKeys` is on. */
  public readonly accessKeySecretId: pulumi.Output<string>;
  /** ARM resource ids of the account's private endpoints, by service (e.g. `{ blob: "/subscriptions/…" }`). */
  public readonly privateEndpointIds: pulumi.Output<Record<string, string>>;
  /** ARM resource id of the account's CanNotDelete lock; empty without one. */
  public readonly lockId: pulumi.Output<string>;

  constructor(name: string, args: CmkStorageAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: bad input never reaches the engine.
    validateCmkStorageAccountArgs(name, args);
    args = withoutAbsent(args);
    super(
      TYPES.CmkStorageAccount,
      name,
      {},
      {
        ...opts,
        aliases: [...(opts?.aliases ?? []), { type: LEGACY_TYPES.CmkStorageAccount }],
      },
    );

    // Values that are outputs are checked when they resolve, before the requests are built from them.
    const checked = inputChecker("CmkStorageAccount", name);
    const { resourceGroupName, location } = checkedPlacement(checked, args);
    const tags = { managedBy: "pulumi", component: "CmkStorageAccount", ...args.tags };
    const store = resolveKeyStore(args.key, `CmkStorageAccount "${name}" key`);
    const storeRef = keyStoreReference(args.key);
    const keyName = pulumi.output(
      checked("key.keyName", args.key.keyName, (v) =>
        typeof v === "string" ? keyNameProblem(v) : `must be a string, got ${show(v)}`,
      ),
    );
    // Colocation values only known at deployment are checked when they resolve; the account's key reference waits
    // for that check, so a mismatch fails before the account is requested.
    const colocation = pulumi
      .all([location, args.tenantId, storeRef.ref.location, storeRef.ref.tenantId])
      .apply(([location, tenantId, vaultLocation, vaultTenantId]) => {
        const found = colocationProblems(
          {
            location,
            tenantId,
            allowCrossRegionKey: args.allowCrossRegionKey,
            allowCrossTenantKey: args.allowCrossTenantKey,
          },
          { location: vaultLocation, tenantId: vaultTenantId },
          storeRef.label,
        );
        if (found.length > 0) {
          throw new Error(
            `Invalid arguments for CmkStorageAccount "${name}":\n${found.map((p) => `  - ${p.path}: ${p.reason}`).join("\n")}`,
          );
        }
      });
    const keyVaultUri = pulumi.all([store.uri, colocation]).apply(([uri]) => uri);
    const allowSharedKeyAccess = args.allowSharedKeyAccess ?? false;
    if (allowSharedKeyAccess) {
      void pulumi.log.warn(
        `CmkStorageAccount "${name}": allowSharedKeyAccess is true; account keys and SAS work, with key and SAS expiration policies set`,
        this,
      );
    }
    if (args.keyVersion !== undefined) {
      void pulumi.log.warn(
        `CmkStorageAccount "${name}": keyVersion is pinned; the account will not pick up rotated key versions`,
        this,
      );
    }

    // Auto-named like any resource, unless the component name would make an invalid identity name.
    const identityName = identityNameOverride(`${name}-identity`, (t) =>
      createHash("sha256").update(t).digest("hex"),
    );
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      {
        ...(identityName !== undefined ? { resourceName: identityName } : {}),
        resourceGroupName,
        location,
        tags,
      },
      { parent: this },
    );

    const dependsOn: pulumi.Resource[] = [];
    let keyGrantId: pulumi.Output<string> = pulumi.output("");
    if (args.grantKeyAccess ?? true) {
      const grant =
        store.kind === "managedHsm"
          ? grantManagedHsmKeyAccess(
              `${name}-key-access`,
              store.hsm,
              {
                principalId: identity.principalId,
                keyName,
                role: "ManagedHsmCryptoServiceEncryptionUser",
              },
              { parent: this },
            )
          : grantVaultAccess(
              `${name}-key-access`,
              store.vault,
              {
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                tenantId: identity.tenantId,
                accessPolicy: { keys: STORAGE_CMK_KEY_PERMISSIONS },
                role: "KeyVaultCryptoServiceEncryptionUser",
                scope: args.key.keyId ?? pulumi.interpolate`${store.vault.vaultId}/keys/${keyName}`,
                description: `CMK access for storage account component ${name}`,
                describe: `CmkStorageAccount "${name}" key.vault`,
              },
              { parent: this },
            );
      keyGrantId = grant.id;
      dependsOn.push(grant);
      if (store.roleBasedGrant) {
        dependsOn.push(
          waitForRbacPropagation(
            `${name}-rbac-propagation`,
            [grant],
            args.rbacPropagationSeconds ?? 60,
            { parent: this },
          ),
        );
      }
    }

    let accountName: pulumi.Input<string>;
    if (args.accountName !== undefined) {
      accountName = checked("accountName", args.accountName, (v) =>
        typeof v === "string" ? storageAccountNameProblem(v) : `must be a string, got ${show(v)}`,
      );
    } else {
      const suffix = new random.RandomString(
        `${name}-name-suffix`,
        { length: NAME_SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
        { parent: this },
      );
      const prefix = args.namePrefix ?? name;
      accountName = suffix.result.apply((s) => deriveStorageAccountName(prefix, s));
    }

    const ipRules = (args.allowedIpRanges ?? []).map((ip, i) => ({
      iPAddressOrRange: checked(`allowedIpRanges[${i}]`, ip, (v) => ipRuleProblem(v, "storage")),
      action: "Allow" as const,
    }));
    const vnetRules = (args.allowedSubnetIds ?? []).map((id, i) => ({
      virtualNetworkResourceId: checked(`allowedSubnetIds[${i}]`, id, subnetIdProblem),
      action: "Allow" as const,
    }));
    const service = { enabled: true, keyType: "Account" as const };

    const account = new storage.StorageAccount(
      `${name}-account`,
      {
        accountName,
        resourceGroupName,
        location,
        kind: "StorageV2",
        sku: { name: args.skuName ?? "Standard_ZRS" },
        accessTier: "Hot",
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        encryption: {
          keySource: "Microsoft.Keyvault",
          keyVaultProperties: {
            keyName,
            keyVaultUri,
            ...(args.keyVersion !== undefined
              ? {
                  keyVersion: checked("keyVersion", args.keyVersion, (v) =>
                    typeof v === "string" && /^[0-9a-fA-F]{32}$/.test(v)
                      ? undefined
                      : `must be a 32-character hexadecimal key version, got ${show(v)}`,
                  ),
                }
              : {}),
          },
          encryptionIdentity: {
            encryptionUserAssignedIdentity: identity.id,
            ...(args.federatedIdentityClientId !== undefined
              ? {
                  encryptionFederatedIdentityClientId: checked(
                    "federatedIdentityClientId",
                    args.federatedIdentityClientId,
                    guidProblem,
                  ),
                }
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
        networkRuleSet: {
          defaultAction: "Deny",
          bypass: "AzureServices",
          ipRules,
          virtualNetworkRules: vnetRules,
        },
        ...(allowSharedKeyAccess
          ? {
              keyPolicy: {
                keyExpirationPeriodInDays:
                  args.accessKeyRotationPeriodInDays ?? args.keyExpirationPeriodInDays ?? 90,
              },
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

    let accessKeySecretId: pulumi.Output<string> = pulumi.output("");
    let rotation: StorageAccessKeyRotation | undefined;
    if (args.rotateAccessKeys) {
      rotation = new StorageAccessKeyRotation(
        `${name}-access-keys`,
        {
          storageAccountId: account.id,
          vault: (args.accessKeySecretVault ?? args.key.vault)!,
          rotationPeriodInDays:
            args.accessKeyRotationPeriodInDays ?? args.keyExpirationPeriodInDays ?? 90,
          tags,
          grantDeployerAccess: args.grantDeployerAccessKeyRotation ?? true,
          ...(args.deployerPrincipalType !== undefined
            ? { deployerPrincipalType: args.deployerPrincipalType }
            : {}),
          ...(args.rbacPropagationSeconds !== undefined
            ? { rbacPropagationSeconds: args.rbacPropagationSeconds }
            : {}),
          [LEGACY_GRANT_PREFIX]: name,
        },
        { parent: this },
      );
      accessKeySecretId = rotation.secretId;
    }

    // Blob data protection, private endpoints, diagnostics and the lock: new children only, so existing accounts get
    // creates, never replacements. The lock comes last and depends on the others (see createLock).
    const blobProtection = resolveBlobServices(args.blobServices);
    const weakened = weakenedBlobProtection(blobProtection);
    if (weakened.length > 0) {
      void pulumi.log.warn(
        `CmkStorageAccount "${name}": blobServices turns off ${weakened.join(", ")}; deleted or overwritten blobs cannot be recovered`,
        this,
      );
    }
    const blobService = createBlobServiceProperties(
      name,
      account,
      resourceGroupName,
      blobProtection,
      this,
    );
    const endpoints = createPrivateEndpoints(
      args.privateEndpoints ?? [],
      {
        component: `CmkStorageAccount "${name}"`,
        name,
        target: "storage",
        targetId: account.id,
        targetName: account.name,
        resourceGroupName,
        location,
        tags,
        checked,
      },
      this,
    );
    const settings = args.diagnosticSettings ?? [];
    const diagnostics = [
      ...createDiagnosticSettings(name, account.id, "storageAccount", settings, checked, {
        parent: this,
      }),
      ...(["blob", "file", "queue", "table"] as const).flatMap((svc) =>
        createDiagnosticSettings(
          `${name}-${svc}`,
          pulumi.interpolate`${account.id}/${svc}Services/default`,
          "storageService",
          settings,
          checked,
          // The blob service's settings are written after its properties, so the two never race on a new account.
          { parent: this, dependsOn: svc === "blob" ? [blobService] : [account] },
        ),
      ),
    ];
    const lock = wantsLock(args.lock)
      ? createLock(name, account.id, account.name, args.lock, "CmkStorageAccount", this, [
          account,
          blobService,
          ...endpoints.flatMap((e) => (e.zoneGroup ? [e.endpoint, e.zoneGroup] : [e.endpoint])),
          ...diagnostics,
          ...(rotation ? [rotation] : []),
        ])
      : undefined;

    this.accountId = account.id;
    this.accountName = account.name;
    this.identityId = identity.id;
    this.identityPrincipalId = identity.principalId;
    this.identityClientId = identity.clientId;
    this.keyGrantId = keyGrantId;
    this.keyVaultUri = keyVaultUri;
    this.keyName = keyName;
    this.primaryEndpoints = account.primaryEndpoints.apply((e) => ({
      blob: e.blob,
      dfs: e.dfs,
      file: e.file,
      queue: e.queue,
      table: e.table,
      web: e.web,
    }));
    this.accessKeySecretId = accessKeySecretId;
    this.privateEndpointIds = pulumi.output(
      Object.fromEntries(endpoints.map((e) => [e.groupId, e.endpoint.id])),
    );
    this.lockId = lock?.id ?? pulumi.output("");

    this.registerOutputs({
      accountId: this.accountId,
      accountName: this.accountName,
      identityId: this.identityId,
      identityPrincipalId: this.identityPrincipalId,
      identityClientId: this.identityClientId,
      keyGrantId: this.keyGrantId,
      keyVaultUri: this.keyVaultUri,
      keyName: this.keyName,
      primaryEndpoints: this.primaryEndpoints,
      accessKeySecretId: this.accessKeySecretId,
      privateEndpointIds: this.privateEndpointIds,
      lockId: this.lockId,
    });
  }
}
