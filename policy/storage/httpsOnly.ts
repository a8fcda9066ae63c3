import * as storage from "@pulumi/azure-native/storage";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";

/** Rule 6a: HTTPS only. `enableHttpsTrafficOnly: false` is a violation; absent is Azure's default (true). */
export const storageHttpsOnly: ResourceValidationPolicy = {
  name: "storage-https-only",
  description: "Storage accounts must accept HTTPS traffic only.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set `enableHttpsTrafficOnly: true` (or leave it unset; Azure defaults to true).",
  url: URLS.azPolicy("404c3081-a854-4457-ae30-26a93ef643f9"),
  validateResource: validateResourceOfType(
    storage.StorageAccount,
    (account, _args, reportViolation) => {
      if (account.enableHttpsTrafficOnly === false) {
        reportViolation("enableHttpsTrafficOnly is false; storage must accept HTTPS only.");
      }
    },
  ),
};
