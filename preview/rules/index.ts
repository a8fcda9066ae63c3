/**
 * Rule families of the simulated Azure beyond the core CMK chain, one file per family (each exports its rules and
 * imports the shared types from `../armTypes`). Listed here in the order they are checked, after the core rules.
 */
import type { ArmRule } from "../armTypes";
import { STORAGE_CHILD_RULES } from "./storageChildren";
import { STORAGE_DATA_PLANE_RULES } from "./storageDataPlane";
import { MANAGED_HSM_RULES } from "./managedHsm";
import { STORAGE_ENCRYPTION_RULES } from "./storageEncryption";
import { PRIVATE_ENDPOINT_RULES } from "./privateEndpoints";
import { DIAGNOSTIC_RULES } from "./diagnostics";
import { LOCK_RULES } from "./locks";
import { BLOB_SERVICE_RULES } from "./blobServices";
import { CROSS_STACK_GRANT_RULES } from "./crossStackGrant";

export const RULE_FAMILIES: readonly ArmRule[] = [
  // Storage account children through ARM (containers, shares, queues, tables, service settings).
  ...STORAGE_CHILD_RULES,
  // What azure-native sends to the account's data plane (blobs, the static website).
  ...STORAGE_DATA_PLANE_RULES,
  ...STORAGE_ENCRYPTION_RULES,
  ...MANAGED_HSM_RULES,
  // Guardrails (issue 16): private endpoints, diagnostic settings, locks, blob data protection.
  ...PRIVATE_ENDPOINT_RULES,
  ...DIAGNOSTIC_RULES,
  ...LOCK_RULES,
  ...BLOB_SERVICE_RULES,
  // Grants a stack makes on another stack's vault (fleet previews: team stacks on the platform's keys).
  ...CROSS_STACK_GRANT_RULES,
];

// Not per registration: the quota counters (`./quotas.ts`, pure, over one or more stacks) run over the whole stack
// after the program (preview/run.ts) and over every stack in the fleet preview.
