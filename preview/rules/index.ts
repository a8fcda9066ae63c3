/**
 * Rule families of the simulated Azure beyond the core CMK chain, one file per family (each exports its rules and
 * imports the shared types from `../armTypes`). Listed here in the order they are checked, after the core rules.
 */
import type { ArmRule } from "../armTypes";
import { STORAGE_CHILD_RULES } from "./storageChildren";
import { STORAGE_DATA_PLANE_RULES } from "./storageDataPlane";
import { MANAGED_HSM_RULES } from "./managedHsm";
import { STORAGE_ENCRYPTION_RULES } from "./storageEncryption";

export const RULE_FAMILIES: readonly ArmRule[] = [
  // Storage account children through ARM (containers, shares, queues, tables, service settings).
  ...STORAGE_CHILD_RULES,
  // What azure-native sends to the account's data plane (blobs, the static website).
  ...STORAGE_DATA_PLANE_RULES,
  ...STORAGE_ENCRYPTION_RULES,
  ...MANAGED_HSM_RULES,
];

// Not per registration: the quota counters (`./quotas.ts`, pure, over one or more stacks) run over the whole stack
// after the program (preview/run.ts) and over every stack in the fleet preview.
