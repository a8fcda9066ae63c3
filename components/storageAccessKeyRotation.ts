import * as pulumi from "@pulumi/pulumi";
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
import type { AzureBuiltInRoleName } from "./azureRoles";
import { ArgumentProblems, isKnown, show } from "./validation";

const TYPE = "cmk:storage:StorageAccessKeyRotation";

/** Arguments of StorageAccessKeyRotation. Plain values only, so the component can be described in a package schema. */
export interface StorageAccessKeyRotationArgs {
  /**
   * ARM id of the storage account whose access keys rotate
   * (`/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>`). The account must
   * allow shared-key access; otherwise there is nothing to rotate.
   */
  readonly storageAccountId: pulumi.Input<string>;
  /** Data-plane URI of the Key Vault that stores the active key, e.g. `https://<vault>.vault.azure.net/`. */
  readonly vaultUri: pulumi.Input<string>;
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
}

/** Validates plain argument values (Outputs are checked by the provider when known); throws once listing every problem. */
export function validateStorageAccessKeyRotationArgs(name: string, args: StorageAccessKeyRotationArgs): void {
  const problems = new ArgumentProblems();
  if (isKnown(args.storageAccountId) && !parseStorageAccountId(args.storageAccountId)) {
    problems.add(
      "storageAccountId",
      `must be a storage account ARM id "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>", got ${show(args.storageAccountId)}`,
    );
  }
  if (isKnown(args.vaultUri) && !/^https:\/\/[a-zA-Z0-9.-]+(:\d+)?\/?$/.test(args.vaultUri)) {
    problems.add("vaultUri", `must be a Key Vault URI such as "https://<vault>.vault.azure.net/", got ${show(args.vaultUri)}`);
  }
  if (isKnown(args.secretName) && !SECRET_NAME_PATTERN.test(args.secretName)) {
    problems.add("secretName", `must match ${SECRET_NAME_PATTERN.source} (1-127 letters, digits, dashes), got ${show(args.secretName)}`);
  }
  const period = args.rotationPeriodInDays;
  if (
    isKnown(period) &&
    !(Number.isInteger(period) && period >= MIN_ROTATION_PERIOD_DAYS && period <= MAX_ROTATION_PERIOD_DAYS)
  ) {
    problems.add(
      "rotationPeriodInDays",
      `must be a whole number of days between ${MIN_ROTATION_PERIOD_DAYS} and ${MAX_ROTATION_PERIOD_DAYS}, got ${show(period)}`,
    );
  }
  if (args.tags !== undefined) {
    const keys = Object.keys(args.tags);
    if (keys.length > MAX_USER_TAGS) {
      problems.add("tags", `must have at most ${MAX_USER_TAGS} entries (Key Vault allows 15 per secret, 4 are the rotation's), got ${keys.length}`);
    }
    const reserved = keys.filter((k) => (Object.values(SECRET_TAGS) as string[]).some((r) => r.toLowerCase() === k.toLowerCase()));
    if (reserved.length > 0) {
      problems.add("tags", `must not set the rotation's own tags ${Object.values(SECRET_TAGS).join(", ")}, got ${show(reserved)}`);
    }
  }
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
 * state, outputs or logs. The deploying identity needs the grants in `accessKeyRotationPermissions()`.
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
   * @param opts Component options; pass the grants from `accessKeyRotationPermissions()` in `dependsOn`.
   */
  constructor(name: string, args: StorageAccessKeyRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    validateStorageAccessKeyRotationArgs(name, args);

    const secretName =
      args.secretName ??
      pulumi.output(args.storageAccountId).apply((id) => {
        const ref = parseStorageAccountId(id);
        if (!ref) {
          throw new pulumi.ResourceError(`storageAccountId must be a storage account ARM id, got ${show(id)}`, this);
        }
        return defaultSecretName(ref.accountName);
      });

    const rotation = new AccessKeyRotation(
      `${name}-rotation`,
      {
        storageAccountId: args.storageAccountId,
        vaultUri: args.vaultUri,
        secretName,
        rotationPeriodInDays: args.rotationPeriodInDays ?? DEFAULT_ROTATION_PERIOD_DAYS,
        tags: pulumi.output(args.tags ?? {}),
      },
      { parent: this },
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
}
