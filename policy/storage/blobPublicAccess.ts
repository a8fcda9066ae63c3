import * as storage from "@pulumi/azure-native/storage";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";

/** Rule 6c: `allowBlobPublicAccess` is explicitly false (absent is a violation, as in Azure Policy 4fa4b6c0). */
export const storageBlobPublicAccess: ResourceValidationPolicy = {
  name: "storage-blob-public-access-disabled",
  description: "Storage accounts must disallow anonymous public blob access.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set `allowBlobPublicAccess: false`.",
  url: URLS.azPolicy("4fa4b6c0-31ca-4c0d-b10d-24b96f62a751"),
  validateResource: validateResourceOfType(
    storage.StorageAccount,
    (account, _args, reportViolation) => {
      const value = account.allowBlobPublicAccess;
      if (value !== false) {
        reportViolation(
          value === undefined || value === null
            ? "allowBlobPublicAccess is not set; set it to false."
            : `allowBlobPublicAccess is ${JSON.stringify(value)}; it must be false.`,
        );
      }
    },
  ),
};
