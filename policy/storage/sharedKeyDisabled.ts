import * as storage from "@pulumi/azure-native/storage";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";

/** Rule 6d (advisory): shared-key access is off (`allowSharedKeyAccess: false`; absent means Azure allows it). */
export const storageSharedKeyDisabled: ResourceValidationPolicy = {
  name: "storage-shared-key-disabled",
  description: "Storage accounts should disable shared-key access and use Entra ID.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Set `allowSharedKeyAccess: false` (and `defaultToOAuthAuthentication: true`). If shared keys are required, set `keyPolicy.keyExpirationPeriodInDays` and a `sasPolicy`.",
  url: URLS.azPolicy("8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54"),
  validateResource: validateResourceOfType(
    storage.StorageAccount,
    (account, _args, reportViolation) => {
      const value = account.allowSharedKeyAccess;
      if (value !== false) {
        reportViolation(
          value === undefined || value === null
            ? "allowSharedKeyAccess is not set (Azure allows shared keys); set it to false."
            : `allowSharedKeyAccess is ${JSON.stringify(value)}; set it to false.`,
        );
      }
    },
  ),
};
