import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { parse } from "yaml";

export const REPO = path.resolve(__dirname, "../..");
/** Every stack of the repository, from the stack files (a new environment is picked up by every test that loops over it). */
export const STACKS: readonly string[] = readdirSync(path.join(REPO, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();

/**
 * Reads stacks/Pulumi.<env>.yaml and returns the project's config as the Pulumi runtime stores it: key without the
 * project prefix → string (arrays and objects as JSON).
 */
export function rawStackConfig(stack: string, project = "cmk-storage"): Record<string, string> {
  const doc = parse(readFileSync(path.join(REPO, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.config)) {
    if (!key.startsWith(`${project}:`)) continue;
    raw[key.slice(project.length + 1)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}
