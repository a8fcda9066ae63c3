import { type ConfigKeySpec, CONFIG_KEYS } from "./configSchema";

/**
 * Config keys of the fleet layout (issue 18): which kind of stack this is, the platform's keys, and which platform
 * stack and key a team stack consumes. Declared in Pulumi.yaml beside CONFIG_KEYS (tests/stacks/projectFile.spec.ts
 * keeps both equal to it); validated in stacks/stackKind.ts and stacks/fleetConfig.ts.
 */

/** The kinds of stack one project runs: the single layout of today, a key platform per region, a team. */
export const STACK_KINDS = ["single", "platform", "team"] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** A platform key id (the key of `cmk-storage:platformKeys` and of the platform's `keys` output). */
export const PLATFORM_KEY_ID_PATTERN = "^[a-z][a-z0-9]{1,11}$";

/** A fully qualified stack name, as `pulumi.StackReference` takes it: `<organization>/<project>/<stack>`. */
export const STACK_REFERENCE_PATTERN =
  "^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$";

/** The key id a platform stack without `cmk-storage:platformKeys` exports. */
export const DEFAULT_PLATFORM_KEY_ID = "storage";

/** One platform key's overrides of the stack's key* settings. */
export const PLATFORM_KEY_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    keyType: CONFIG_KEYS.keyType.schema,
    keySize: CONFIG_KEYS.keySize.schema,
    enabled: { type: "boolean" },
    protect: { type: "boolean" },
  },
} as const;

export const FLEET_CONFIG_KEYS: Record<string, ConfigKeySpec> = {
  stackKind: {
    type: "string",
    description:
      "Kind of stack: single (vault, key and every team's account in one stack), platform (a region's vault and keys, exported as key references) or team (one team's account in its own subscription, with a platform stack's key).",
    default: "single",
    schema: { enum: [...STACK_KINDS] },
  },
  platformKeys: {
    type: "object",
    description:
      "Platform stacks: the keys of the vault, a map from a key id (2-12 lowercase letters and digits) to overrides of the stack's key settings (keyType, keySize, enabled, protect); each key is <namePrefix>-<id>-cmk in the vault and keys.<id> in the stack output. Empty: one key, storage.",
    default: {},
    schema: {
      type: "object",
      propertyNames: { pattern: PLATFORM_KEY_ID_PATTERN },
      additionalProperties: PLATFORM_KEY_SCHEMA,
    },
  },
  platformStack: {
    type: "string",
    description:
      "Team stacks: the platform stack whose key the team's account uses, as <organization>/<project>/<stack> (a pulumi.StackReference name).",
    default: "",
    schema: { type: "string", pattern: STACK_REFERENCE_PATTERN },
  },
  platformKey: {
    type: "string",
    description:
      "Team stacks: the key id in the platform stack's keys output. Empty: the platform's only key.",
    default: "",
    schema: { type: "string", pattern: PLATFORM_KEY_ID_PATTERN },
  },
};

/** Keys of CONFIG_KEYS that describe the vault and its keys: a platform stack's, never a team stack's. */
export const VAULT_SIDE_KEYS = [
  "vaultName",
  "vaultSku",
  "vaultPermissionModel",
  "vaultSoftDeleteRetentionInDays",
  "vaultPublicNetworkAccess",
  "vaultAllowedIpRanges",
  "vaultAllowedSubnetIds",
  "vaultAdministratorObjectIds",
  "vaultAdministratorPrincipalType",
  "keyType",
  "keySize",
  "keyRotateAfter",
  "keyExpiresAfter",
  "keyNotifyBefore",
  "keyEnabled",
  "keyProtect",
  "vaultLock",
] as const;

/** Keys of CONFIG_KEYS that describe teams and their accounts: a team stack's (or a single stack's). */
export const ACCOUNT_SIDE_KEYS = [
  "teams",
  "accounts",
  "accountSku",
  "accountAllowedIpRanges",
  "rbacPropagationSeconds",
  "accountPrivateEndpoints",
  "blobSoftDeleteRetentionInDays",
  "containerSoftDeleteRetentionInDays",
  "blobVersioning",
  "blobChangeFeed",
  "blobChangeFeedRetentionInDays",
  "blobPointInTimeRestoreDays",
] as const;

/**
 * The keys each kind reads. Every other key of CONFIG_KEYS and FLEET_CONFIG_KEYS, when set to anything but its
 * default, is refused naming the kind it belongs to. Team stacks set the endpoint subnet per team
 * (`teams.<id>.privateEndpointSubnetId`): the stack-level key also places the vault's endpoint.
 */
export const KIND_KEYS: Readonly<Record<StackKind, readonly string[]>> = {
  single: [...Object.keys(CONFIG_KEYS), "stackKind"],
  platform: [
    "stackKind",
    "platformKeys",
    ...Object.keys(CONFIG_KEYS).filter(
      (k) => !(ACCOUNT_SIDE_KEYS as readonly string[]).includes(k),
    ),
  ],
  team: [
    "stackKind",
    "platformStack",
    "platformKey",
    ...Object.keys(CONFIG_KEYS).filter(
      (k) =>
        !(VAULT_SIDE_KEYS as readonly string[]).includes(k) &&
        k !== "privateEndpointSubnetId" &&
        k !== "accounts",
    ),
  ],
};
