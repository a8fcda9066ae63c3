/**
 * The pack as `pulumi policy publish` and organisation enforcement see it: policy/ copied alone to a folder outside
 * the repository, installed from its own package.json, and started through its own
 * @pulumi/pulumi/cmd/run-policy-pack (ts-node with type checking, the pack's TypeScript, nodenext), then asked for
 * its policies over gRPC like the Pulumi CLI does.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACK_NAME } from "../../policy/lib/constants";
import { policies } from "../../policy/policies";
import {
  type FailedPack,
  POLICY_DIR,
  type RunningPack,
  analyzerInfo,
  copyPack,
  installPackInBackground,
  isRunning,
  startPack,
} from "../support/standalonePack";

describe("policy pack installed on its own", function () {
  // npm install from the cache (~15 s) and a type-checked load of azure-native's typings (~10 s).
  this.timeout(240_000);
  const dir = copyPack();
  // Started while mocha loads this file, so the install overlaps the specs before this one.
  const installed = installPackInBackground(dir);
  installed.catch(() => undefined);
  const running: RunningPack[] = [];
  // The three loads (the installed copy, the repository's policy/, a copy with a type error) each type-check the pack
  // for about 3 s; they start together once the install is done and the tests read their outcomes.
  const broken = path.join(path.dirname(dir), `${path.basename(dir)}-type-error`);
  let loads: {
    copy: RunningPack | FailedPack;
    repo: RunningPack | FailedPack;
    typeError: RunningPack | FailedPack;
  };

  const start = async (from: string): Promise<RunningPack | FailedPack> => {
    const p = await startPack(from);
    if (isRunning(p)) running.push(p);
    return p;
  };

  before(async function () {
    await installed;
    // The same pack sources with one type error added, using the copy's install (a symlinked node_modules).
    fs.cpSync(dir, broken, {
      recursive: true,
      filter: (src) => path.basename(src) !== "node_modules" || path.dirname(src) !== dir,
    });
    fs.symlinkSync(path.join(dir, "node_modules"), path.join(broken, "node_modules"), "dir");
    fs.appendFileSync(
      path.join(broken, "lib", "text.ts"),
      `\nexport const notANumber: number = "forty-two";\n`,
    );
    const [copy, repo, typeError] = await Promise.all([
      start(dir),
      start(POLICY_DIR),
      start(broken),
    ]);
    loads = { copy: copy, repo: repo, typeError: typeError };
  });

  after(function () {
    for (const p of running.splice(0)) p.child.kill();
    fs.rmSync(broken, { recursive: true, force: true });
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("installs TypeScript 5.9 and ts-node beside its own @pulumi/pulumi, so the loader needs neither the repository nor its bundled TypeScript 3.8.3", function () {
    assert.ok(
      path.relative(path.resolve(__dirname, "../.."), dir).startsWith(".."),
      "the copy is outside the repository",
    );
    const version = (pkg: string): string =>
      JSON.parse(fs.readFileSync(path.join(dir, "node_modules", pkg, "package.json"), "utf8"))
        .version;
    assert.match(version("typescript"), /^5\.9\./);
    assert.match(version("ts-node"), /^10\./);
    assert.equal(version("@pulumi/pulumi"), "3.248.0");
    assert.ok(
      !fs.existsSync(path.join(dir, "lib", "engine.ts")),
      "the offline engine is not part of the pack",
    );
  });

  it("loads through run-policy-pack with type checking and serves every policy of policy/policies.ts under its name and version", async function () {
    const p = loads.copy;
    assert.ok(isRunning(p), `the pack did not start:\n${(p as FailedPack).stderr}`);
    const info = await analyzerInfo(dir, p.port);
    assert.equal(info.name, PACK_NAME);
    assert.equal(
      info.version,
      JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version,
    );
    assert.deepEqual(
      info.policies.map((x) => x.name),
      policies.map((x) => x.name),
    );
    assert.equal(p.stderr(), "", "the pack prints nothing on stderr while loading");
  });

  it("loads the same way from the repository's policy/ (the workflow's policyPacks: policy), with the workspace's hoisted install", async function () {
    const p = loads.repo;
    assert.ok(isRunning(p), `the pack did not start:\n${(p as FailedPack).stderr}`);
    const info = await analyzerInfo(POLICY_DIR, p.port);
    assert.deepEqual(
      info.policies.map((x) => x.name),
      policies.map((x) => x.name),
    );
  });

  it("fails when a pack file has a type error, because the loader type-checks rather than only transpiling", async function () {
    const p = loads.typeError;
    assert.ok(!isRunning(p), "the pack must not start with a type error");
    assert.notEqual(p.code, 0);
    assert.match(p.stderr, /TS2322: Type 'string' is not assignable to type 'number'/);
    assert.match(p.stderr, /lib\/text\.ts/);
  });
});

describe("policy pack sources", () => {
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) =>
        e.name === "node_modules"
          ? []
          : e.isDirectory()
            ? files(path.join(dir, e.name))
            : e.name.endsWith(".ts")
              ? [path.join(dir, e.name)]
              : [],
      );
  const declared = Object.keys(
    (
      JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      }
    ).dependencies,
  );
  const imports = files(POLICY_DIR).flatMap((file) =>
    [
      ...fs
        .readFileSync(file, "utf8")
        .matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)"([^"]+)"/g),
    ].map((m) => ({ file: path.relative(POLICY_DIR, file), spec: m[1] })),
  );

  it("import only files inside policy/ and packages policy/package.json declares, never the internal @pulumi/policy/proxy", () => {
    assert.ok(imports.length > 50, "the scan sees the pack's imports");
    for (const { file, spec } of imports) {
      if (spec.startsWith(".")) {
        const target = path.resolve(POLICY_DIR, path.dirname(file), spec);
        assert.ok(
          !path.relative(POLICY_DIR, target).startsWith(".."),
          `${file} imports ${spec}, outside policy/`,
        );
        continue;
      }
      assert.notEqual(
        spec,
        "@pulumi/policy/proxy",
        `${file} imports the internal @pulumi/policy/proxy`,
      );
      const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      assert.ok(
        declared.includes(pkg) || spec.startsWith("node:"),
        `${file} imports ${spec}, which policy/package.json does not declare`,
      );
    }
  });
});
