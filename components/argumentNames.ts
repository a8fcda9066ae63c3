import * as pulumi from "@pulumi/pulumi";
import { closest, distance } from "fastest-levenshtein";
import type { CmkStorageAccountArgs, SasPolicy } from "./cmkStorageAccount";
import type { ManagedKeyRotationArgs } from "./managedKeyRotation";
import type { KeyReference, ManagedHsmReference, VaultReference } from "./references";
import type { SecureVaultArgs, VaultAdministrator } from "./secureVault";
import type { StorageAccessKeyRotationArgs } from "./storageAccessKeyRotation";
import type { BlobServices } from "./blobServices";
import type { DiagnosticSetting } from "./diagnostics";
import type { ResourceLock } from "./locks";
import type { StoragePrivateEndpoint, VaultPrivateEndpoint } from "./privateEndpoints";
import { type ArgumentProblems, show } from "./validation";

/**
 * The argument names each component knows, as runtime lists the type checker keeps complete: a caller without a type
 * checker (YAML, Python, a JSON file, the component provider's `construct()`) that misspells an argument gets it
 * refused with the closest known name instead of silently ignored.
 *
 * `ArgumentShape<T>` requires every string key of `T` in `names` and a nested shape for every key whose value is a
 * structured object (or a list of them), so adding an argument (or a field to a nested argument) without listing it
 * here fails `npm run typecheck`. Maps with free keys (tags) have no shape. Symbol keys (internal arguments such as
 * `LEGACY_GRANT_PREFIX`) are not names a caller can send and are never looked at.
 */

type Primitive = string | number | boolean | bigint | symbol | null | undefined;
/** The element type of a list (recursively), else the type itself. */
type Element<V> = V extends readonly (infer E)[] ? Element<E> : V;
/** The structured object part of a value's type: not primitives, outputs, promises, functions or free-key maps. */
type Structured<V> = V extends Primitive
  ? never
  : V extends pulumi.OutputInstance<unknown> | Promise<unknown> | ((...a: never[]) => unknown)
    ? never
    : string extends keyof V
      ? never
      : V;
type StructuredOf<T, K extends keyof T> = Structured<Element<NonNullable<T[K]>>>;
type Names<T> = keyof T & string;
/** Keys of `T` whose values are structured objects (or lists of them): each needs a nested shape. */
type NestedKeys<T> = {
  [K in Names<T>]-?: [StructuredOf<T, K>] extends [never] ? never : K;
}[Names<T>];

/** The known names of an argument object and, per structured argument, the known names inside it. */
export interface ArgumentShape<T> {
  /** Every argument name, exactly (a missing one is a type error naming it). */
  readonly names: readonly Names<T>[];
  readonly nested: { readonly [K in NestedKeys<T>]: ArgumentShape<StructuredOf<T, K>> };
}

/**
 * The shape with its completeness checked: `names` must list every name of `T`; a missing one is a type error naming
 * it (`Property 'list the argument name "x"' is missing`), a name `T` does not have is a type error on that element.
 */
function shape<T>() {
  return <const L extends readonly Names<T>[]>(
    names: L,
    nested: ArgumentShape<T>["nested"] & {
      readonly [K in Exclude<Names<T>, L[number]> as `list the argument name "${K}"`]: never;
    },
  ): ArgumentShape<T> => ({ names, nested });
}

export const VAULT_REFERENCE_SHAPE = shape<VaultReference>()(
  ["vaultId", "permissionModel", "vaultUri", "sku", "location", "tenantId"],
  {},
);

export const MANAGED_HSM_REFERENCE_SHAPE = shape<ManagedHsmReference>()(
  ["hsmId", "hsmUri", "location", "tenantId"],
  {},
);

export const KEY_REFERENCE_SHAPE = shape<KeyReference>()(
  ["vault", "managedHsm", "keyName", "keyId"],
  {
    vault: VAULT_REFERENCE_SHAPE,
    managedHsm: MANAGED_HSM_REFERENCE_SHAPE,
  },
);

const VAULT_ADMINISTRATOR_SHAPE = shape<VaultAdministrator>()(["objectId", "principalType"], {});

const SAS_POLICY_SHAPE = shape<SasPolicy>()(["sasExpirationPeriod", "expirationAction"], {});

const VAULT_PRIVATE_ENDPOINT_SHAPE = shape<VaultPrivateEndpoint>()(
  [
    "subnetResourceId",
    "privateDnsZoneResourceId",
    "location",
    "name",
    "customNetworkInterfaceName",
  ],
  {},
);

const STORAGE_PRIVATE_ENDPOINT_SHAPE = shape<StoragePrivateEndpoint>()(
  [
    "service",
    "subnetResourceId",
    "privateDnsZoneResourceId",
    "location",
    "name",
    "customNetworkInterfaceName",
  ],
  {},
);

const DIAGNOSTIC_SETTING_SHAPE = shape<DiagnosticSetting>()(
  [
    "name",
    "workspaceResourceId",
    "storageAccountResourceId",
    "eventHubAuthorizationRuleResourceId",
    "eventHubName",
    "logAnalyticsDestinationType",
  ],
  {},
);

const RESOURCE_LOCK_SHAPE = shape<ResourceLock>()(["kind", "name", "notes"], {});

const BLOB_SERVICES_SHAPE = shape<BlobServices>()(
  [
    "deleteRetentionPolicyEnabled",
    "deleteRetentionPolicyDays",
    "containerDeleteRetentionPolicyEnabled",
    "containerDeleteRetentionPolicyDays",
    "isVersioningEnabled",
    "changeFeedEnabled",
    "changeFeedRetentionInDays",
    "restorePolicyEnabled",
    "restorePolicyDays",
  ],
  {},
);

export const SECURE_VAULT_ARGUMENTS = shape<SecureVaultArgs>()(
  [
    "resourceGroupName",
    "location",
    "tenantId",
    "vaultName",
    "namePrefix",
    "sku",
    "permissionModel",
    "softDeleteRetentionInDays",
    "publicNetworkAccess",
    "allowedIpRanges",
    "allowedSubnetIds",
    "administrators",
    "recoverSoftDeleted",
    "privateEndpoints",
    "diagnosticSettings",
    "lock",
    "tags",
  ],
  {
    administrators: VAULT_ADMINISTRATOR_SHAPE,
    privateEndpoints: VAULT_PRIVATE_ENDPOINT_SHAPE,
    diagnosticSettings: DIAGNOSTIC_SETTING_SHAPE,
    lock: RESOURCE_LOCK_SHAPE,
  },
);

export const MANAGED_KEY_ROTATION_ARGUMENTS = shape<ManagedKeyRotationArgs>()(
  [
    "vault",
    "keyName",
    "keyType",
    "keySize",
    "rotateAfter",
    "expiresAfter",
    "notifyBefore",
    "enabled",
    "protectKey",
    "tags",
  ],
  { vault: VAULT_REFERENCE_SHAPE },
);

export const CMK_STORAGE_ACCOUNT_ARGUMENTS = shape<CmkStorageAccountArgs>()(
  [
    "resourceGroupName",
    "location",
    "accountName",
    "namePrefix",
    "key",
    "tenantId",
    "keyVersion",
    "grantKeyAccess",
    "rbacPropagationSeconds",
    "allowCrossTenantKey",
    "federatedIdentityClientId",
    "allowCrossRegionKey",
    "skuName",
    "requireInfrastructureEncryption",
    "allowSharedKeyAccess",
    "keyExpirationPeriodInDays",
    "rotateAccessKeys",
    "accessKeyRotationPeriodInDays",
    "grantDeployerAccessKeyRotation",
    "accessKeySecretVault",
    "deployerPrincipalType",
    "sasPolicy",
    "allowedIpRanges",
    "allowedSubnetIds",
    "privateEndpoints",
    "diagnosticSettings",
    "lock",
    "blobServices",
    "tags",
  ],
  {
    key: KEY_REFERENCE_SHAPE,
    accessKeySecretVault: VAULT_REFERENCE_SHAPE,
    sasPolicy: SAS_POLICY_SHAPE,
    privateEndpoints: STORAGE_PRIVATE_ENDPOINT_SHAPE,
    diagnosticSettings: DIAGNOSTIC_SETTING_SHAPE,
    lock: RESOURCE_LOCK_SHAPE,
    blobServices: BLOB_SERVICES_SHAPE,
  },
);

export const STORAGE_ACCESS_KEY_ROTATION_ARGUMENTS = shape<StorageAccessKeyRotationArgs>()(
  [
    "storageAccountId",
    "vault",
    "secretName",
    "rotationPeriodInDays",
    "tags",
    "grantDeployerAccess",
    "deployerPrincipalType",
    "rbacPropagationSeconds",
  ],
  { vault: VAULT_REFERENCE_SHAPE },
);

/**
 * The known name closest to `name` (case-insensitive Levenshtein distance; fastest-levenshtein), for "did you mean".
 * Undefined when nothing is reasonably close (more than a third of the name would have to change).
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = known.map((k) => k.toLowerCase());
  const near = closest(name.toLowerCase(), lower);
  const d = distance(name.toLowerCase(), near);
  return d <= Math.max(2, Math.ceil(name.length / 3)) ? known[lower.indexOf(near)] : undefined;
}

/** "did you mean "x"? " or "" — the start of an unknown-name message. */
export function didYouMean(name: string, known: readonly string[]): string {
  const near = closestName(name, known);
  return near !== undefined ? `did you mean "${near}"? ` : "";
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !pulumi.Output.isInstance(value) &&
    !pulumi.Resource.isInstance(value) &&
    !(value instanceof Promise)
  );
}

/**
 * Adds a problem for every argument name (string key) of `value` that `shape` does not know, with the closest known
 * name, and walks the nested arguments (objects and lists of objects) the same way. A name whose value is null or
 * undefined is absent and not refused. Values that are not plain objects (outputs, resources, wrong types) are left to
 * the other checks. `path` is the prefix of reported names ("" at the
 * top, "key." inside a reference).
 */
export function checkArgumentNames<T>(
  problems: ArgumentProblems,
  component: string,
  value: unknown,
  argShape: ArgumentShape<T>,
  path = "",
): void {
  if (!isPlain(value)) return;
  const known: readonly string[] = argShape.names;
  const nested = argShape.nested as Readonly<Record<string, ArgumentShape<unknown>>>;
  for (const name of Object.keys(value)) {
    // null or undefined means absent (SDKs of other languages may send unset properties as null): nothing is ignored.
    if (value[name] === null || value[name] === undefined) continue;
    if (!known.includes(name)) {
      problems.add(
        `${path}${name}`,
        `is not ${path === "" ? `an argument of ${component}` : `a field of ${path.replace(/\.$/, "")}`}; ${didYouMean(name, known)}known: ${known.join(", ")}; got ${show(value[name])}`,
      );
      continue;
    }
    const inner = nested[name];
    const v = value[name];
    if (inner === undefined) continue;
    if (Array.isArray(v)) {
      v.forEach((e, i) =>
        checkArgumentNames(problems, component, e, inner, `${path}${name}[${i}].`),
      );
    } else {
      checkArgumentNames(problems, component, v, inner, `${path}${name}.`);
    }
  }
}
