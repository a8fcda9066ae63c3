import { StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { StackGraph, readProp } from "../lib/graph";
import {
  DEFAULT_ALLOWED_KEY_TYPES,
  DEFAULT_MAX_DAYS_TO_ROTATE,
  DEFAULT_MIN_RSA_KEY_SIZE,
  checkExpiry,
  checkKeyTypeAndSize,
  checkRotation,
  isHsmKeyType,
} from "../lib/keyChecks";
import { ciEquals, obj } from "../lib/text";
import { keyTypeSchema } from "../keyvault/keyTypeAndSize";
import { maxDaysToRotateSchema } from "../keyvault/keyRotationPolicy";

export interface CmkKeyRotationEffectiveConfig {
  allowedKeyTypes?: string[];
  minRsaKeySize?: number;
  maxDaysToRotate?: number;
}

/**
 * Rule 13 (stack): the key behind every CMK satisfies rule 4 (type and size, a rotate action within
 * `maxDaysToRotate`, expiry ≥ P28D) on its OUTPUTS (flattened: `kty`, `keySize`, `rotationPolicy`),
 * and an `-HSM` key lives in a premium vault (`properties.sku.name`).
 */
export const cmkKeyRotationEffective: StackValidationPolicy = {
  name: "cmk-key-rotation-effective",
  description: "The key behind every customer-managed key must rotate, expire and, when HSM-backed, live in a premium vault.",
  configSchema: { properties: { ...keyTypeSchema, maxDaysToRotate: maxDaysToRotateSchema } },
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Give the key a rotation policy (rotate within the configured days, expiryTime ≥ "P28D"), an allowed type and size; put RSA-HSM keys in a premium vault.',
  url: URLS.kvKeyRotation,
  validateStack: (args, reportViolation) => {
    const {
      allowedKeyTypes = DEFAULT_ALLOWED_KEY_TYPES,
      minRsaKeySize = DEFAULT_MIN_RSA_KEY_SIZE,
      maxDaysToRotate = DEFAULT_MAX_DAYS_TO_ROTATE,
    } = args.getConfig<CmkKeyRotationEffectiveConfig>();
    const graph = new StackGraph(args.resources);
    const seen = new Set<string>();
    for (const account of graph.cmkAccounts()) {
      const { key, vault } = graph.resolveCmk(account);
      if (key === undefined || seen.has(`${key.urn}|${account.urn}`)) {
        continue;
      }
      seen.add(`${key.urn}|${account.urn}`);
      const kty = readProp(key, "kty");
      const rotationPolicy = readProp(key, "rotationPolicy");
      const messages = [
        ...checkKeyTypeAndSize({ kty, keySize: readProp(key, "keySize") }, { allowedKeyTypes, minRsaKeySize }),
        ...checkRotation(rotationPolicy, maxDaysToRotate),
        ...checkExpiry(rotationPolicy),
      ];
      if (vault !== undefined && isHsmKeyType(kty)) {
        const sku = obj(readProp(vault, "sku"))?.["name"];
        if (!ciEquals(sku, "premium")) {
          messages.push(`kty "${String(kty)}" needs a premium vault but vault "${vault.name}" has SKU ${JSON.stringify(sku ?? null)}.`);
        }
      }
      for (const m of messages) {
        reportViolation(`Key "${key.name}" of storage account "${account.name}": ${m}`, account.urn);
      }
    }
  },
};
