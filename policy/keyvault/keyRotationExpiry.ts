import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { checkExpiry } from "../lib/keyChecks";

/**
 * Rule 4c: the rotation policy sets `attributes.expiryTime` of at least P28D (Key Vault's minimum),
 * so every key version expires. Absent rotation policy or expiry is a violation.
 */
export const keyRotationExpiry: ResourceValidationPolicy = {
  name: "kv-key-rotation-expiry",
  description:
    "Key Vault key rotation policies must set an expiry (expiryTime) of at least 28 days.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    'Set `properties.rotationPolicy.attributes.expiryTime` to an ISO-8601 duration of at least "P28D" (for example "P1Y").',
  url: URLS.azPolicy("152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0"),
  validateResource: validateResourceOfType(keyvault.Key, (key, _args, reportViolation) => {
    for (const m of checkExpiry(key.properties?.rotationPolicy)) {
      reportViolation(`properties.${m}`);
    }
  }),
};
