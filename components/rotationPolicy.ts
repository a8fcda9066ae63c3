import { isoDurationDays } from "./duration";

/**
 * Azure's limits for Key Vault key rotation policies (keys.json `RotationPolicy`/`LifetimeAction`/`Trigger`;
 * learn.microsoft.com key-vault/keys/how-to-configure-key-rotation; .NET `KeyRotationPolicy.ExpiresIn`):
 * - rotation: at least 7 days after creation and at least 7 days before expiry;
 * - expiry of new versions (`attributes.expiryTime`): at least 28 days;
 * - `notify` takes only `timeBeforeExpiry` and needs an expiry;
 * - action types are the lowercase enum `rotate` | `notify`, at most one of each.
 */
export const ROTATION_LIMITS = {
  minDaysAfterCreate: 7,
  minDaysBeforeExpiry: 7,
  minExpiryDays: 28,
} as const;

/** A rotation policy as azure-native's `keyvault.Key` `properties.rotationPolicy` takes it (plain values). */
export interface PlainRotationPolicy {
  attributes?: { expiryTime?: string };
  lifetimeActions?: {
    action?: { type?: string };
    trigger?: { timeAfterCreate?: string; timeBeforeExpiry?: string };
  }[];
}

/** The rotation settings ManagedKeyRotation exposes. */
export interface RotationSettings {
  /** Rotate this long after each version is created (ISO-8601). */
  rotateAfter: string;
  /** Each new version expires this long after creation (ISO-8601). */
  expiresAfter: string;
  /** Send a near-expiry notification this long before expiry (ISO-8601); undefined for none. */
  notifyBefore?: string | undefined;
}

/** A rotation policy as this project builds it (action types narrowed to Azure's enum). */
export interface BuiltRotationPolicy {
  attributes: { expiryTime: string };
  lifetimeActions: {
    action: { type: "rotate" | "notify" };
    trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string };
  }[];
}

/** Builds the azure-native rotation policy for the settings: one `rotate` and (optionally) one `notify` action. */
export function buildRotationPolicy(s: RotationSettings): BuiltRotationPolicy {
  const lifetimeActions: BuiltRotationPolicy["lifetimeActions"] = [
    { action: { type: "rotate" }, trigger: { timeAfterCreate: s.rotateAfter } },
  ];
  if (s.notifyBefore !== undefined) {
    lifetimeActions.push({
      action: { type: "notify" },
      trigger: { timeBeforeExpiry: s.notifyBefore },
    });
  }
  return { attributes: { expiryTime: s.expiresAfter }, lifetimeActions };
}

/** One rotation-policy problem: the field (relative to `rotationPolicy`) and the rule it breaks, with the value received. */
export interface RotationPolicyProblem {
  path: string;
  reason: string;
}

/**
 * Checks a rotation policy against Azure's rules. Returns one problem per broken rule, each naming the field
 * (relative to `rotationPolicy`), the value received and the rule. Empty when Azure would accept it.
 */
export function rotationPolicyProblems(policy: PlainRotationPolicy): RotationPolicyProblem[] {
  const problems: RotationPolicyProblem[] = [];
  const add = (path: string, reason: string): void => {
    problems.push({ path, reason });
  };
  const expiry = policy.attributes?.expiryTime;
  let expiryDays: number | undefined;
  if (expiry !== undefined) {
    expiryDays = isoDurationDays(expiry);
    if (expiryDays === undefined) {
      add(
        "attributes.expiryTime",
        `must be an ISO-8601 duration such as "P1Y", got ${JSON.stringify(expiry)}`,
      );
    } else if (expiryDays < ROTATION_LIMITS.minExpiryDays) {
      add("attributes.expiryTime", `must be at least P28D, got ${expiry}`);
    }
  }
  const counts: Record<string, number> = {};
  (policy.lifetimeActions ?? []).forEach((la, i) => {
    const at = `lifetimeActions[${i}]`;
    const type = la.action?.type;
    if (type !== "rotate" && type !== "notify") {
      add(
        `${at}.action.type`,
        `must be "rotate" or "notify" (lowercase), got ${JSON.stringify(type)}`,
      );
      return;
    }
    counts[type] = (counts[type] ?? 0) + 1;
    const after = la.trigger?.timeAfterCreate;
    const before = la.trigger?.timeBeforeExpiry;
    if ((after === undefined) === (before === undefined)) {
      add(`${at}.trigger`, "must set exactly one of timeAfterCreate or timeBeforeExpiry");
      return;
    }
    if (type === "notify" && after !== undefined) {
      add(
        `${at}.trigger.timeAfterCreate`,
        `a notify action takes only timeBeforeExpiry, got timeAfterCreate ${after}`,
      );
      return;
    }
    if (after !== undefined) {
      const days = isoDurationDays(after);
      if (days === undefined) {
        add(
          `${at}.trigger.timeAfterCreate`,
          `must be an ISO-8601 duration such as "P90D", got ${JSON.stringify(after)}`,
        );
      } else if (days < ROTATION_LIMITS.minDaysAfterCreate) {
        add(
          `${at}.trigger.timeAfterCreate`,
          `must be at least P7D (rotate no sooner than 7 days after creation), got ${after}`,
        );
      } else if (
        expiryDays !== undefined &&
        expiryDays - days < ROTATION_LIMITS.minDaysBeforeExpiry
      ) {
        add(
          `${at}.trigger.timeAfterCreate`,
          `must be at least 7 days shorter than the expiry ${expiry} (rotate before the version expires), got ${after}`,
        );
      }
    }
    if (before !== undefined) {
      const days = isoDurationDays(before);
      if (days === undefined) {
        add(
          `${at}.trigger.timeBeforeExpiry`,
          `must be an ISO-8601 duration such as "P30D", got ${JSON.stringify(before)}`,
        );
      } else if (expiry === undefined) {
        add(`${at}.trigger.timeBeforeExpiry`, "needs attributes.expiryTime to be set");
      } else if (days < ROTATION_LIMITS.minDaysBeforeExpiry) {
        add(`${at}.trigger.timeBeforeExpiry`, `must be at least P7D, got ${before}`);
      } else if (
        expiryDays !== undefined &&
        expiryDays - days < ROTATION_LIMITS.minDaysAfterCreate
      ) {
        add(
          `${at}.trigger.timeBeforeExpiry`,
          `must leave at least 7 days after creation within the expiry ${expiry}, got ${before}`,
        );
      }
    }
  });
  for (const [type, n] of Object.entries(counts)) {
    if (n > 1) {
      add("lifetimeActions", `may hold at most one "${type}" action, got ${n}`);
    }
  }
  return problems;
}
