import type { RecordedResource } from "../../preview/recorder";

/** The URN a resource of `type` named `name` gets under `parentUrn` (Pulumi's URN scheme). */
export function urnOf(
  stackAndProject: string,
  parentUrn: string | undefined,
  type: string,
  name: string,
): string {
  const qualified = parentUrn ? `${parentUrn.split("::")[2]}$${type}` : type;
  return `${stackAndProject}::${qualified}::${name}`;
}

/**
 * Every URN each registered resource answers to, as the Pulumi engine resolves aliases (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go `generateAliases`): its own URN, each alias spec (empty fields meaning "as
 * now"), and the same names and types under each URN its parent answers to (children inherit their parent's aliases). A resource of an earlier deployment whose URN is in this set is the same resource: the engine
 * updates it in place instead of deleting and creating it.
 */
export function urnsAnsweredTo(resources: readonly RecordedResource[]): Map<string, Set<string>> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const resolve = (r: RecordedResource): Set<string> => {
    const known = memo.get(r.urn);
    if (known) return known;
    const prefix = r.urn.split("::").slice(0, 2).join("::");
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const parentAliases = parent ? [...resolve(parent)].filter((u) => u !== r.parent) : [];
    const result = new Set<string>([r.urn]);
    for (const spec of [{}, ...r.aliases] as RecordedResource["aliases"]) {
      if (spec.urn) {
        result.add(spec.urn);
        continue;
      }
      // As the engine's stepGenerator.generateAliases: the spec under its own parent, then under each parent alias.
      const parents = [spec.noParent ? undefined : (spec.parentUrn ?? r.parent), ...parentAliases];
      for (const p of parents) {
        result.add(urnOf(prefix, p, spec.type ?? r.type, spec.name ?? r.name));
      }
    }
    memo.set(r.urn, result);
    return result;
  };
  return new Map(resources.map((r) => [r.urn, resolve(r)]));
}
