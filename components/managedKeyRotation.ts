import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { parseVaultId, trimTrailingSlash } from "./armId";
import { deriveKeyName, keyNameProblem } from "./naming";
import { buildRotationPolicy, rotationPolicyProblems } from "./rotationPolicy";
import type { SecureVault, VaultPermissionModel, VaultSku } from "./secureVault";
import { ArgumentProblems, show } from "./validation";

const TYPE = "cmk:keyvault:ManagedKeyRotation";

export type CmkKeyType = "RSA" | "RSA-HSM";
export const CMK_KEY_TYPES: readonly CmkKeyType[] = ["RSA", "RSA-HSM"];
/** RSA sizes Azure Storage accepts for customer-managed keys. */
export const CMK_KEY_SIZES: readonly number[] = [2048, 3072, 4096];
/** Key operations a storage CMK needs: Azure Storage wraps and unwraps the account encryption key. Nothing else. */
export const CMK_KEY_OPERATIONS = ["wrapKey", "unwrapKey"] as const;

export interface ManagedKeyRotationArgs {
  /**
   * The SecureVault that holds the key (TypeScript convenience; other languages pass `vaultId`).
   *
   * @default - none; give either `vault` or `vaultId`
   */
  readonly vault?: SecureVault;
  /**
   * ARM id of an existing vault (/subscriptions/…/resourceGroups/…/providers/Microsoft.KeyVault/vaults/<name>).
   *
   * @default - none; give either `vault` or `vaultId`
   */
  readonly vaultId?: string;
  /**
   * Data-plane URI of the existing vault given by `vaultId`.
   *
   * @default - https://<vault name>.vault.azure.net/ (Azure public cloud)
   */
  readonly vaultUri?: pulumi.Input<string>;
  /**
   * SKU of the existing vault given by `vaultId`, so an RSA-HSM key on a standard vault is caught before deploying.
   *
   * @default - unknown: not checked
   */
  readonly vaultSku?: VaultSku;
  /**
   * Permission model of the existing vault given by `vaultId` (storage accounts use it to pick the grant mechanism).
   *
   * @default "accessPolicy"
   */
  readonly vaultPermissionModel?: VaultPermissionModel;
  /**
   * Region of the existing vault given by `vaultId` (for colocation checks by storage accounts).
   *
   * @default - unknown: not checked at construction
   */
  readonly vaultLocation?: string;
  /**
   * Tenant of the existing vault given by `vaultId` (for colocation checks by storage accounts).
   *
   * @default - unknown: not checked at construction
   */
  readonly vaultTenantId?: string;
  /**
   * Key name (1-127 letters, digits and hyphens).
   *
   * @default - derived from the component name
   */
  readonly keyName?: string;
  /**
   * "RSA" (software-protected) or "RSA-HSM" (HSM-protected; needs a premium vault).
   *
   * @default "RSA"
   */
  readonly keyType?: CmkKeyType;
  /**
   * RSA key size in bits: 2048, 3072 or 4096 (what Azure Storage accepts).
   *
   * @default 3072
   */
  readonly keySize?: number;
  /**
   * Rotate automatically this long after each version is created (ISO-8601, at least P7D and at least 7 days before
   * expiry). Storage picks up the new version within 24 hours because accounts reference the key without a version.
   *
   * @default "P90D"
   */
  readonly rotateAfter?: string;
  /**
   * Expiry of each new key version (ISO-8601, at least P28D).
   *
   * @default "P1Y"
   */
  readonly expiresAfter?: string;
  /**
   * Send a near-expiry notification (Event Grid `KeyNearExpiry`) this long before expiry (ISO-8601, at least P7D).
   *
   * @default "P30D"
   */
  readonly notifyBefore?: string;
  /**
   * Whether the key is enabled. Setting false REVOKES access: every storage account encrypted with this key fails
   * reads and writes with HTTP 403 until the key is enabled again (set back to true), which restores access.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Protect the key: `protect` (Pulumi refuses to delete it) and `retainOnDelete` (removing it from the program leaves
   * it in Azure). Deleting the CMK makes every account encrypted with it unreadable. Turning this off is explicit.
   *
   * @default true
   */
  readonly protectKey?: boolean;
  /**
   * Tags applied to the key, merged over `{ managedBy: "pulumi", component: "ManagedKeyRotation" }`.
   *
   * @default {}
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
}

/** Validates ManagedKeyRotation arguments; throws one error listing every problem. */
export function validateManagedKeyRotationArgs(name: string, args: ManagedKeyRotationArgs): void {
  const problems = new ArgumentProblems();
  if (args.vault === undefined && args.vaultId === undefined) {
    problems.add("vault", "give either vault (a SecureVault) or vaultId (the ARM id of an existing vault)");
  }
  if (args.vault !== undefined && args.vaultId !== undefined) {
    problems.add("vaultId", "give either vault or vaultId, not both");
  }
  if (args.vaultId !== undefined && parseVaultId(args.vaultId) === undefined) {
    problems.add(
      "vaultId",
      `must be a Key Vault resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>), got ${show(args.vaultId)}`,
    );
  }
  if (args.keyName !== undefined) {
    const p = keyNameProblem(args.keyName);
    if (p) problems.add("keyName", p);
  }
  const keyType = args.keyType ?? "RSA";
  if (!CMK_KEY_TYPES.includes(keyType)) {
    problems.add("keyType", `must be "RSA" or "RSA-HSM" (the key types Azure Storage accepts), got ${show(keyType)}`);
  }
  if (args.keySize !== undefined && !CMK_KEY_SIZES.includes(args.keySize)) {
    problems.add("keySize", `must be 2048, 3072 or 4096 (the RSA sizes Azure Storage accepts), got ${show(args.keySize)}`);
  }
  const vaultSku = args.vault?.sku ?? args.vaultSku;
  if (keyType === "RSA-HSM" && vaultSku === "standard") {
    problems.add("keyType", `RSA-HSM keys need a premium vault, but the vault's sku is "standard"; use sku "premium" or keyType "RSA"`);
  }
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
  problems.throwIfAny("ManagedKeyRotation", name);
}

/**
 * Defines an RSA or RSA-HSM key for storage encryption with an automatic rotation policy (rotate, expiry of new
 * versions, near-expiry notification), key operations limited to wrapKey/unwrapKey, protected against deletion.
 *
 * Creates: one `keyvault.Key` (protected and retained on delete by default).
 */
export class ManagedKeyRotation extends pulumi.ComponentResource {
  /** The key resource. */
  public readonly key: keyvault.Key;
  /** Key name. */
  public readonly keyName: pulumi.Output<string>;
  /** Versionless key URI (what storage accounts use, so rotation is picked up automatically). */
  public readonly keyUri: pulumi.Output<string>;
  /** URI of the current key version. */
  public readonly keyUriWithVersion: pulumi.Output<string>;
  /** ARM resource id of the key. */
  public readonly keyId: pulumi.Output<string>;
  /** Name of the vault holding the key. */
  public readonly vaultName: pulumi.Output<string>;
  /** Data-plane URI of the vault holding the key (without trailing slash). */
  public readonly vaultUri: pulumi.Output<string>;
  /** ARM resource id of the vault holding the key. */
  public readonly vaultId: pulumi.Output<string>;
  /** Resource group of the vault holding the key. */
  public readonly vaultResourceGroupName: pulumi.Output<string>;
  /** Permission model of the vault holding the key. */
  public readonly vaultPermissionModel: VaultPermissionModel;
  /** Vault region when known at construction. */
  public readonly knownVaultLocation: string | undefined;
  /** Vault tenant when known at construction. */
  public readonly knownVaultTenantId: string | undefined;
  /** Key type. */
  public readonly keyType: CmkKeyType;

  constructor(name: string, args: ManagedKeyRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: bad input never reaches the engine.
    validateManagedKeyRotationArgs(name, args);
    super(TYPE, name, {}, opts);

    const keyType = args.keyType ?? "RSA";
    const protectKey = args.protectKey ?? true;
    if (!protectKey) {
      pulumi.log.warn(`ManagedKeyRotation "${name}": protectKey is false; deleting this key makes every account encrypted with it unreadable`, this);
    }
    if (args.enabled === false) {
      pulumi.log.warn(`ManagedKeyRotation "${name}": the key is disabled; storage accounts encrypted with it answer HTTP 403 until it is enabled again`, this);
    }

    let vaultName: pulumi.Input<string>;
    let resourceGroupName: pulumi.Input<string>;
    if (args.vault !== undefined) {
      vaultName = args.vault.vaultName;
      resourceGroupName = args.vault.resourceGroupName;
      this.vaultUri = args.vault.vaultUri.apply(trimTrailingSlash);
      this.vaultId = args.vault.vaultId;
      this.vaultPermissionModel = args.vault.permissionModel;
      this.knownVaultLocation = args.vault.knownLocation;
      this.knownVaultTenantId = args.vault.knownTenantId;
    } else {
      const ref = parseVaultId(args.vaultId!)!;
      vaultName = ref.vaultName;
      resourceGroupName = ref.resourceGroupName;
      this.vaultUri = pulumi.output(args.vaultUri ?? `https://${ref.vaultName}.vault.azure.net`).apply(trimTrailingSlash);
      this.vaultId = pulumi.output(args.vaultId!);
      this.vaultPermissionModel = args.vaultPermissionModel ?? "accessPolicy";
      this.knownVaultLocation = args.vaultLocation;
      this.knownVaultTenantId = args.vaultTenantId;
    }

    this.key = new keyvault.Key(
      `${name}-key`,
      {
        keyName: args.keyName ?? deriveKeyName(name),
        vaultName,
        resourceGroupName,
        properties: {
          kty: keyType,
          keySize: args.keySize ?? 3072,
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

    this.keyType = keyType;
    this.keyName = this.key.name;
    this.keyUri = this.key.keyUri;
    this.keyUriWithVersion = this.key.keyUriWithVersion;
    this.keyId = this.key.id;
    this.vaultName = pulumi.output(vaultName);
    this.vaultResourceGroupName = pulumi.output(resourceGroupName);

    this.registerOutputs({
      keyName: this.keyName,
      keyUri: this.keyUri,
      keyUriWithVersion: this.keyUriWithVersion,
      keyId: this.keyId,
      vaultName: this.vaultName,
      vaultUri: this.vaultUri,
      vaultId: this.vaultId,
      vaultResourceGroupName: this.vaultResourceGroupName,
      vaultPermissionModel: this.vaultPermissionModel,
      keyType: this.keyType,
    });
  }
}
