/** The object entries of a list input (anything else, a hand-edited `--previous` file's included, is no list). */
export type Entry = { category?: unknown; categoryGroup?: unknown; enabled?: unknown };
export const entries = (v: unknown): Entry[] =>
  Array.isArray(v)
    ? (v as unknown[]).filter((e): e is Entry => e !== null && typeof e === "object")
    : [];

/** One private-link connection of an endpoint. */
export interface Connection {
  privateLinkServiceId?: unknown;
  groupIds?: unknown;
  name?: unknown;
}

/** Every connection of an endpoint (automatic and manual approval); entries that are not objects are skipped. */
export function connectionsOf(p: { inputs: Record<string, any> }): Connection[] {
  const list = (key: string): Connection[] =>
    Array.isArray(p.inputs[key])
      ? (p.inputs[key] as unknown[]).filter(
          (c): c is Connection => c !== null && typeof c === "object",
        )
      : [];
  return [...list("privateLinkServiceConnections"), ...list("manualPrivateLinkServiceConnections")];
}
