/**
 * The updates of a `--previous` comparison that ARM refuses (`refused` steps, `updateRefused.ts`), as the errors the
 * simulated Azure reports: the run fails as `pulumi up` would, naming the property, the reason, the fix and the source.
 */
import { ArmError } from "./armTypes";
import type { DiffResult } from "./diff";

export function refusedUpdateErrors(diff: DiffResult): ArmError[] {
  return diff.steps
    .filter((s) => s.op === "refused" && s.refusal)
    .map(
      (s) =>
        new ArmError(
          s.refusal!.code,
          `${s.cause ?? s.refusal!.path}. Fix: ${s.refusal!.fix}. Source: ${s.source ?? ""}`,
          s.refusal!.id,
          { urn: s.urn, type: s.type, name: s.name },
          s.refusal!.path,
        ),
    );
}
