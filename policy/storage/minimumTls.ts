import * as storage from "@pulumi/azure-native/storage";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { lower } from "../lib/text";

export interface StorageMinimumTlsConfig {
  minimumTlsVersion?: string;
}

const TLS_ORDER = ["tls1_0", "tls1_1", "tls1_2", "tls1_3"];

/**
 * Rule 6b: `minimumTlsVersion` is at least the configured version (default TLS1_2). Absent is a
 * violation: older API versions default to TLS1_0, so the floor must be explicit.
 */
export const storageMinimumTls: ResourceValidationPolicy = {
  name: "storage-min-tls-version",
  description: "Storage accounts must require TLS 1.2 or newer.",
  configSchema: {
    properties: {
      minimumTlsVersion: {
        type: "string",
        enum: ["TLS1_2", "TLS1_3"],
        default: "TLS1_2",
        description: "Lowest acceptable minimumTlsVersion.",
      },
    },
  },
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: 'Set `minimumTlsVersion: "TLS1_2"` (or newer).',
  url: URLS.azPolicy("fe83a0eb-a853-422d-aac2-1bffd182c5d0"),
  validateResource: validateResourceOfType(
    storage.StorageAccount,
    (account, args, reportViolation) => {
      const { minimumTlsVersion = "TLS1_2" } = args.getConfig<StorageMinimumTlsConfig>();
      const actual = account.minimumTlsVersion;
      const rank = TLS_ORDER.indexOf(lower(actual) ?? "");
      if (rank < TLS_ORDER.indexOf(lower(minimumTlsVersion) ?? "tls1_2")) {
        reportViolation(
          actual === undefined || actual === null
            ? `minimumTlsVersion is not set; set it to "${minimumTlsVersion}" or newer.`
            : `minimumTlsVersion is "${String(actual)}"; it must be "${minimumTlsVersion}" or newer.`,
        );
      }
    },
  ),
};
