/**
 * Rule families of the simulated Azure beyond the core CMK chain, one file per family (each exports its rules and
 * imports the shared types from `../armTypes`). Listed here in the order they are checked, after the core rules.
 */
import type { ArmRule } from "../armTypes";

export const RULE_FAMILIES: readonly ArmRule[] = [];
