import * as assert from "node:assert/strict";
import { hosting } from "../../components/hosting";

describe("hosting", () => {
  it("recognises the Node.js plugin launcher that hosts the components for other languages", () => {
    for (const entry of [
      "/home/ci/app/node_modules/@pulumi/pulumi/cmd/run-plugin/index.js",
      "/home/ci/app/node_modules/@pulumi/pulumi/cmd/run-plugin",
      "C:\\app\\node_modules\\@pulumi\\pulumi\\cmd\\run-plugin\\index.js",
      "/repo/node_modules/.pnpm/@pulumi+pulumi@3.248.0/node_modules/@pulumi/pulumi/cmd/run-plugin/index.js",
    ]) {
      assert.equal(hosting.isComponentProviderHost(entry), true, entry);
    }
  });

  it("treats a TypeScript or JavaScript program, and test runners, as the program's own process", () => {
    for (const entry of [
      "/home/ci/app/node_modules/@pulumi/pulumi/cmd/run/index.js",
      "/home/ci/app/node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js",
      "/repo/node_modules/mocha/bin/mocha.js",
      "",
    ]) {
      assert.equal(hosting.isComponentProviderHost(entry), false, entry);
    }
    assert.equal(hosting.isComponentProviderHost(), false, "this test process");
  });
});
