import * as rpc from "@pulumi/pulumi/runtime/rpc";

/**
 * Pulumi marks secret values in deserialized properties as `{ [specialSigKey]: specialSecretSig, value }`. Azure sees
 * the plain value, so the simulated Azure and the policies must judge that; the rendered output must not show it.
 */
function isSecret(value: unknown): value is { value: unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig
  );
}

/** The properties with every secret replaced by its value, and the property paths (`a.b[0]`) that were secret. */
export function revealSecrets(
  value: unknown,
  path = "",
  paths: string[] = [],
): { value: unknown; paths: string[] } {
  if (isSecret(value)) {
    paths.push(path);
    return { value: revealSecrets(value.value, path, []).value, paths };
  }
  if (Array.isArray(value)) {
    return { value: value.map((v, i) => revealSecrets(v, `${path}[${i}]`, paths).value), paths };
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = revealSecrets(v, path ? `${path}.${k}` : k, paths).value;
    }
    return { value: out, paths };
  }
  return { value, paths };
}

/** A copy of `value` with the values at `paths` replaced by "[secret]", as `pulumi preview` shows them. */
export function maskSecrets(
  value: unknown,
  paths: readonly string[] | undefined,
  path = "",
): unknown {
  if (!paths || paths.length === 0) return value;
  if (paths.includes(path) && path !== "") return "[secret]";
  if (Array.isArray(value)) return value.map((v, i) => maskSecrets(v, paths, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        maskSecrets(v, paths, path ? `${path}.${k}` : k),
      ]),
    );
  }
  return value;
}
