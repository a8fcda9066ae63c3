import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { isHsmKeyType } from "../lib/keyChecks";

/** Rule 8 (advisory; mandatory in prod config): keys are HSM-backed (`RSA-HSM` or `EC-HSM`). */
export const keyHsmBacked: ResourceValidationPolicy = {
  name: "kv-key-hsm-backed",
  description: "Key Vault keys should be backed by a hardware security module (RSA-HSM or EC-HSM).",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    'Set `properties.kty: "RSA-HSM"` and use a premium vault (`properties.sku.name: "premium"`).',
  url: URLS.azPolicy("587c79fe-dd04-4a5e-9d0b-f89598c7261b"),
  validateResource: validateResourceOfType(keyvault.Key, (key, _args, reportViolation) => {
    const kty = key.properties?.kty;
    if (!isHsmKeyType(kty)) {
      reportViolation(
        `properties.kty is ${JSON.stringify(kty ?? null)}; use an HSM-backed type ("RSA-HSM" or "EC-HSM").`,
      );
    }
  }),
};
