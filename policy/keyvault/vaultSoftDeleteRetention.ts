import * as keyvault from "@pulumi/azure-native/keyvault";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { ciEquals } from "../lib/text";

export interface VaultSoftDeleteRetentionConfig {
  /** Minimum soft-delete retention in days (7–90). */
  minRetentionDays?: number;
}

/** Azure's retention when `softDeleteRetentionInDays` is absent (also the SDK default). */
const AZURE_DEFAULT_RETENTION_DAYS = 90;

/**
 * Rule 1b: soft-delete retention is at least `minRetentionDays` (default 90). Absent counts as
 * Azure's default of 90 days. Skipped for `createMode: "recover"`.
 */
export const vaultSoftDeleteRetention: ResourceValidationPolicy = {
  name: "kv-soft-delete-retention",
  description: "Key Vault soft-delete retention must be at least the configured number of days.",
  configSchema: {
    properties: {
      minRetentionDays: {
        type: "integer",
        minimum: 7,
        maximum: 90,
        default: 90,
        description: "Minimum properties.softDeleteRetentionInDays (Azure allows 7–90).",
      },
    },
  },
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Set `properties.softDeleteRetentionInDays` to at least the configured minimum (Azure allows 7–90; 90 is the default).",
  url: URLS.kvSoftDelete,
  validateResource: validateResourceOfType(keyvault.Vault, (vault, args, reportViolation) => {
    const { minRetentionDays = 90 } = args.getConfig<VaultSoftDeleteRetentionConfig>();
    const p = vault.properties;
    if (ciEquals(p?.createMode, "recover")) {
      return;
    }
    const days =
      typeof p?.softDeleteRetentionInDays === "number"
        ? p.softDeleteRetentionInDays
        : AZURE_DEFAULT_RETENTION_DAYS;
    if (days < minRetentionDays) {
      reportViolation(
        `properties.softDeleteRetentionInDays is ${days}; it must be at least ${minRetentionDays} days.`,
      );
    }
  }),
};
