/**
 * Pure scheduling and decision logic for storage account access-key rotation (no I/O, no Pulumi, no Azure SDK).
 *
 * Model (dual-key alternation, seed "storage account keys"): one of the account's two keys is *active* and published as
 * the latest version of a Key Vault secret; the other is *inactive* and is the previous active key, still valid for
 * clients that have not re-read the secret yet. When the active key is older than the rotation period (by the
 * account's own `keyCreationTime`), the inactive key is regenerated, published, and becomes active; the old active key
 * stays valid for one more period. Every decision is derived from Azure (the account's key creation times and the
 * latest secret version's tags), never from Pulumi state, so state loss or a crash cannot make it rotate twice or
 * never.
 *
 * This module is captured by value into the serialized dynamic provider: keep it import-free and self-contained.
 */

/** The two storage account access keys. */
export type KeyName = "key1" | "key2";

/** Creation time of each account key as an ISO-8601 string (millisecond precision), or null when Azure has none. */
export interface KeyCreationTimes {
  key1: string | null;
  key2: string | null;
}

/** What the provider knows about the latest version of the secret (never its value). */
export interface PublishedSecret {
  /** Versioned secret id, `https://<vault>/secrets/<name>/<version>`. */
  id: string;
  version: string;
  tags: Record<string, string>;
  createdOn: string | null;
  expiresOn: string | null;
}

/** Tag names written on every published version (the Azure-Samples dual-key rotation convention, plus one). */
export const SECRET_TAGS = {
  /** Which key the version holds: `key1` or `key2`. */
  credentialId: "CredentialId",
  /** ARM id of the storage account the key belongs to. */
  providerAddress: "ProviderAddress",
  /** The rotation period in days at publication. */
  validityPeriodDays: "ValidityPeriodDays",
  /** The key's `keyCreationTime` at publication; a mismatch later means the key was regenerated after publishing. */
  keyCreationTime: "KeyCreationTime",
} as const;

/** Key Vault allows at most 15 tags per secret; the rotation writes 4 of its own. */
export const MAX_USER_TAGS = 11;

/** Rotation period bounds (days), inclusive. */
export const MIN_ROTATION_PERIOD_DAYS = 1;
export const MAX_ROTATION_PERIOD_DAYS = 730;
export const DEFAULT_ROTATION_PERIOD_DAYS = 90;

/** Key Vault secret names: 1-127 characters, letters, digits and dashes. */
export const SECRET_NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one run must do. `regenerate` (if any) happens before `publish`. */
export interface RotationPlan {
  kind: "none" | "adopt" | "rotate" | "complete" | "repair" | "retag" | "conflict";
  regenerate?: KeyName;
  publish?: KeyName;
  /** One sentence for humans (logs, errors, docs); never contains a key value. */
  reason: string;
}

/** The inputs the schedule needs. */
export interface RotationTarget {
  storageAccountId: string;
  rotationPeriodInDays: number;
  tags: Record<string, string>;
}

/** The key that is not `key`. */
export function otherKey(key: KeyName): KeyName {
  return key === "key1" ? "key2" : "key1";
}

/** True for "key1" and "key2". */
export function isKeyName(value: unknown): value is KeyName {
  return value === "key1" || value === "key2";
}

/** Milliseconds since the epoch; a missing creation time counts as "infinitely old" (0). */
export function timeOf(iso: string | null | undefined): number {
  if (!iso) {
    return 0;
  }
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
}

/** Normalises a creation time to the ISO form stored in tags ("" when unknown). */
export function normaliseTime(iso: string | null | undefined): string {
  const t = timeOf(iso);
  return t === 0 ? "" : new Date(t).toISOString();
}

/** When a key created at `createdAt` is due for rotation (ISO), or null when its age is unknown (due now). */
export function rotationDueAt(createdAt: string | null, periodDays: number): string | null {
  const t = timeOf(createdAt);
  return t === 0 ? null : new Date(t + periodDays * DAY_MS).toISOString();
}

/** True when a key created at `createdAt` has reached the rotation period at `now`. Unknown age counts as due. */
export function isRotationDue(createdAt: string | null, periodDays: number, now: Date): boolean {
  return timeOf(createdAt) + periodDays * DAY_MS <= now.getTime();
}

/** The key with the newer creation time; key1 on a tie or when both are unknown. */
export function newestKey(times: KeyCreationTimes): KeyName {
  return timeOf(times.key2) > timeOf(times.key1) ? "key2" : "key1";
}

/** ARM ids are case-insensitive. */
export function sameArmId(a: string, b: string): boolean {
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

/** Parts of a storage account ARM id. */
export interface StorageAccountRef {
  subscriptionId: string;
  resourceGroupName: string;
  accountName: string;
}

const STORAGE_ACCOUNT_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([a-z0-9]{3,24})\/?$/i;

/** Parses `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>`. */
export function parseStorageAccountId(id: string): StorageAccountRef | undefined {
  const m = STORAGE_ACCOUNT_ID.exec(id);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) {
    return undefined;
  }
  return { subscriptionId: m[1], resourceGroupName: m[2], accountName: m[3] };
}

/** The default secret name for an account: `<accountName>-access-key` (always matches SECRET_NAME_PATTERN). */
export function defaultSecretName(accountName: string): string {
  return `${accountName}-access-key`;
}

/** Content type of every published version: names the account and which key. */
export function secretContentType(accountName: string, key: KeyName): string {
  return `storage-account-key; account=${accountName}; key=${key}`;
}

/** The tags a version publishing `key` must carry (user tags first; the rotation's own tags win). */
export function desiredSecretTags(
  target: RotationTarget,
  key: KeyName,
  keyCreationTime: string | null,
): Record<string, string> {
  return {
    ...target.tags,
    [SECRET_TAGS.credentialId]: key,
    [SECRET_TAGS.providerAddress]: target.storageAccountId,
    [SECRET_TAGS.validityPeriodDays]: String(target.rotationPeriodInDays),
    [SECRET_TAGS.keyCreationTime]: normaliseTime(keyCreationTime),
  };
}

/**
 * `expires` of a published version: when the key it holds is due for rotation (creation + period). A key of unknown
 * age is due at once; its version expires one period after publication instead of being born expired.
 */
export function secretExpiresOn(
  keyCreationTime: string | null,
  periodDays: number,
  now: Date,
): Date {
  const base = timeOf(keyCreationTime) || now.getTime();
  return new Date(base + periodDays * DAY_MS);
}

/** How the latest secret version relates to this account. */
export type PublishedState =
  | { kind: "none" }
  | { kind: "managed"; activeKey: KeyName; keyCreationTime: string; secret: PublishedSecret }
  | { kind: "foreign"; owner: string };

/**
 * Classifies the latest version: "managed" when it carries `CredentialId` key1|key2 and this account's
 * `ProviderAddress`; "foreign" when it names another account (never overwritten); "none" when there is no version or
 * it carries no rotation tags (created by hand: the next publication supersedes it).
 */
export function classifyPublished(
  secret: PublishedSecret | undefined,
  storageAccountId: string,
): PublishedState {
  if (!secret) {
    return { kind: "none" };
  }
  const owner = secret.tags[SECRET_TAGS.providerAddress];
  const credential = secret.tags[SECRET_TAGS.credentialId];
  if (owner !== undefined && owner !== "" && !sameArmId(owner, storageAccountId)) {
    return { kind: "foreign", owner };
  }
  if (owner === undefined || !isKeyName(credential)) {
    return { kind: "none" };
  }
  return {
    kind: "managed",
    activeKey: credential,
    keyCreationTime: normaliseTime(secret.tags[SECRET_TAGS.keyCreationTime]),
    secret,
  };
}

/** Tag sets are equal; `ProviderAddress` compares as an ARM id (case-insensitive). */
function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const ak = Object.keys(a).sort();
  const bk = Object.keys(b).sort();
  const same = (k: string): boolean =>
    k === SECRET_TAGS.providerAddress ? sameArmId(a[k] ?? "", b[k] ?? "") : a[k] === b[k];
  return ak.length === bk.length && ak.every((k, i) => k === bk[i] && same(k));
}

/**
 * Decides what one run does, from the account's key creation times and the latest secret version. In order:
 * 1. foreign owner: conflict (nothing is written);
 * 2. nothing published: adopt the newest key as is (never regenerate on the first run, because unmanaged clients may
 *    hold either key);
 * 3. the inactive key is newer than the active one: a rotation was interrupted after regenerating (or someone
 *    regenerated it by hand). It has never been handed out, so publish it, regenerating it first only if it is itself
 *    past the period;
 * 4. the active key is past the period: rotate (regenerate the inactive key, whose grace period is over, and publish
 *    it);
 * 5. the active key was regenerated after it was published (tag mismatch): republish it (repair);
 * 6. the tags differ from what the inputs ask (period or user tags changed): republish the active key (retag);
 * 7. otherwise nothing.
 */
export function planRotation(
  times: KeyCreationTimes,
  published: PublishedState,
  target: RotationTarget,
  now: Date,
): RotationPlan {
  const period = target.rotationPeriodInDays;
  if (published.kind === "foreign") {
    return {
      kind: "conflict",
      reason: `the secret holds a key of another storage account (${published.owner})`,
    };
  }
  if (published.kind === "none") {
    const key = newestKey(times);
    return {
      kind: "adopt",
      publish: key,
      reason: `no rotation-managed version yet: publish the newest key (${key})`,
    };
  }
  const active = published.activeKey;
  const inactive = otherKey(active);
  if (timeOf(times[inactive]) > timeOf(times[active])) {
    const stale = isRotationDue(times[inactive], period, now);
    return {
      kind: "complete",
      ...(stale ? { regenerate: inactive } : {}),
      publish: inactive,
      reason: `${inactive} was regenerated after ${active} but not published: finish the interrupted rotation`,
    };
  }
  if (isRotationDue(times[active], period, now)) {
    return {
      kind: "rotate",
      regenerate: inactive,
      publish: inactive,
      reason: `${active} is older than ${period} days: regenerate ${inactive} and make it active`,
    };
  }
  if (published.keyCreationTime !== normaliseTime(times[active])) {
    return {
      kind: "repair",
      publish: active,
      reason: `${active} changed after it was published: republish it`,
    };
  }
  if (!sameTags(published.secret.tags, desiredSecretTags(target, active, times[active]))) {
    return {
      kind: "retag",
      publish: active,
      reason: `secret tags differ from the inputs: republish ${active}`,
    };
  }
  return { kind: "none", reason: `${active} is active and not yet due` };
}
