/**
 * Small, defensive value helpers shared by every policy.
 *
 * Policies receive props wrapped in @pulumi/policy's `unknownCheckingProxy`: reading a value that is
 * unknown during preview throws `UnknownValueError`, which the policy server turns into an advisory
 * "can't run policy during preview" message. These helpers never catch that error; they only make
 * sure that `undefined`, `null` and unexpected types never cause a TypeError.
 */

/** Returns the value if it is a non-empty string, otherwise `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Lower-cases a string value; `undefined` for anything that is not a non-empty string. */
export function lower(value: unknown): string | undefined {
  return str(value)?.toLowerCase();
}

/** Case-insensitive comparison of two enum-like strings (Azure enums are case-insensitive). */
export function ciEquals(a: unknown, b: unknown): boolean {
  const la = lower(a);
  return la !== undefined && la === lower(b);
}

/** True when `value` equals (case-insensitively) one of `candidates`. */
export function ciIncludes(candidates: readonly unknown[], value: unknown): boolean {
  return candidates.some((c) => ciEquals(c, value));
}

/**
 * Normalises an Azure location so that display names and programmatic names compare equal:
 * "West Europe" → "westeurope".
 */
export function normaliseLocation(value: unknown): string | undefined {
  const s = lower(value);
  return s === undefined ? undefined : s.replace(/\s+/g, "");
}

/** Returns the value if it is an array, otherwise an empty array. */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Returns the value if it is a plain object (not an array), otherwise `undefined`. */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Normalises an ARM resource id for comparison: lower case, no trailing slash. */
export function normaliseId(value: unknown): string | undefined {
  const s = lower(value);
  return s === undefined ? undefined : s.replace(/\/+$/, "");
}

/** Last segment of an ARM id, e.g. the identity name of `.../userAssignedIdentities/<name>`. */
export function lastSegment(value: unknown): string | undefined {
  const id = normaliseId(value);
  if (id === undefined) {
    return undefined;
  }
  const parts = id.split("/");
  return parts[parts.length - 1] || undefined;
}

/**
 * Extracts the vault name from a Key Vault data-plane URI such as `https://<name>.vault.azure.net/`
 * or `https://<name>.vault.azure.net/keys/<key>/<version>` (any sovereign-cloud suffix).
 */
export function vaultNameFromUri(value: unknown): string | undefined {
  const s = str(value);
  if (s === undefined) {
    return undefined;
  }
  const match = /^https?:\/\/([^./]+)\.vault\./i.exec(s.trim());
  return match?.[1]?.toLowerCase();
}

/**
 * Extracts the HSM name from a Managed HSM data-plane URI such as `https://<name>.managedhsm.azure.net/`
 * (`.azure.cn`, `.usgovcloudapi.net`), lowercased.
 */
export function managedHsmNameFromUri(value: unknown): string | undefined {
  const s = str(value);
  if (s === undefined) {
    return undefined;
  }
  return /^https?:\/\/([^./]+)\.managedhsm\./i.exec(s.trim())?.[1]?.toLowerCase();
}

/** Formats a list of strings for messages: `"a", "b"`. */
export function quoteList(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

/** `storage account "a"` or `storage accounts "a", "b" and "c"`, for findings that name every affected account. */
export function accountList(names: readonly string[]): string {
  if (names.length === 1) {
    return `storage account ${JSON.stringify(names[0])}`;
  }
  const quoted = names.map((n) => JSON.stringify(n));
  return `storage accounts ${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}
