/**
 * Program load for a real run (`npm run bench`): what the Node.js language host does before the program's first
 * resource, reproduced from @pulumi/pulumi/cmd/run/run.js (3.248.0): with the project folder as working directory, it
 * reads ./tsconfig.json (PULUMI_NODEJS_TSCONFIG_PATH unset), sets ts-node's `transpileOnly` from
 * PULUMI_NODEJS_TRANSPILE_ONLY or else `compilerOptions.noCheck` (undefined here, which ts-node's option merge skips,
 * so the tsconfig's `"ts-node": { "transpileOnly": true }` section decides), registers ts-node with
 * target ES2020/module nodenext/sourceMap overridden by the tsconfig's compilerOptions, then requires `main`
 * (stacks/index.ts). Here the engine is replaced by mocks and the prod stack's config, and the time is taken when the
 * program module has loaded (its resources registered synchronously).
 *
 * Usage (cwd = repository root): node -r ./bench/usage.js bench/programLoad.js
 */
"use strict";
const path = require("path");
const fs = require("fs");

const root = process.cwd();
require(path.join(root, "scripts", "compiled.js")).ensureBuilt(root, { log: () => undefined });
const t0 = performance.now();
const ts = require(require.resolve("typescript", { paths: [root] }));
const tsConfigPath = "tsconfig.json";
const parsed = ts.readConfigFile(tsConfigPath, ts.sys.readFile).config ?? {};
const compilerOptions = parsed.compilerOptions ?? {};
let transpileOnly;
if (process.env.PULUMI_NODEJS_TRANSPILE_ONLY)
  transpileOnly = process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true";
else transpileOnly = compilerOptions.noCheck;
require(require.resolve("ts-node", { paths: [root] })).register({
  compiler: require.resolve("typescript", { paths: [root] }),
  transpileOnly,
  project: tsConfigPath,
  skipProject: !fs.existsSync(tsConfigPath),
  compilerOptions: {
    target: "ES2020",
    module: "nodenext",
    moduleResolution: "nodenext",
    sourceMap: "true",
    ...compilerOptions,
  },
});
const registered = performance.now();

const pulumi = require("@pulumi/pulumi");
// The ARM-like mocks of the offline preview (compiled by scripts/compiled.js, built before the clock starts), so outputs
// such as random suffixes resolve.
void pulumi.runtime.setMocks(
  require(path.join(root, ".build", "preview", "armState.js")).armMocks(),
  "cmk-storage",
  "prod",
  false,
);
const YAML = require("yaml");
const config = YAML.parse(
  fs.readFileSync(path.join(root, "stacks", "Pulumi.prod.yaml"), "utf8"),
).config;
pulumi.runtime.setAllConfig(
  Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  ),
);
const main = require(path.join(root, "package.json")).main;
require(path.join(root, main));
const loaded = performance.now();
globalThis.__cmkBenchMarks = {
  tsNodeRegisterMs: registered - t0,
  programLoadMs: loaded - t0,
  sinceProcessStartMs: loaded,
};
setImmediate(() => process.exit(0));
