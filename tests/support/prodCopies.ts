/**
 * Copies of the committed prod stack with one guardrail taken away, for the CLI tests of the guardrail policies
 * (tests/preview/stackHints.spec.ts) and of `--previous` (tests/preview/guardrailFindings.spec.ts).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./previewCli";

const PROD = (): string => fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");

/** Edits of the prod stack file, each asserted to change something. */
export const PROD_EDITS = {
  /** No private endpoints: no subnet, no services, no DNS zones, no treasury endpoints. */
  noEndpoints: (s: string): string =>
    s
      .replace(/^ {2}cmk-storage:privateEndpointSubnetId: .*\n/m, "")
      .replace(/^ {2}cmk-storage:accountPrivateEndpoints: .*\n/m, "")
      .replace(/^ {6}privateEndpoints: \[blob, blob_secondary\]\n/m, "")
      .replace(/^ {2}cmk-storage:privateDnsZoneIds:\n(?: {4}.*\n)+/m, ""),
  /** No diagnostics destination. */
  noLogs: (s: string): string => s.replace(/^ {2}cmk-storage:logAnalyticsWorkspaceId: .*\n/m, ""),
  /** No locks. */
  noLocks: (s: string): string =>
    s.replace(/^ {2}cmk-storage:lock: CanNotDelete$/m, "  cmk-storage:lock: None"),
  /** Versioning off (point-in-time restore, which needs it, off too). */
  noVersioning: (s: string): string =>
    s
      .replace(/^ {2}cmk-storage:blobVersioning: true$/m, "  cmk-storage:blobVersioning: false")
      .replace(
        /^ {2}cmk-storage:blobPointInTimeRestoreDays: 14$/m,
        "  cmk-storage:blobPointInTimeRestoreDays: 0",
      ),
} as const;

/** Writes a copy of the prod stack file with the edits applied, into `dir`. */
export function prodCopy(dir: string, ...edits: (keyof typeof PROD_EDITS)[]): string {
  let text = PROD();
  for (const e of edits) {
    const next = PROD_EDITS[e](text);
    assert.notEqual(next, text, `edit ${e} changed nothing in stacks/Pulumi.prod.yaml`);
    text = next;
  }
  const file = path.join(dir, `Pulumi.prod.${edits.join("-") || "copy"}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}
