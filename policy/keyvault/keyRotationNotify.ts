import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { checkNotify } from "../lib/keyChecks";

/** Rule 4d (advisory): the rotation policy has a `notify` lifetime action. */
export const keyRotationNotify: ResourceValidationPolicy = {
  name: "kv-key-rotation-notify",
  description: "Key Vault key rotation policies should notify before a key version expires.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    'Add `{ action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } }` to `properties.rotationPolicy.lifetimeActions`.',
  url: URLS.kvKeyRotation,
  validateResource: validateResourceOfType(keyvault.Key, (key, _args, reportViolation) => {
    for (const m of checkNotify(key.properties?.rotationPolicy)) {
      reportViolation(`properties.${m}`);
    }
  }),
};
