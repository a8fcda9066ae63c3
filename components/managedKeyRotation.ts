import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { parseVaultId } from "./armId";
import { checkArgumentNames, MANAGED_KEY_ROTATION_ARGUMENTS } from "./argumentNames";
import { LEGACY_TYPES, TYPES } from "./componentTypes";
import { CmkKeyType, enumValues } from "./enums";
import { deriveKeyName, keyNameProblem } from "./naming";
import { checkVaultReference } from "./referenceValidation";
import {
  resolveVault,
  vaultNameInProviderSubscription,
  type KeyReference,
  type VaultReference,
} from "./references";
import { buildRotationPolicy, rotationPolicyProblems } from "./rotationPolicy";
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

/** RSA sizes Azure Storage accepts for customer-managed keys. */
export const CMK_KEY_SIZES: readonly number[] = [2048, 3072, 4096];
/** Key operations a storage CMK needs: Azure Storage wraps and unwraps the account encryption key. Nothing else. */
export const CMK_KEY_OPERATIONS = ["wrapKey", "unwrapKey"] as const;

/** Arguments of ManagedKeyRotation. Defaults are stated in each description (the package schema keeps descriptions only). */
export interface ManagedKeyRotationArgs {
  /**
   * The vault that holds the key: `vault.reference()` of a SecureVault, or an existing vault by ARM id (with its
   * permission model, and its SKU so an RSA-HSM key on a standard vault is refused). Required.
   */
  readonly vault: VaultReference;
  /**
   * Key name (1-127 letters, digits and hyphens). Default: derived from the component name.
   */
  readonly keyName?: string;
  /**
   * "RSA" (software-protected) or "RSA-HSM" (HSM-protected; needs a premium vault). Default: "RSA".
   */
  readonly keyType?: CmkKeyType;
  /**
   * RSA key size in bits: 2048, 3072 or 4096 (what Azure Storage accepts). Default: 3072.
   */
  readonly keySize?: number;
  /**
   * Rotate automatically this long after each version is created (ISO-8601, at least P7D and at least 7 days before
   * expiry). Storage picks up the new version within 24 hours because accounts reference the key without a version.
   * Default: "P90D".
   */
  readonly rotateAfter?: string;
  /**
   * Expiry of each new key version (ISO-8601, at least P28D). Default: "P1Y".
   */
  readonly expiresAfter?: string;
  /**
   * Send a near-expiry notification (Event Grid `KeyNearExpiry`) this long before expiry (ISO-8601, at least P7D).
   * Default: "P30D".
   */
  readonly notifyBefore?: string;
  /**
   * Whether the key is enabled. Setting false REVOKES access: every storage account encrypted with this key fails
   * reads and writes with HTTP 403 until the key is enabled again (set back to true), which restores access. Default:
   * true.
   */
  readonly enabled?: boolean;
  /**
   * Protect the key: `protect` (Pulumi refuses to delete it) and `retainOnDelete` (removing it from the program
   * leaves it in Azure). Deleting the CMK makes every account encrypted with it unreadable. Turning this off is
   * explicit. Default: true.
   */
  readonly protectKey?: boolean;
  /**
   * Tags applied to the key, merged over `{ managedBy: "pulumi", component: "ManagedKeyRotation" }`. Default: {}.
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
}

/** Validates ManagedKeyRotation arguments; throws one error listing every problem. */
export function validateManagedKeyRotationArgs(name: string, input: ManagedKeyRotationArgs): void {
  const problems = new ArgumentProblems();
  const args = argumentsObject(problems, input);
  checkArgumentNames(problems, "ManagedKeyRotation", args, MANAGED_KEY_ROTATION_ARGUMENTS);
  checkVaultReference(problems, "vault", args.vault, true);
  if (checkString(problems, "keyName", args.keyName)) {
    const p = keyNameProblem(args.keyName);
    if (p) problems.add("keyName", p);
  }
  checkEnum(problems, "keyType", args.keyType, enumValues(CmkKeyType));
  if (
    args.keySize !== undefined &&
    (typeof args.keySize !== "number" || !CMK_KEY_SIZES.includes(args.keySize))
  ) {
    problems.add(
      "keySize",
      `must be 2048, 3072 or 4096 (the RSA sizes Azure Storage accepts), got ${show(args.keySize)}`,
    );
  }
  const vaultSku = args.vault?.sku;
  if ((args.keyType ?? "RSA") === "RSA-HSM" && isKnown(vaultSku) && vaultSku === "standard") {
    problems.add(
      "keyType",
      `RSA-HSM keys need a premium vault, but the vault's sku is "standard"; use sku "premium" or keyType "RSA"`,
    );
  }
  const durations = {
    rotateAfter: args.rotateAfter,
    expiresAfter: args.expiresAfter,
    notifyBefore: args.notifyBefore,
  };
  let durationsAreStrings = true;
  for (const [arg, value] of Object.entries(durations)) {
    if (value !== undefined && typeof value !== "string") {
      problems.add(arg, `must be an ISO-8601 duration string such as "P90D", got ${show(value)}`);
      durationsAreStrings = false;
    }
  }
  if (durationsAreStrings) {
    const policy = buildRotationPolicy({
      rotateAfter: args.rotateAfter ?? "P90D",
      expiresAfter: args.expiresAfter ?? "P1Y",
      notifyBefore: args.notifyBefore ?? "P30D",
    });
    // Report rotation problems against this component's argument names.
    const argumentFor: Record<string, string> = {
      "attributes.expiryTime": "expiresAfter",
      "lifetimeActions[0].trigger.timeAfterCreate": "rotateAfter",
      "lifetimeActions[1].trigger.timeBeforeExpiry": "notifyBefore",
    };
    for (const p of rotationPolicyProblems(policy)) {
      problems.add(argumentFor[p.path] ?? `rotationPolicy.${p.path}`, p.reason);
    }
  }
  checkBoolean(problems, "enabled", args.enabled);
  checkBoolean(problems, "protectKey", args.protectKey);
  checkTags(problems, "tags", args.tags);
  problems.throwIfAny("ManagedKeyRotation", name);
}

/** What `reference()` returns for each key (kept outside the instance: every class field becomes a schema output). */
const references = new WeakMap<ManagedKeyRotation, KeyReference>();

/**
 * Defines an RSA or RSA-HSM key for storage encryption with an automatic rotation policy (rotate, expiry of new
 * versions, near-expiry notification), key operations limited to wrapKey/unwrapKey, protected against deletion.
 *
 * Creates: one `keyvault.Key` (protected and retained on delete by default).
 */
export class ManagedKeyRotation extends pulumi.ComponentResource {
  /** Key name. */
  public readonly keyName: pulumi.Output<string>;
  /** ARM resource id of the key. */
  public readonly keyId: pulumi.Output<string>;
  /** Versionless key URI (what storage accounts use, so rotation is picked up automatically). */
  public readonly keyUri: pulumi.Output<string>;
  /** URI of the current key version. */
  public readonly keyUriWithVersion: pulumi.Output<string>;
  /** Key type: "RSA" or "RSA-HSM". */
  public readonly keyType: pulumi.Output<CmkKeyType>;
  /** RSA key size in bits. */
  public readonly keySize: pulumi.Output<number>;

  constructor(name: string, args: ManagedKeyRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: bad input never reaches the engine.
    validateManagedKeyRotationArgs(name, args);
    args = withoutAbsent(args);
    super(
      TYPES.ManagedKeyRotation,
      name,
      {},
      {
        ...opts,
        aliases: [...(opts?.aliases ?? []), { type: LEGACY_TYPES.ManagedKeyRotation }],
      },
    );

    const keyType = args.keyType ?? "RSA";
    const keySize = args.keySize ?? 3072;
    const protectKey = args.protectKey ?? true;
    if (!protectKey) {
      void pulumi.log.warn(
        `ManagedKeyRotation "${name}": protectKey is false; deleting this key makes every account encrypted with it unreadable`,
        this,
      );
    }
    if (args.enabled === false) {
      void pulumi.log.warn(
        `ManagedKeyRotation "${name}": the key is disabled; storage accounts encrypted with it answer HTTP 403 until it is enabled again`,
        this,
      );
    }

    const describe = `ManagedKeyRotation "${name}" vault`;
    const vault = resolveVault(args.vault, parseVaultId, describe);
    const client = authorization.getClientConfigOutput({ parent: this });
    const key = new keyvault.Key(
      `${name}-key`,
      {
        keyName: args.keyName ?? deriveKeyName(name),
        vaultName: vaultNameInProviderSubscription(vault, client.subscriptionId, describe, "keys"),
        resourceGroupName: vault.resourceGroupName,
        properties: {
          kty: keyType,
          keySize,
          keyOps: [...CMK_KEY_OPERATIONS],
          attributes: { enabled: args.enabled ?? true },
          rotationPolicy: buildRotationPolicy({
            rotateAfter: args.rotateAfter ?? "P90D",
            expiresAfter: args.expiresAfter ?? "P1Y",
            notifyBefore: args.notifyBefore ?? "P30D",
          }),
        },
        tags: { managedBy: "pulumi", component: "ManagedKeyRotation", ...args.tags },
      },
      protectKey ? { parent: this, protect: true, retainOnDelete: true } : { parent: this },
    );

    this.keyName = key.name;
    this.keyId = key.id;
    this.keyUri = key.keyUri;
    this.keyUriWithVersion = key.keyUriWithVersion;
    this.keyType = pulumi.output(keyType);
    this.keySize = pulumi.output(keySize);
    references.set(this, { vault: { ...args.vault }, keyName: this.keyName, keyId: this.keyId });

    this.registerOutputs({
      keyName: this.keyName,
      keyId: this.keyId,
      keyUri: this.keyUri,
      keyUriWithVersion: this.keyUriWithVersion,
      keyType: this.keyType,
      keySize: this.keySize,
    });
  }

  /**
   * This key as plain data for `CmkStorageAccount` (`key`). Other languages build the same object:
   * `{ vault: <the vault reference given to this key>, keyName: key.keyName, keyId: key.keyId }`.
   */
  public reference(): KeyReference {
    const ref = references.get(this)!;
    return { ...ref, vault: { ...ref.vault! } };
  }
}
