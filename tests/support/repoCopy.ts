/**
 * A throw-away copy of the repository for tests that add or remove files (a new environment, a missing policy
 * config): sources copied to a temporary folder, node_modules linked to the repository's.
 */
import { type ExecFileException, execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "../..");

/** What the preview and its program need; everything else (tests, docs, .git) stays behind. */
const COPIED = [
  "Pulumi.yaml",
  "package.json",
  "tsconfig.json",
  "components",
  "stacks",
  "policy",
  "preview",
  "scripts",
];

/**
 * Copies the sources to a temporary folder. `install: false` (default) links the repository's node_modules; `true` also
 * copies package-lock.json and leaves node_modules for the test to install.
 */
export function copyRepo(prefix: string, options: { install?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const entry of options.install ? [...COPIED, "package-lock.json"] : COPIED) {
    fs.cpSync(path.join(REPO, entry), path.join(dir, entry), {
      recursive: true,
      // Builds stay newer than their sources, as scripts/compiled.js checks (no rebuild of components/bin in a copy).
      preserveTimestamps: true,
      filter: (src) => path.basename(src) !== "node_modules",
    });
  }
  if (!options.install) {
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
  }
  return dir;
}

/**
 * Lays out in `dir` the node_modules tree that `npm ci --omit=dev` installs from `dir`'s package-lock.json, without
 * downloading or extracting anything: every lock entry under node_modules/ that is not dev-only (`dev`, or
 * `devOptional` and not needed otherwise) at the path the lock gives it, its files hard-linked from the repository's
 * own install of the same lockfile (copied when the temp folder is on another file system), workspace entries as the
 * symlinks npm creates. Nested node_modules come from their own lock entries, so nothing the lock leaves out (mocha, a
 * dev-only transitive dependency) is reachable from the copy; modules resolve from the copy's real paths. Optional
 * entries the repository's install skipped (other platforms) are skipped too. Returns the paths laid out.
 */
export function layOutProductionTree(dir: string): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")) as {
    packages: Record<
      string,
      { dev?: boolean; devOptional?: boolean; link?: boolean; resolved?: string }
    >;
  };
  const laid: string[] = [];
  const linkTree = (from: string, to: string): void => {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      if (entry.name === "node_modules") continue;
      const src = path.join(from, entry.name);
      const dst = path.join(to, entry.name);
      if (entry.isDirectory()) linkTree(src, dst);
      else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dst);
      else {
        try {
          fs.linkSync(src, dst);
        } catch {
          fs.copyFileSync(src, dst);
        }
      }
    }
  };
  for (const [key, meta] of Object.entries(lock.packages)) {
    if (!key.startsWith("node_modules/") || meta.dev || meta.devOptional) continue;
    const target = path.join(dir, key);
    if (meta.link) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(
        path.relative(path.dirname(target), path.join(dir, meta.resolved!)),
        target,
        "dir",
      );
    } else {
      const source = path.join(REPO, key);
      if (!fs.existsSync(source)) continue;
      linkTree(source, target);
    }
    laid.push(key);
  }
  return laid;
}

export interface ShellRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a shell script with bash in `cwd`, without the `npm_*` variables of an enclosing `npm test`. */
export function sh(script: string, cwd: string): Promise<ShellRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-euo", "pipefail", "-c", script],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (err: ExecFileException | null, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** The body of the first fenced block of `lang` after the Markdown heading `heading` in `file`. */
export function fencedBlockAfter(file: string, heading: string, lang = "sh"): string {
  const text = fs.readFileSync(file, "utf8");
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${path.basename(file)} has no heading "${heading}"`);
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(text.slice(at));
  if (!m) throw new Error(`no \`\`\`${lang} block after "${heading}" in ${path.basename(file)}`);
  return m[1];
}
