import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyRepo } from "../support/repoCopy";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt, compiledPath } = require("../../scripts/compiled") as {
  ensureBuilt(
    root: string,
    options?: { log?: (m: string) => void },
  ): { transpiled: string[]; removed: string[]; componentsRebuilt: boolean };
  compiledPath(entry: string, root: string): string;
};

/** `npm run preview` runs compiled JavaScript from .build/ (scripts/compiled.js); the build follows the sources. */
describe("compiled preview build (scripts/compiled.js, in a copy of the repository)", function () {
  this.timeout(60_000);
  let dir: string;
  const quiet = { log: () => undefined };

  before(() => {
    dir = copyRepo("cmk-compiled-");
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("builds every source of preview/, stacks/, policy/, bench/ and components/ on first run, and leaves the component package's build alone while it is current", () => {
    const first = ensureBuilt(dir, quiet);
    assert.ok(
      first.transpiled.includes("preview/cli.ts") &&
        first.transpiled.includes("stacks/index.ts") &&
        first.transpiled.includes("policy/package.json"),
    );
    assert.equal(first.componentsRebuilt, false);
    assert.ok(fs.existsSync(compiledPath("preview/cli", dir)));
  });

  it("does nothing when no source changed", () => {
    assert.deepEqual(ensureBuilt(dir, quiet), {
      transpiled: [],
      removed: [],
      componentsRebuilt: false,
    });
  });

  it("transpiles exactly the changed source again, so the preview never runs stale code", () => {
    const file = path.join(dir, "stacks", "config.ts");
    fs.appendFileSync(file, "\nexport const BUILD_PROBE = 42;\n");
    assert.deepEqual(ensureBuilt(dir, quiet).transpiled, ["stacks/config.ts"]);
    assert.match(fs.readFileSync(compiledPath("stacks/config", dir), "utf8"), /BUILD_PROBE = 42/);
  });

  it("removes the output of a deleted source", () => {
    fs.writeFileSync(path.join(dir, "preview", "probe.ts"), "export const probe = 1;\n");
    assert.deepEqual(ensureBuilt(dir, quiet).transpiled, ["preview/probe.ts"]);
    fs.rmSync(path.join(dir, "preview", "probe.ts"));
    assert.deepEqual(ensureBuilt(dir, quiet).removed, ["preview/probe.ts"]);
    assert.equal(fs.existsSync(compiledPath("preview/probe", dir)), false);
  });
});
