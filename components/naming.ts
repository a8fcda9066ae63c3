/**
 * Azure naming rules for the resources the components create, and deterministic name derivation.
 * Vault: 3-24 chars [a-zA-Z0-9-], starts with a letter, ends with a letter or digit, no "--" (Key Vault naming rules).
 * Storage account: 3-24 lowercase letters and digits (Microsoft.Storage naming rules).
 * Key: 1-127 chars [a-zA-Z0-9-] (keys.json `keyName` pattern).
 */

/** Length of the random suffix appended to derived names. */
export const NAME_SUFFIX_LENGTH = 6;

/** Returns why `name` is not a valid Key Vault name, or undefined when it is. */
export function vaultNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 24) {
    return `must be 3-24 characters long, got ${name.length} (${JSON.stringify(name)})`;
  }
  if (!/^[a-zA-Z0-9-]+$/.test(name)) {
    return `may contain only letters, digits and hyphens, got ${JSON.stringify(name)}`;
  }
  if (!/^[a-zA-Z]/.test(name)) {
    return `must start with a letter, got ${JSON.stringify(name)}`;
  }
  if (!/[a-zA-Z0-9]$/.test(name)) {
    return `must end with a letter or digit, got ${JSON.stringify(name)}`;
  }
  if (name.includes("--")) {
    return `must not contain consecutive hyphens ("--"), got ${JSON.stringify(name)}`;
  }
  return undefined;
}

/** Returns why `name` is not a valid storage account name, or undefined when it is. */
export function storageAccountNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 24) {
    return `must be 3-24 characters long, got ${name.length} (${JSON.stringify(name)})`;
  }
  if (!/^[a-z0-9]+$/.test(name)) {
    return `may contain only lowercase letters and digits, got ${JSON.stringify(name)}`;
  }
  return undefined;
}

/** Returns why `name` is not a valid Key Vault key name, or undefined when it is. */
export function keyNameProblem(name: string): string | undefined {
  if (!/^[a-zA-Z0-9-]{1,127}$/.test(name)) {
    return `must be 1-127 characters of letters, digits and hyphens, got ${JSON.stringify(name)}`;
  }
  return undefined;
}

/**
 * Derives a valid Key Vault name from a logical name and a random suffix: `<base>-<suffix>`, base lowercased,
 * non-alphanumerics turned into single hyphens, prefixed with "kv-" when it does not start with a letter, and cut so
 * the whole name fits 24 characters. The suffix keeps a soft-deleted, purge-protected vault of the same base name
 * (blocked for up to 90 days) from ever blocking a redeploy.
 */
export function deriveVaultName(base: string, suffix: string): string {
  let cleaned = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(cleaned)) {
    cleaned = cleaned.length > 0 ? `kv-${cleaned}` : "kv";
  }
  const room = 24 - 1 - suffix.length;
  cleaned = cleaned.slice(0, room).replace(/-+$/, "");
  return `${cleaned}-${suffix}`;
}

/**
 * Derives a valid storage account name: the base lowercased with everything but letters and digits removed ("st"
 * when nothing is left), cut so that base + suffix fits 24 characters.
 */
export function deriveStorageAccountName(base: string, suffix: string): string {
  const cleaned = base.toLowerCase().replace(/[^a-z0-9]/g, "") || "st";
  return `${cleaned.slice(0, 24 - suffix.length)}${suffix}`;
}

/** Derives a valid key name from a logical name (letters, digits, single hyphens; at most 127 characters). */
export function deriveKeyName(base: string): string {
  const cleaned = base
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 127);
  return cleaned || "cmk";
}

/**
 * Returns why `name` is not a valid resource group name, or undefined: 1-90 letters (Unicode), digits, underscores,
 * parentheses, hyphens and periods, not ending in a period (Microsoft.Resources naming rules).
 */
export function resourceGroupNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") {
    return `must be a resource group name, got ${JSON.stringify(name) ?? String(name)}`;
  }
  if (!/^[\p{L}\p{N}_().-]{1,90}$/u.test(name) || name.endsWith(".")) {
    return `must be 1-90 letters, digits, underscores, parentheses, hyphens and periods, not ending in a period, got ${JSON.stringify(name)}`;
  }
  return undefined;
}

/** Length of the random suffix azure-native's auto-naming appends to a logical name. */
const AUTONAME_SUFFIX_LENGTH = 8;
/** User-assigned identity names: 3-128 characters, letters, digits, hyphens and underscores, starting alphanumeric. */
const IDENTITY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/;

/**
 * The explicit name a user-assigned identity needs when azure-native's auto-name (`<logical name><8 random>`) would
 * break the identity naming rule (a component name with dots or spaces, or too long), else undefined so auto-naming
 * stays as it was: the logical name sanitised, cut, and made unique with a short hash of the original.
 */
export function identityNameOverride(
  logicalName: string,
  hash: (text: string) => string,
): string | undefined {
  if (IDENTITY_NAME.test(`${logicalName}${"0".repeat(AUTONAME_SUFFIX_LENGTH)}`)) return undefined;
  const cleaned = logicalName.replace(/[^a-zA-Z0-9_-]+/g, "-").replace(/^[^a-zA-Z0-9]+/, "");
  const digest = hash(logicalName).slice(0, 8);
  return `${(cleaned || "id").slice(0, 128 - digest.length - 1)}-${digest}`;
}
