import { isDeepStrictEqual } from "util";
import { didYouMean } from "@cmk-platform/azure-cmk-storage";
import { convert } from "./config";
import { CONFIG_KEYS } from "./configSchema";
import { FLEET_CONFIG_KEYS, KIND_KEYS, STACK_KINDS, type StackKind } from "./fleetConfigSchema";

/**
 * The stack's kind (`cmk-storage:stackKind`), `single` when unset. An unknown kind is refused naming the kinds.
 * `raw` is the project's config as the Pulumi runtime stores it (key without the project prefix → string).
 */
export function readStackKind(
  raw: Record<string, string | undefined>,
  project: string,
  stackFile: string,
): StackKind {
  const value = raw.stackKind;
  if (value === undefined || value === "") return "single";
  if ((STACK_KINDS as readonly string[]).includes(value)) return value as StackKind;
  throw new Error(
    `Invalid stack configuration in ${stackFile}:\n  - ${project}:stackKind must be one of ${STACK_KINDS.join(", ")} (${didYouMean(value, STACK_KINDS)}single: one stack with the vault, key and every team; platform: a region's vault and keys; team: one team's account with a platform stack's key); got ${JSON.stringify(value)}`,
  );
}

/**
 * Whether a raw value is the key's Pulumi.yaml default. The Pulumi CLI passes every declared key's default to the
 * program, so a key left out of a stack file arrives as its default: only other values count as "set".
 */
function isDefaultValue(key: string, raw: string): boolean {
  const spec = CONFIG_KEYS[key] ?? FLEET_CONFIG_KEYS[key];
  if (spec === undefined) return false;
  return isDeepStrictEqual(convert(spec.type, raw), spec.default);
}

/** Which kinds read a key (for the message that says where it belongs). */
function kindsReading(key: string): StackKind[] {
  return STACK_KINDS.filter((k) => KIND_KEYS[k].includes(key));
}

/**
 * Keys set in a stack of `kind` that this kind does not read: each names the kind(s) it belongs to and what to do.
 * Unknown keys are left to the kind's own parser (which suggests the closest known key).
 */
export function kindKeyProblems(
  kind: StackKind,
  raw: Record<string, string | undefined>,
  project: string,
): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || KIND_KEYS[kind].includes(key)) continue;
    if (!(key in CONFIG_KEYS) && !(key in FLEET_CONFIG_KEYS)) continue;
    if (isDefaultValue(key, value)) continue;
    const where = kindsReading(key);
    const hint =
      kind === "team" && key === "privateEndpointSubnetId"
        ? `; a team stack sets its endpoints' subnet on the team: ${project}:teams.<id>.privateEndpointSubnetId`
        : kind === "team" && key === "accounts"
          ? `; a team stack names its one team in ${project}:teams`
          : kind === "platform" && (key === "teams" || key === "accounts")
            ? "; teams live in their own team stacks (npm run team:onboard -- --team <id> ...)"
            : "";
    problems.push(
      `${project}:${key} does not apply to a ${kind} stack (it is read by ${where.map((k) => `${k}`).join(" and ")} stacks only)${hint}; remove it from this stack file; got ${JSON.stringify(value)}`,
    );
  }
  return problems;
}
