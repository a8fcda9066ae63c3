#!/usr/bin/env node
/**
 * Runs the offline preview (and the bench) as compiled JavaScript, never stale.
 *
 *   node scripts/compiled.js <entry> [args...]     e.g. `node scripts/compiled.js preview/cli --stack prod`
 *
 * Before it runs anything, the build in `.build/` (git-ignored) is checked against the sources by content hash:
 * - preview/, stacks/, policy/, bench/ and components/ (whose helpers the preview imports) are transpiled file by file with the repository's TypeScript
 *   (`ts.transpileModule`, the compiler options of tsconfig.json; no type check, `npm test` type-checks with tsc); only
 *   files whose content changed are transpiled again, deleted sources lose their output, JSON files are copied;
 * - the component package (components/, which stacks/ imports by package name from components/bin) is rebuilt with
 *   its own `npm run build` (tsc with declarations) when its sources differ from those of the last build.
 * A cold build takes about a second; a warm check about 20 ms.
 *
 * Then it runs the entry with `Error.stackTraceLimit = 0`: the Pulumi runtime captures `new Error().stack` for every
 * promise it tracks (runtime/debuggable.js) and nothing reads those stacks unless PULUMI_DEBUG_PROMISE_LEAKS is set;
 * where Pulumi needs source positions (Resource.callsites) it raises the limit itself. `CMK_STACK_TRACE_LIMIT`
 * overrides it (e.g. 10 to debug a crash).
 *
 * `require("./scripts/compiled").ensureBuilt(root)` builds without running anything (the tests and the bench do).
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
const OUT = ".build";
/** Folders transpiled into .build/ (the component package has its own build). */
const SOURCE_DIRS = ["preview", "stacks", "policy", "bench", "components"];
const SKIP = new Set(["node_modules", "bin", ".build"]);

function walk(root, rel, files) {
  const dir = path.join(root, rel);
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const child = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) walk(root, child, files);
    else if (/\.(ts|json)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(child);
  }
  return files;
}

function hash(text) {
  return crypto.createHash("sha1").update(text).digest("hex");
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file and a rename, so concurrent builders never leave a half-written file. */
function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Rebuilds components/bin with the package's own build when its sources changed since the last build. */
function ensureComponentsBuilt(root, log) {
  const stampFile = path.join(root, OUT, "components.json");
  const files = walk(root, "components", []).filter(
    (f) => f.endsWith(".ts") || /components\/(package|tsconfig)\.json$/.test(f),
  );
  const sources = hash(
    files.map((f) => `${f}\0${fs.readFileSync(path.join(root, f), "utf8")}`).join("\0"),
  );
  const stamp = readJson(stampFile);
  const bin = path.join(root, "components", "bin", "index.js");
  if (fs.existsSync(bin)) {
    // Current when it was built from these sources, or (after `npm ci`/`npm run build`, which leave no stamp) when it is
    // newer than every source.
    const built = fs.statSync(bin).mtimeMs;
    if (
      stamp?.sources === sources ||
      files.every((f) => fs.statSync(path.join(root, f)).mtimeMs <= built)
    ) {
      if (stamp?.sources !== sources) writeAtomic(stampFile, JSON.stringify({ sources }));
      return false;
    }
  }
  log("building the component package (components/bin is older than its sources)");
  const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  // As the package's `npm run build` does: a clean bin/ (no output of deleted sources), then tsc.
  fs.rmSync(path.join(root, "components", "bin"), { recursive: true, force: true });
  const r = spawnSync(
    process.execPath,
    [tsc, "-p", path.join(root, "components", "tsconfig.json")],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`building components/ failed:\n${r.stdout}${r.stderr}`);
  writeAtomic(stampFile, JSON.stringify({ sources }));
  return true;
}

/**
 * Brings .build/ up to date with the sources. Returns what it did: the files transpiled and removed (empty when the
 * build was current).
 */
function ensureBuilt(root = ROOT, options = {}) {
  const log =
    options.log ??
    ((m) => process.stderr.isTTY && process.stderr.write(`\u001b[2m${m}\u001b[0m\n`));
  const componentsRebuilt = ensureComponentsBuilt(root, log);
  const ts = require(require.resolve("typescript", { paths: [root] }));
  const tsconfig = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
  if (tsconfig.error)
    throw new Error(ts.flattenDiagnosticMessageText(tsconfig.error.messageText, "\n"));
  const { options: compilerOptions } = ts.convertCompilerOptionsFromJson(
    tsconfig.config.compilerOptions,
    root,
  );
  Object.assign(compilerOptions, {
    sourceMap: false,
    inlineSourceMap: false,
    declaration: false,
    noEmit: false,
    isolatedModules: true,
  });
  const settings = hash(
    JSON.stringify({
      ts: ts.version,
      compilerOptions: tsconfig.config.compilerOptions,
      builder: fs.readFileSync(__filename, "utf8"),
    }),
  );

  const manifestFile = path.join(root, OUT, "manifest.json");
  const previous = readJson(manifestFile);
  const old = previous && previous.settings === settings ? previous.files : {};
  const files = {};
  const transpiled = [];
  for (const rel of SOURCE_DIRS.flatMap((d) => walk(root, d, []))) {
    const text = fs.readFileSync(path.join(root, rel), "utf8");
    const h = hash(text);
    files[rel] = h;
    const out = path.join(root, OUT, rel.replace(/\.ts$/, ".js"));
    if (old[rel] === h && fs.existsSync(out)) continue;
    if (rel.endsWith(".json")) {
      writeAtomic(out, text);
    } else {
      const r = ts.transpileModule(text, {
        compilerOptions,
        fileName: path.join(root, rel),
        reportDiagnostics: true,
      });
      const errors = (r.diagnostics ?? []).filter(
        (d) => d.category === ts.DiagnosticCategory.Error,
      );
      if (errors.length) {
        throw new Error(
          `${rel}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`,
        );
      }
      writeAtomic(out, r.outputText);
    }
    transpiled.push(rel);
  }
  const removed = Object.keys(previous?.files ?? {}).filter((rel) => !(rel in files));
  for (const rel of removed)
    fs.rmSync(path.join(root, OUT, rel.replace(/\.ts$/, ".js")), { force: true });
  if (transpiled.length || removed.length || !previous || previous.settings !== settings) {
    if (transpiled.length) log(`compiled ${transpiled.length} file(s) into ${OUT}/`);
    writeAtomic(manifestFile, JSON.stringify({ settings, files }, null, 1));
  }
  return { transpiled, removed, componentsRebuilt };
}

/** The compiled module of a source entry (`preview/cli` or `preview/cli.ts` → <root>/.build/preview/cli.js). */
function compiledPath(entry, root = ROOT) {
  return path.join(root, OUT, entry.replace(/\.ts$/, "").replace(/\.js$/, "") + ".js");
}

module.exports = { ensureBuilt, compiledPath, OUT };

if (require.main === module) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    process.stderr.write("usage: node scripts/compiled.js <entry, e.g. preview/cli> [args...]\n");
    process.exit(64);
  }
  try {
    ensureBuilt(ROOT);
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(3);
  }
  Error.stackTraceLimit =
    process.env.CMK_STACK_TRACE_LIMIT !== undefined ? Number(process.env.CMK_STACK_TRACE_LIMIT) : 0;
  process.argv = [process.argv[0], compiledPath(entry), ...args];
  require(compiledPath(entry));
}
