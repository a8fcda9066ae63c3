import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";

export const STACKS = ["dev", "staging", "prod"] as const;
export const REPO = path.resolve(__dirname, "../..");

/**
 * Reads stacks/Pulumi.<env>.yaml and returns the project's config as the Pulumi runtime stores it: key without the
 * project prefix → string (arrays and objects as JSON).
 */
export function rawStackConfig(stack: string, project = "cmk-storage"): Record<string, string> {
  const doc = parse(readFileSync(path.join(REPO, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.config)) {
    if (!key.startsWith(`${project}:`)) continue;
    raw[key.slice(project.length + 1)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}
