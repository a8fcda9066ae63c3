/**
 * The updates of a `--previous` comparison that ARM refuses (`refused` steps, `updateRefused.ts`), as the errors the
 * simulated Azure reports: the run fails as `pulumi up` would, naming the property, the reason, the fix and the source.
 */
import { physicalName } from "./armState";
import { ArmError } from "./armTypes";
import type { DiffResult } from "./diff";
import type { RecordedResource } from "./recorder";

/** `current`: the program's registrations, to name each resource as Azure does (its physical name). */
export function refusedUpdateErrors(
  diff: DiffResult,
  current: readonly RecordedResource[] = [],
): ArmError[] {
  const byUrn = new Map(current.map((r) => [r.urn, r]));
  const physical = (urn: string, type: string, name: string): string => {
    const r = byUrn.get(urn);
    return r ? physicalName(type, name, r.inputs) : name;
  };
  return diff.steps
    .filter((s) => s.op === "refused" && s.refusal)
    .map(
      (s) =>
        new ArmError(
          s.refusal!.code,
          `${s.cause ?? s.refusal!.path}. Fix: ${s.refusal!.fix}. Source: ${s.source ?? ""}`,
          s.refusal!.id,
          { urn: s.urn, type: s.type, name: s.name },
          physical(s.urn, s.type, s.name),
        ),
    );
}
