import * as storage from "@pulumi/azure-native/storage";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";

/** Rule 6e (advisory): double encryption (`encryption.requireInfrastructureEncryption: true`, create-time only). */
export const storageInfrastructureEncryption: ResourceValidationPolicy = {
  name: "storage-infrastructure-encryption",
  description: "Storage accounts should enable infrastructure (double) encryption.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Set `encryption.requireInfrastructureEncryption: true`; it can only be set when the account is created.",
  url: URLS.azPolicy("4733ea7b-a883-42fe-8cac-97454c2a9e4a"),
  validateResource: validateResourceOfType(
    storage.StorageAccount,
    (account, _args, reportViolation) => {
      if (account.encryption?.requireInfrastructureEncryption !== true) {
        reportViolation("encryption.requireInfrastructureEncryption is not true.");
      }
    },
  ),
};
