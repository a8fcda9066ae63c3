import { strict as assert } from "node:assert";
import { armMocks } from "../../preview/armState";
import {
  resolveStackReference,
  STACK_REFERENCE_TYPE,
  withStackReferences,
} from "../../preview/stackReferences";

/** StackReference answers of the offline preview (preview/stackReferences.ts). */

const KNOWN = { "platform-weu": { location: "westeurope", keys: { storage: { keyName: "k" } } } };

describe("offline preview StackReferences (preview/stackReferences.ts)", () => {
  it("resolves a reference by its full name or by its stack name within this project", () => {
    assert.deepEqual(resolveStackReference("acme/cmk-storage/platform-weu", KNOWN, "cmk-storage"), {
      outputs: KNOWN["platform-weu"],
    });
    assert.deepEqual(resolveStackReference("platform-weu", KNOWN, "cmk-storage"), {
      outputs: KNOWN["platform-weu"],
    });
    const full = { "acme/other/platform-weu": { a: 1 } };
    assert.deepEqual(resolveStackReference("acme/other/platform-weu", full, "cmk-storage"), {
      outputs: { a: 1 },
    });
  });

  it("fails when the stack is unknown, naming cmk-storage:platformStack, the stacks known and the fix", () => {
    const r = resolveStackReference("acme/cmk-storage/platform-neu", KNOWN, "cmk-storage");
    assert.ok("error" in r);
    assert.match(
      r.error,
      /^StackReference "acme\/cmk-storage\/platform-neu" \(cmk-storage:platformStack\)/,
    );
    assert.match(r.error, /stacks with outputs: platform-weu\. Fix: set cmk-storage:platformStack/);
  });

  it("fails when the reference names another project, even if a stack of that name is known", () => {
    const r = resolveStackReference("acme/billing/platform-weu", KNOWN, "cmk-storage");
    assert.ok("error" in r);
    assert.match(r.error, /project "billing" is not this project, "cmk-storage"/);
  });

  it("answers StackReference reads with the outputs and every other resource like ARM", async () => {
    const mocks = withStackReferences(armMocks(), KNOWN, "cmk-storage");
    const ref = await mocks.newResource({
      type: STACK_REFERENCE_TYPE,
      name: "platform",
      inputs: { name: "acme/cmk-storage/platform-weu" },
      custom: true,
      id: "acme/cmk-storage/platform-weu",
    });
    assert.deepEqual(ref, {
      id: "acme/cmk-storage/platform-weu",
      state: {
        name: "acme/cmk-storage/platform-weu",
        outputs: KNOWN["platform-weu"],
        secretOutputNames: [],
      },
    });
    const rg = await mocks.newResource({
      type: "azure-native:resources:ResourceGroup",
      name: "rg",
      inputs: { resourceGroupName: "rg-x" },
      custom: true,
    });
    assert.match(String(rg.id), /\/resourceGroups\/rg-x$/);
  });
});
