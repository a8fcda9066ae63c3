import * as fs from "fs";
import * as path from "path";

/**
 * The repository root seen from `dir` (stacks/, or .build/stacks/ when compiled): the nearest folder above it with
 * Pulumi.yaml and stacks/fleet; the folder above `dir` when there is none.
 */
export function projectRoot(dir: string): string {
  for (let d = path.resolve(dir, ".."); ; d = path.dirname(d)) {
    if (
      fs.existsSync(path.join(d, "Pulumi.yaml")) &&
      fs.existsSync(path.join(d, "stacks", "fleet"))
    ) {
      return d;
    }
    if (path.dirname(d) === d) return path.resolve(dir, "..");
  }
}
