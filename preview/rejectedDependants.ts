/**
 * When the simulated Azure rejects a registration, the resources that need its outputs are never registered, so the
 * comparison with `--previous` would show them as deleted. This turns such a delete back into "not compared": the
 * resource of the earlier deployment depends (directly or through other unregistered resources) on a rejected one.
 * Deletes with no such dependency stay deletes.
 */
import type { DiffResult, PreviousDeployment } from "./diff";

export function withoutRejectedDependants(
  diff: DiffResult,
  previous: PreviousDeployment,
  rejectedUrns: ReadonlySet<string>,
): DiffResult {
  if (rejectedUrns.size === 0) return diff;
  const deps = new Map(previous.resources.map((r) => [r.urn, r.dependencies ?? []]));
  const deleted = new Set(diff.steps.filter((s) => s.op === "delete").map((s) => s.urn));
  const blockedBy = new Map<string, string>();
  const cause = (urn: string, seen: Set<string>): string | undefined => {
    if (blockedBy.has(urn)) return blockedBy.get(urn);
    if (seen.has(urn)) return undefined;
    seen.add(urn);
    for (const d of deps.get(urn) ?? []) {
      if (rejectedUrns.has(d)) return d;
      if (deleted.has(d)) {
        const via = cause(d, seen);
        if (via) return via;
      }
    }
    return undefined;
  };
  const steps = diff.steps.map((s) => {
    if (s.op !== "delete") return s;
    const by = cause(s.urn, new Set());
    if (!by) return s;
    blockedBy.set(s.urn, by);
    return {
      ...s,
      op: "same" as const,
      cause: `not registered in this run: it depends on ${by.split("::").pop()}, which the simulated Azure rejected (not counted as a delete)`,
    };
  });
  const counts = { ...diff.counts };
  for (const s of diff.steps) counts[s.op]--;
  for (const s of steps) counts[s.op]++;
  return { ...diff, steps, counts };
}
