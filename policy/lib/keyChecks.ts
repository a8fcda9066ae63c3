/**
 * Pure checks of a Key Vault key's type, size, rotation policy and expiry. They take a plain
 * "key shape" so that the resource policies (inputs, `props.properties.*`) and the stack policies
 * (outputs, flattened `props.*`) apply exactly the same rule. Each returns violation messages.
 */
import { DEFAULT_RSA_KEY_SIZE, MIN_KEY_EXPIRY_DAYS } from "./constants";
import { isoDurationDays } from "./duration";
import { arr, ciEquals, ciIncludes, lower, obj, quoteList, str } from "./text";

/** The key fields the checks read (same names in `KeyPropertiesArgs` and the flattened outputs). */
export interface KeyShape {
  kty?: unknown;
  keySize?: unknown;
  rotationPolicy?: unknown;
}

/** Config of the key type and size rule. */
export interface KeyTypeConfig {
  /** Allowed `kty` values (case-insensitive). */
  allowedKeyTypes: string[];
  /** Minimum RSA key size in bits. */
  minRsaKeySize: number;
}

export const DEFAULT_ALLOWED_KEY_TYPES = ["RSA", "RSA-HSM"];
export const DEFAULT_MIN_RSA_KEY_SIZE = 2048;
export const DEFAULT_MAX_DAYS_TO_ROTATE = 365;

/** Rounds a day count for messages (durations with hours give fractions). */
export function formatDays(days: number): string {
  return String(Math.round(days * 100) / 100);
}

/** `kty` must be allowed; RSA keys must be at least `minRsaKeySize` bits (absent = 2048). */
export function checkKeyTypeAndSize(key: KeyShape, config: KeyTypeConfig): string[] {
  const kty = str(key.kty);
  if (kty === undefined) {
    return [`kty is not set; set it to one of ${quoteList(config.allowedKeyTypes)}.`];
  }
  const messages: string[] = [];
  if (!ciIncludes(config.allowedKeyTypes, kty)) {
    messages.push(`kty "${kty}" is not allowed; use one of ${quoteList(config.allowedKeyTypes)}.`);
  }
  if (lower(kty)?.startsWith("rsa")) {
    const size = typeof key.keySize === "number" ? key.keySize : undefined;
    const effective = size ?? DEFAULT_RSA_KEY_SIZE;
    if (effective < config.minRsaKeySize) {
      messages.push(
        size === undefined
          ? `keySize is not set, so Key Vault creates a ${DEFAULT_RSA_KEY_SIZE}-bit RSA key, below the minimum of ${config.minRsaKeySize} bits; set keySize to at least ${config.minRsaKeySize}.`
          : `keySize ${size} is below the minimum RSA key size of ${config.minRsaKeySize} bits.`,
      );
    }
  }
  return messages;
}

function lifetimeActions(rotationPolicy: unknown, type: string): Record<string, unknown>[] {
  const result: Record<string, unknown>[] = [];
  for (const la of arr(obj(rotationPolicy)?.["lifetimeActions"])) {
    const action = obj(la);
    if (action !== undefined && ciEquals(obj(action["action"])?.["type"], type)) {
      result.push(action);
    }
  }
  return result;
}

/**
 * The rotation policy must have a `rotate` lifetime action that fires within `maxDaysToRotate`
 * days of a version's creation: `timeAfterCreate` ≤ N, or `expiryTime − timeBeforeExpiry` ≤ N.
 * Durations are ISO-8601 (months = 30 days, years = 365 days).
 */
export function checkRotation(rotationPolicy: unknown, maxDaysToRotate: number): string[] {
  if (obj(rotationPolicy) === undefined) {
    return ['rotationPolicy is not set; add a rotation policy with a "rotate" lifetime action.'];
  }
  const rotate = lifetimeActions(rotationPolicy, "rotate")[0];
  if (rotate === undefined) {
    return [
      'rotationPolicy has no "rotate" lifetime action, so the key is never rotated automatically.',
    ];
  }
  const trigger = obj(rotate["trigger"]);
  const afterCreate = trigger?.["timeAfterCreate"];
  const beforeExpiry = trigger?.["timeBeforeExpiry"];
  let days: number | undefined;
  let how: string;
  if (afterCreate !== undefined && afterCreate !== null) {
    days = isoDurationDays(afterCreate);
    if (days === undefined) {
      return [
        `rotationPolicy: rotate trigger timeAfterCreate ${JSON.stringify(afterCreate)} is not a valid ISO-8601 duration.`,
      ];
    }
    how = `timeAfterCreate ${JSON.stringify(afterCreate)}`;
  } else if (beforeExpiry !== undefined && beforeExpiry !== null) {
    const expiryTime = obj(obj(rotationPolicy)?.["attributes"])?.["expiryTime"];
    const before = isoDurationDays(beforeExpiry);
    if (before === undefined) {
      return [
        `rotationPolicy: rotate trigger timeBeforeExpiry ${JSON.stringify(beforeExpiry)} is not a valid ISO-8601 duration.`,
      ];
    }
    const expiry = isoDurationDays(expiryTime);
    if (expiry === undefined) {
      return [
        "rotationPolicy: rotate trigger uses timeBeforeExpiry but the rotation policy has no valid expiryTime.",
      ];
    }
    days = expiry - before;
    how = `expiryTime ${JSON.stringify(expiryTime)} minus timeBeforeExpiry ${JSON.stringify(beforeExpiry)}`;
  } else {
    return [
      "rotationPolicy: rotate lifetime action has no trigger; set timeAfterCreate or timeBeforeExpiry.",
    ];
  }
  if (days > maxDaysToRotate) {
    return [
      `rotationPolicy: rotate action fires ${formatDays(days)} days after creation (${how}), later than the maximum of ${maxDaysToRotate} days.`,
    ];
  }
  return [];
}

/** The rotation policy must set `attributes.expiryTime` to at least P28D (Key Vault's minimum). */
export function checkExpiry(rotationPolicy: unknown): string[] {
  if (obj(rotationPolicy) === undefined) {
    return [
      'rotationPolicy is not set, so new key versions have no expiry; set rotationPolicy.attributes.expiryTime (for example "P1Y").',
    ];
  }
  const expiryTime = obj(obj(rotationPolicy)?.["attributes"])?.["expiryTime"];
  if (expiryTime === undefined || expiryTime === null) {
    return [
      'rotationPolicy.attributes.expiryTime is not set, so new key versions never expire; set it (for example "P1Y").',
    ];
  }
  const days = isoDurationDays(expiryTime);
  if (days === undefined) {
    return [
      `rotationPolicy.attributes.expiryTime ${JSON.stringify(expiryTime)} is not a valid ISO-8601 duration.`,
    ];
  }
  if (days < MIN_KEY_EXPIRY_DAYS) {
    return [
      `rotationPolicy.attributes.expiryTime ${JSON.stringify(expiryTime)} is ${formatDays(days)} days, shorter than Key Vault's minimum of ${MIN_KEY_EXPIRY_DAYS} days.`,
    ];
  }
  return [];
}

/** The rotation policy should have a `notify` lifetime action (Event Grid near-expiry event). */
export function checkNotify(rotationPolicy: unknown): string[] {
  if (lifetimeActions(rotationPolicy, "notify").length === 0) {
    return [
      'rotationPolicy has no "notify" lifetime action; add one (for example timeBeforeExpiry "P30D") so owners hear about expiring key versions.',
    ];
  }
  return [];
}

/** True when `kty` is an HSM-backed type (`RSA-HSM`, `EC-HSM`). */
export function isHsmKeyType(kty: unknown): boolean {
  return lower(kty)?.endsWith("-hsm") ?? false;
}
