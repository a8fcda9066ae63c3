import * as storage from "@pulumi/azure-native/storage";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { ciEquals } from "../lib/text";

/**
 * Rule 6f (advisory): queue and table services use the account key (`keyType: "Account"`), so the
 * customer-managed key covers them too (the default `Service` key does not). Create-time only.
 */
export const storageCmkAllServices: ResourceValidationPolicy = {
  name: "storage-cmk-all-services",
  description:
    "Storage accounts should encrypt queues and tables with the account (customer-managed) key.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    'Set `encryption.services.queue` and `encryption.services.table` to `{ enabled: true, keyType: "Account" }` when creating the account.',
  url: URLS.azPolicy("f0e5abd0-2554-4736-b7c0-4ffef23475ef"),
  validateResource: validateResourceOfType(
    storage.StorageAccount,
    (account, _args, reportViolation) => {
      const services = account.encryption?.services;
      for (const service of ["queue", "table"] as const) {
        const keyType = services?.[service]?.keyType;
        if (!ciEquals(keyType, "Account")) {
          reportViolation(
            `encryption.services.${service}.keyType is ${JSON.stringify(keyType ?? null)}; set it to "Account".`,
          );
        }
      }
    },
  ),
};
