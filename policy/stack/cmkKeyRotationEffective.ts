import { type StackValidationPolicy } from "@pulumi/policy";
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
import { accountList, ciEquals, obj } from "../lib/text";
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
 * and an `-HSM` key lives in a premium vault (`properties.sku.name`). Each problem is reported once per key,
 * on the key, naming every account the key encrypts.
 */
export const cmkKeyRotationEffective: StackValidationPolicy = {
  name: "cmk-key-rotation-effective",
  description:
    "The key behind every customer-managed key must rotate, expire and, when HSM-backed, live in a premium vault.",
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
    for (const [key, accounts] of graph.cmkAccountsBy("key")) {
      const kty = readProp(key, "kty");
      const rotationPolicy = readProp(key, "rotationPolicy");
      const messages = [
        ...checkKeyTypeAndSize(
          { kty, keySize: readProp(key, "keySize") },
          { allowedKeyTypes, minRsaKeySize },
        ),
        ...checkRotation(rotationPolicy, maxDaysToRotate),
        ...checkExpiry(rotationPolicy),
      ];
      // Every account of a key has the same vault when resolved through the key; take the first one's.
      const { vault } = graph.resolveCmk(accounts[0]);
      if (vault !== undefined && isHsmKeyType(kty)) {
        const sku = obj(readProp(vault, "sku"))?.["name"];
        if (!ciEquals(sku, "premium")) {
          messages.push(
            `kty "${String(kty)}" needs a premium vault but vault "${vault.name}" has SKU ${JSON.stringify(sku ?? null)}.`,
          );
        }
      }
      const accountNames = accountList(accounts.map((a) => a.name));
      for (const m of messages) {
        reportViolation(`Key "${key.name}" of ${accountNames}: ${m}`, key.urn);
      }
    }
  },
};
