import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import {
  DEFAULT_ALLOWED_KEY_TYPES,
  DEFAULT_MIN_RSA_KEY_SIZE,
  checkKeyTypeAndSize,
} from "../lib/keyChecks";

export interface KeyTypeAndSizeConfig {
  allowedKeyTypes?: string[];
  minRsaKeySize?: number;
}

/** JSON Schema of the key type/size settings (shared with `cmk-key-rotation-effective`). */
export const keyTypeSchema = {
  allowedKeyTypes: {
    type: "array" as const,
    items: { type: "string" as const, enum: ["RSA", "RSA-HSM", "EC", "EC-HSM"] },
    minItems: 1,
    uniqueItems: true,
    default: DEFAULT_ALLOWED_KEY_TYPES,
    description: "Allowed key types (kty), compared case-insensitively.",
  },
  minRsaKeySize: {
    type: "integer" as const,
    enum: [2048, 3072, 4096],
    default: DEFAULT_MIN_RSA_KEY_SIZE,
    description: "Minimum RSA key size in bits (3072 recommended).",
  },
};

/**
 * Rule 4a: key type is allowed (default RSA or RSA-HSM) and RSA keys are at least `minRsaKeySize`
 * bits (default 2048). `kty` absent is a violation; `keySize` absent counts as Key Vault's 2048.
 */
export const keyTypeAndSize: ResourceValidationPolicy = {
  name: "kv-key-type-and-size",
  description:
    "Key Vault keys must be an allowed type (RSA or RSA-HSM) with at least the minimum RSA key size.",
  configSchema: { properties: keyTypeSchema },
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Set `properties.kty` to "RSA" or "RSA-HSM" and `properties.keySize` to 3072 or 4096 (at least the configured minimum).',
  url: URLS.azPolicy("82067dbb-e53b-4e06-b631-546d197452d9"),
  validateResource: validateResourceOfType(keyvault.Key, (key, args, reportViolation) => {
    const {
      allowedKeyTypes = DEFAULT_ALLOWED_KEY_TYPES,
      minRsaKeySize = DEFAULT_MIN_RSA_KEY_SIZE,
    } = args.getConfig<KeyTypeAndSizeConfig>();
    const p = key.properties;
    for (const m of checkKeyTypeAndSize(
      { kty: p?.kty, keySize: p?.keySize },
      { allowedKeyTypes, minRsaKeySize },
    )) {
      reportViolation(`properties.${m}`);
    }
  }),
};
