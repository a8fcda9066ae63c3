/**
 * Runs the offline preview CLI in a child process the way `npm run preview` does: compiled JavaScript from .build/
 * (scripts/compiled.js, with Error.stackTraceLimit = 0). Children are needed because Pulumi's runtime state is
 * process-global and tests/setup.ts has already installed mocks in the mocha process. The build is brought up to date
 * once per mocha process, before the first child, so no child transpiles anything.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiled = require("../../scripts/compiled") as {
  ensureBuilt(root: string, options?: { log?: (m: string) => void }): unknown;
};
let built = false;

/** `npm run preview -- <args>` in the repository, as a compiled child process. */
export function previewCli(...args: string[]): Promise<CliRun> {
  if (!built) {
    compiled.ensureBuilt(ROOT, { log: () => undefined });
    built = true;
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["scripts/compiled.js", "preview/cli", ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs jobs two at a time (CI machines have two cores) and returns their results by name. */
export async function previewCliRuns(jobs: [string, string[]][]): Promise<Record<string, CliRun>> {
  const runs: Record<string, CliRun> = {};
  for (let i = 0; i < jobs.length; i += 2) {
    const batch = jobs.slice(i, i + 2);
    const results = await Promise.all(batch.map(([, args]) => previewCli(...args)));
    batch.forEach(([name], j) => (runs[name] = results[j]!));
  }
  return runs;
}
