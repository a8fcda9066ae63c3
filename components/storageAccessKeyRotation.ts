import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type { AccessKeyRotationInputs } from "./accessKeyRotation/provider";
import { accessKeyRotationProvider } from "./accessKeyRotation/provider";
import {
  DEFAULT_ROTATION_PERIOD_DAYS,
  defaultSecretName,
  MAX_ROTATION_PERIOD_DAYS,
  MAX_USER_TAGS,
  MIN_ROTATION_PERIOD_DAYS,
  parseStorageAccountId,
  SECRET_NAME_PATTERN,
  SECRET_TAGS,
} from "./accessKeyRotation/schedule";
import { parseVaultId } from "./armId";
import { checkArgumentNames, STORAGE_ACCESS_KEY_ROTATION_ARGUMENTS } from "./argumentNames";
import type { AzureBuiltInRoleName } from "./azureRoles";
import { LEGACY_TYPES, TYPES } from "./componentTypes";
import { DeployerPrincipalType, enumValues } from "./enums";
import { assignRole, grantVaultAccess } from "./grants";
import { ACCESS_KEY_ROTATION_TYPESCRIPT_ONLY, hosting } from "./hosting";
import { rbacPropagationProblem, waitForRbacPropagation } from "./rbacPropagation";
import { checkVaultReference } from "./referenceValidation";
import { resolveVault, type VaultReference } from "./references";
import {
  argumentsObject,
  ArgumentProblems,
  checkBoolean,
  checkEnum,
  checkString,
  checkTags,
  isKnown,
  show,
  withoutAbsent,
} from "./validation";

/**
 * Name prefix of the deployer grants CmkStorageAccount <= 0.1.0 created itself (as its own children); the rotation it
 * creates now passes it, so those grants are aliased instead of replaced. Not part of the public arguments.
 */
export const LEGACY_GRANT_PREFIX: unique symbol = Symbol("legacyGrantPrefix");

/** Arguments of StorageAccessKeyRotation. Plain values only, so the component can be described in a package schema. */
export interface StorageAccessKeyRotationArgs {
  /**
   * ARM id of the storage account whose access keys rotate
   * (`/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>`). The account must
   * allow shared-key access; otherwise there is nothing to rotate.
   */
  readonly storageAccountId: pulumi.Input<string>;
  /** The Key Vault that stores the active key (a SecureVault's `reference()`, or an existing vault by id). */
  readonly vault: VaultReference;
  /**
   * Name of the Key Vault secret holding the active key (1-127 letters, digits, dashes). Every rotation writes a new
   * version; clients read the latest.
   *
   * @default - `<accountName>-access-key`
   */
  readonly secretName?: pulumi.Input<string>;
  /**
   * Days a key stays active before the other key is regenerated and takes over; the previous key stays valid for one
   * more period. Also what CmkStorageAccount sets as `keyPolicy.keyExpirationPeriodInDays`. Whole days, 1-730.
   *
   * @default 90
   */
  readonly rotationPeriodInDays?: pulumi.Input<number>;
  /**
   * Tags for every secret version, besides the rotation's own `CredentialId`, `ProviderAddress`, `ValidityPeriodDays`
   * and `KeyCreationTime` (which win on a clash). At most 11 (Key Vault allows 15 per secret).
   *
   * @default {}
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
  /**
   * Grant the identity running `pulumi up` what rotation needs (`accessKeyRotationPermissions()`): Storage Account Key
   * Operator Service Role and Reader on the account, and secrets get/set (access policy) or Key Vault Secrets Officer
   * (RBAC) on the vault. Turn off when the deployer already holds them or the grants are managed elsewhere.
   *
   * @default true
   */
  readonly grantDeployerAccess?: boolean;
  /**
   * Principal type of the identity running `pulumi up`, for its role assignments (Azure rejects a mismatch).
   *
   * @default "ServicePrincipal"
   */
  readonly deployerPrincipalType?: DeployerPrincipalType;
  /**
   * Seconds to wait after the deployer's role assignments are created, before the first rotation (RBAC propagation);
   * 30-900 when the deployer's grants are made.
   *
   * @default 60
   */
  readonly rbacPropagationSeconds?: number;
  /** Internal: see LEGACY_GRANT_PREFIX. */
  readonly [LEGACY_GRANT_PREFIX]?: string;
}

/** Validates plain argument values (Outputs are checked by the provider when known); throws once listing every problem. */
export function validateStorageAccessKeyRotationArgs(
  name: string,
  input: StorageAccessKeyRotationArgs,
): void {
  const problems = new ArgumentProblems();
  if (hosting.isComponentProviderHost()) {
    problems.add(
      "args",
      `StorageAccessKeyRotation is available to TypeScript and JavaScript programs only: ${ACCESS_KEY_ROTATION_TYPESCRIPT_ONLY}`,
    );
    problems.throwIfAny("StorageAccessKeyRotation", name);
  }
  const args = argumentsObject(problems, input);
  checkArgumentNames(
    problems,
    "StorageAccessKeyRotation",
    args,
    STORAGE_ACCESS_KEY_ROTATION_ARGUMENTS,
  );
  if (
    checkString(problems, "storageAccountId", args.storageAccountId, true) &&
    !parseStorageAccountId(args.storageAccountId)
  ) {
    problems.add(
      "storageAccountId",
      `must be a storage account ARM id "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>", got ${show(args.storageAccountId)}`,
    );
  }
  checkVaultReference(problems, "vault", args.vault, true);
  if (
    checkString(problems, "secretName", args.secretName) &&
    !SECRET_NAME_PATTERN.test(args.secretName)
  ) {
    problems.add(
      "secretName",
      `must match ${SECRET_NAME_PATTERN.source} (1-127 letters, digits, dashes), got ${show(args.secretName)}`,
    );
  }
  const period = args.rotationPeriodInDays;
  if (
    period !== undefined &&
    isKnown(period) &&
    !(
      typeof period === "number" &&
      Number.isInteger(period) &&
      period >= MIN_ROTATION_PERIOD_DAYS &&
      period <= MAX_ROTATION_PERIOD_DAYS
    )
  ) {
    problems.add(
      "rotationPeriodInDays",
      `must be a whole number of days between ${MIN_ROTATION_PERIOD_DAYS} and ${MAX_ROTATION_PERIOD_DAYS}, got ${show(period)}`,
    );
  }
  checkTags(problems, "tags", args.tags);
  if (args.tags !== undefined && args.tags !== null && typeof args.tags === "object") {
    const keys = Object.keys(args.tags);
    if (keys.length > MAX_USER_TAGS) {
      problems.add(
        "tags",
        `must have at most ${MAX_USER_TAGS} entries (Key Vault allows 15 per secret, 4 are the rotation's), got ${keys.length}`,
      );
    }
    const reserved = keys.filter((k) =>
      (Object.values(SECRET_TAGS) as string[]).some((r) => r.toLowerCase() === k.toLowerCase()),
    );
    if (reserved.length > 0) {
      problems.add(
        "tags",
        `must not set the rotation's own tags ${Object.values(SECRET_TAGS).join(", ")}, got ${show(reserved)}`,
      );
    }
  }
  checkBoolean(problems, "grantDeployerAccess", args.grantDeployerAccess);
  checkEnum(
    problems,
    "deployerPrincipalType",
    args.deployerPrincipalType,
    enumValues(DeployerPrincipalType),
  );
  const waitProblem = rbacPropagationProblem(
    args.rbacPropagationSeconds,
    args.grantDeployerAccess !== false,
  );
  if (waitProblem) problems.add("rbacPropagationSeconds", waitProblem);
  problems.throwIfAny("StorageAccessKeyRotation", name);
}

/** What the identity running `pulumi up` needs for access-key rotation (see docs/access-key-rotation.md). */
export interface AccessKeyRotationPermissions {
  /**
   * Built-in roles (names in `AzureBuiltInRoles`) to assign on the storage account: Storage Account Key Operator Service Role (listKeys,
   * regenerateKey) and Reader (`storageAccounts/read`, for `keyCreationTime`; the Key Operator role has no read).
   * An identity that already holds Contributor or Owner on the account needs neither.
   */
  readonly storageAccountRoles: readonly AzureBuiltInRoleName[];
  /** RBAC-model vault: built-in roles to assign on the vault (Key Vault Secrets Officer). */
  readonly vaultRbacRoles: readonly AzureBuiltInRoleName[];
  /** Access-policy-model vault: secret permissions for the identity's access policy (get, set; nothing broader). */
  readonly vaultAccessPolicySecretPermissions: readonly ("get" | "set")[];
}

/** The grants the deploying identity needs for StorageAccessKeyRotation, in both vault permission models. */
export function accessKeyRotationPermissions(): AccessKeyRotationPermissions {
  return {
    storageAccountRoles: ["StorageAccountKeyOperatorServiceRole", "Reader"],
    vaultRbacRoles: ["KeyVaultSecretsOfficer"],
    vaultAccessPolicySecretPermissions: ["get", "set"],
  };
}

/** The provider is built once so Pulumi serializes it once per program. */
const provider = accessKeyRotationProvider();

/** The dynamic resource doing the work (`pulumi-nodejs:dynamic/cmk:AccessKeyRotation`). */
class AccessKeyRotation extends pulumi.dynamic.Resource {
  // `declare`: with useDefineForClassFields (target ES2022) a plain field would reset the Output set by super().
  declare public readonly activeKeyName: pulumi.Output<string>;
  declare public readonly lastRotatedAt: pulumi.Output<string>;
  declare public readonly nextRotationAt: pulumi.Output<string>;
  declare public readonly secretId: pulumi.Output<string>;
  declare public readonly secretVersion: pulumi.Output<string>;

  constructor(
    name: string,
    inputs: { [K in keyof AccessKeyRotationInputs]: pulumi.Input<AccessKeyRotationInputs[K]> },
    opts: pulumi.CustomResourceOptions,
  ) {
    super(
      provider,
      name,
      {
        ...inputs,
        activeKeyName: undefined,
        lastRotatedAt: undefined,
        nextRotationAt: undefined,
        secretId: undefined,
        secretVersion: undefined,
      },
      opts,
      "cmk",
      "AccessKeyRotation",
    );
  }
}

/**
 * Defines access-key rotation for a storage account that allows shared-key access, with Key Vault as the store of
 * record: one key is active and published as the latest version of a Key Vault secret (content type and tags naming
 * the account and key, `expires` = when it is due); once it is older than `rotationPeriodInDays` (by the account's
 * own `keyCreationTime`), the other key is regenerated, published and becomes active, and the old key stays valid for
 * one more period. Runs on every `pulumi up`; a preview shows a pending update exactly when a rotation is due.
 *
 * Creates one child, `${name}-rotation`, a dynamic resource driven by the Azure SDKs. Key values never reach Pulumi
 * state, outputs or logs. The deploying identity needs the grants in `accessKeyRotationPermissions()`, which the
 * component creates (with an RBAC propagation wait) unless `grantDeployerAccess` is false. TypeScript/JavaScript only:
 * a dynamic resource cannot be hosted for other languages (see `hosting.ts`).
 */
export class StorageAccessKeyRotation extends pulumi.ComponentResource {
  /** Which key is active and published: "key1" or "key2". */
  public readonly activeKeyName: pulumi.Output<string>;
  /** When the active key was generated (its `keyCreationTime`), ISO-8601. */
  public readonly lastRotatedAt: pulumi.Output<string>;
  /** When the active key is due for rotation (the next `pulumi up` after this time rotates), ISO-8601. */
  public readonly nextRotationAt: pulumi.Output<string>;
  /** Versionless secret id `https://<vault>/secrets/<name>`; reading it returns the active key. */
  public readonly secretId: pulumi.Output<string>;
  /** Version of the secret's latest version (changes on every rotation). */
  public readonly secretVersion: pulumi.Output<string>;

  /**
   * @param name The unique name of this component; the child is `${name}-rotation`.
   * @param args See StorageAccessKeyRotationArgs.
   * @param opts Component options. The deployer's grants are created here unless `grantDeployerAccess` is false.
   */
  constructor(
    name: string,
    args: StorageAccessKeyRotationArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    // Validate before registering anything: bad input never reaches the engine.
    validateStorageAccessKeyRotationArgs(name, args);
    args = withoutAbsent(args);
    super(
      TYPES.StorageAccessKeyRotation,
      name,
      {},
      {
        ...opts,
        aliases: [...(opts?.aliases ?? []), { type: LEGACY_TYPES.StorageAccessKeyRotation }],
      },
    );
    const vault = resolveVault(
      args.vault,
      parseVaultId,
      `StorageAccessKeyRotation "${name}" vault`,
    );
    const grants =
      (args.grantDeployerAccess ?? true) ? this.grantDeployer(name, args, vault, opts?.parent) : [];

    const secretName =
      args.secretName ??
      pulumi.output(args.storageAccountId).apply((id) => {
        const ref = parseStorageAccountId(id);
        if (!ref) {
          throw new pulumi.ResourceError(
            `storageAccountId must be a storage account ARM id, got ${show(id)}`,
            this,
          );
        }
        return defaultSecretName(ref.accountName);
      });

    const rotation = new AccessKeyRotation(
      `${name}-rotation`,
      {
        storageAccountId: args.storageAccountId,
        vaultUri: vault.vaultUri,
        secretName,
        rotationPeriodInDays: args.rotationPeriodInDays ?? DEFAULT_ROTATION_PERIOD_DAYS,
        tags: pulumi.output(args.tags ?? {}),
      },
      { parent: this, dependsOn: grants },
    );

    this.activeKeyName = rotation.activeKeyName;
    this.lastRotatedAt = rotation.lastRotatedAt;
    this.nextRotationAt = rotation.nextRotationAt;
    this.secretId = rotation.secretId;
    this.secretVersion = rotation.secretVersion;
    this.registerOutputs({
      activeKeyName: this.activeKeyName,
      lastRotatedAt: this.lastRotatedAt,
      nextRotationAt: this.nextRotationAt,
      secretId: this.secretId,
      secretVersion: this.secretVersion,
    });
  }

  /** Grants the identity running `pulumi up` what rotation needs, and waits for RBAC grants to propagate. */
  private grantDeployer(
    name: string,
    args: StorageAccessKeyRotationArgs,
    vault: ReturnType<typeof resolveVault>,
    legacyParent: pulumi.Resource | undefined,
  ): pulumi.Resource[] {
    const permissions = accessKeyRotationPermissions();
    const client = authorization.getClientConfigOutput({ parent: this });
    const principalType = args.deployerPrincipalType ?? "ServicePrincipal";
    const legacy = args[LEGACY_GRANT_PREFIX];
    // Grants of <= 0.1.0 were children of the CmkStorageAccount, named `<account>-deployer-<role|secrets>`.
    const aliasesFor = (suffix: string): pulumi.Alias[] =>
      legacy !== undefined && legacyParent !== undefined
        ? [{ name: `${legacy}-deployer-${suffix}`, parent: legacyParent }]
        : [];
    const accountSubscription = pulumi
      .output(args.storageAccountId)
      .apply((id) => parseStorageAccountId(id)?.subscriptionId ?? "");
    const grants: pulumi.CustomResource[] = permissions.storageAccountRoles.map((role) =>
      assignRole(
        `${name}-deployer-${role}`,
        {
          principalId: client.objectId,
          principalType,
          role,
          scope: args.storageAccountId,
          subscriptionId: accountSubscription,
          description: `Access-key rotation ${name}`,
        },
        { parent: this, aliases: aliasesFor(role) },
      ),
    );
    const vaultRole = permissions.vaultRbacRoles[0];
    const suffix = vault.permissionModel === "accessPolicy" ? "secrets" : vaultRole;
    grants.push(
      grantVaultAccess(
        `${name}-deployer-${suffix}`,
        vault,
        {
          principalId: client.objectId,
          principalType,
          tenantId: client.tenantId,
          accessPolicy: { secrets: permissions.vaultAccessPolicySecretPermissions },
          role: vaultRole,
          description: `Access-key secret publishing for ${name}`,
          describe: `StorageAccessKeyRotation "${name}" vault`,
        },
        { parent: this, aliases: aliasesFor(suffix) },
      ),
    );
    const roleAssignments = grants.filter((g) => g instanceof authorization.RoleAssignment);
    return [
      ...grants,
      waitForRbacPropagation(
        `${name}-deployer-rbac-propagation`,
        roleAssignments,
        args.rbacPropagationSeconds ?? 60,
        { parent: this },
      ),
    ];
  }
}
