/**
 * The deploy job's install (`npm ci --omit=dev`, .github/workflows/ci.yml) in a copy of the repository, then the
 * program started the way Pulumi's Node.js language host starts a TypeScript program (@pulumi/pulumi/cmd/run/run.js:
 * `typescript` and `ts-node` resolved beside @pulumi/pulumi, else its bundled TypeScript 3.8.3 and ts-node 7.0.1;
 * ts-node registered with the project's tsconfig.json; transpile-only from PULUMI_NODEJS_TRANSPILE_ONLY or
 * `compilerOptions.noCheck`, else the tsconfig's `ts-node` section). The program then runs under the offline preview's
 * mocks for the dev stack, so every module `pulumi up` loads is loaded from the production install.
 *
 * The install itself: npm checks that `npm ci --omit=dev` accepts the copy's package.json and lockfile (`--dry-run`),
 * and the tree it would install is laid out from the lockfile with files hard-linked from the repository's install
 * (layOutProductionTree), instead of extracting 330 MB again (27 s on the 2-core machine, most of `npm test`).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyRepo, layOutProductionTree, sh } from "../support/repoCopy";

/** Registers ts-node exactly as run.js does (PULUMI_NODEJS_TYPESCRIPT=true), reports what it used, runs the preview. */
const HOST = `
const path = require("path");
const tsutils = require(path.resolve("node_modules/@pulumi/pulumi/tsutils"));
const fs = require("fs");
const tsConfigPath = "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const transpileOnly = env ? env === "true" : compilerOptions.noCheck;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({ compiler: typescriptRequire, transpileOnly, project: tsConfigPath, skipProject: !fs.existsSync(tsConfigPath), compilerOptions: {} });
process.stderr.write("HOST " + JSON.stringify({ tsnodeRequire, typescriptRequire, typescript: require(typescriptRequire).version }) + "\\n");
process.argv = [process.argv[0], "preview/cli.ts", "--stack", "dev", "--json"];
require(path.resolve("preview/cli.ts"));
`;

describe("production install (npm ci --omit=dev) for pulumi up", function () {
  this.timeout(240_000);
  let dir: string;

  before(async () => {
    dir = copyRepo("cmk-prod-install-", { install: true });
    const r = await sh(
      "npm ci --omit=dev --dry-run --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error",
      dir,
    );
    assert.equal(
      r.code,
      0,
      `npm ci --omit=dev refuses the copy's package.json and lockfile:\n${r.stderr}`,
    );
    layOutProductionTree(dir);
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("leaves out the dev tools (mocha, @types/mocha) but keeps typescript and ts-node", () => {
    const has = (pkg: string): boolean =>
      fs.existsSync(path.join(dir, "node_modules", pkg, "package.json"));
    assert.equal(has("mocha"), false);
    assert.equal(has("@types/mocha"), false);
    assert.equal(has("typescript"), true);
    assert.equal(has("ts-node"), true);
  });

  it("starts the program with the installed TypeScript 5.9 and ts-node, not Pulumi's bundled 3.8.3, and it runs", async () => {
    fs.writeFileSync(path.join(dir, "host.js"), HOST);
    const r = await sh("node host.js", dir);
    const host = JSON.parse(/^HOST (.*)$/m.exec(r.stderr)?.[1] ?? "null") as {
      tsnodeRequire: string;
      typescriptRequire: string;
      typescript: string;
    } | null;
    assert.ok(host, r.stderr);
    assert.equal(host.typescriptRequire, "typescript");
    assert.equal(host.tsnodeRequire, "ts-node");
    assert.match(host.typescript, /^5\.9\./);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { status: string; resources: unknown[] };
    assert.equal(doc.status, "ok");
    assert.equal(
      doc.resources.length,
      31,
      "the dev stack: platform, three teams (each with its blob service properties), the ledger team's access-key rotation",
    );
  });

  it("fails when typescript is missing (a devDependency under --omit=dev): the host's bundled TypeScript 3.8.3 rejects the tsconfig", async () => {
    fs.renameSync(
      path.join(dir, "node_modules", "typescript"),
      path.join(dir, "node_modules", "typescript-hidden"),
    );
    try {
      const r = await sh("node host.js", dir);
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        /error TS6046: Argument for '--target' option must be: 'es3', .*'es2020', 'esnext'\./,
      );
      assert.doesNotMatch(r.stderr, /^HOST /m, "the program never starts");
    } finally {
      fs.renameSync(
        path.join(dir, "node_modules", "typescript-hidden"),
        path.join(dir, "node_modules", "typescript"),
      );
    }
  });
});
