import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { DEFAULT_MAX_DAYS_TO_ROTATE, checkRotation } from "../lib/keyChecks";

export interface KeyRotationPolicyConfig {
  maxDaysToRotate?: number;
}

/** JSON Schema of the rotation setting (shared with `cmk-key-rotation-effective`). */
export const maxDaysToRotateSchema = {
  type: "integer" as const,
  minimum: 7,
  default: DEFAULT_MAX_DAYS_TO_ROTATE,
  description: "A rotate action must fire at most this many days after a key version is created.",
};

/**
 * Rule 4b: the key has a rotation policy whose `rotate` action fires within `maxDaysToRotate` days
 * (default 365): `timeAfterCreate` ≤ N or `expiryTime − timeBeforeExpiry` ≤ N (ISO-8601, luxon;
 * months = 30 days, years = 365 days). Absent rotation policy is a violation.
 */
export const keyRotationPolicy: ResourceValidationPolicy = {
  name: "kv-key-rotation-policy",
  description:
    "Key Vault keys must have a rotation policy that rotates them automatically within the configured number of days.",
  configSchema: { properties: { maxDaysToRotate: maxDaysToRotateSchema } },
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Add `properties.rotationPolicy.lifetimeActions` with `{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } }` (or a timeBeforeExpiry trigger) within the configured maximum.',
  url: URLS.azPolicy("d8cf8476-a2ec-4916-896e-992351803c44"),
  validateResource: validateResourceOfType(keyvault.Key, (key, args, reportViolation) => {
    const { maxDaysToRotate = DEFAULT_MAX_DAYS_TO_ROTATE } =
      args.getConfig<KeyRotationPolicyConfig>();
    for (const m of checkRotation(key.properties?.rotationPolicy, maxDaysToRotate)) {
      reportViolation(`properties.${m}`);
    }
  }),
};
