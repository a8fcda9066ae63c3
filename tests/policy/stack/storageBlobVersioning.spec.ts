import assert from "node:assert/strict";
import { storageBlobVersioning } from "../../../policy/stack/storageBlobVersioning";
import { runStackPolicy } from "../../support/policyHarness";
import { guardedStack } from "../guardrailFixtures";

describe(storageBlobVersioning.name, () => {
  it("passes an account whose blob service properties turn blob versioning on", async () => {
    assert.deepEqual((await runStackPolicy(storageBlobVersioning, guardedStack())).messages, []);
  });

  it("fails when blob versioning is turned off", async () => {
    const r = await runStackPolicy(
      storageBlobVersioning,
      guardedStack({ over: { blobService: { isVersioningEnabled: false } } }),
    );
    assert.deepEqual(r.messages, [
      'Storage account "stcmkdev" has blob versioning turned off in its blob service properties.',
    ]);
  });

  it("fails when the account has no blob service properties at all (Azure's defaults are off)", async () => {
    const r = await runStackPolicy(storageBlobVersioning, guardedStack({ omit: ["blobService"] }));
    assert.deepEqual(r.messages, [
      `Storage account "stcmkdev" has no blob service properties, so blob versioning is off (Azure's default).`,
    ]);
  });
});
