import assert from "node:assert/strict";
import { storageBlobSoftDelete } from "../../../policy/stack/storageBlobSoftDelete";
import { runStackPolicy } from "../../support/policyHarness";
import { guardedStack } from "../guardrailFixtures";

describe(storageBlobSoftDelete.name, () => {
  it("passes an account whose blob service properties turn blob soft delete on", async () => {
    assert.deepEqual((await runStackPolicy(storageBlobSoftDelete, guardedStack())).messages, []);
  });

  it("fails when blob soft delete is turned off", async () => {
    const r = await runStackPolicy(
      storageBlobSoftDelete,
      guardedStack({ over: { blobService: { deleteRetentionPolicy: { enabled: false } } } }),
    );
    assert.deepEqual(r.messages, [
      'Storage account "stcmkdev" has blob soft delete turned off in its blob service properties.',
    ]);
  });

  it("fails when the account has no blob service properties at all (Azure's defaults are off)", async () => {
    const r = await runStackPolicy(storageBlobSoftDelete, guardedStack({ omit: ["blobService"] }));
    assert.deepEqual(r.messages, [
      `Storage account "stcmkdev" has no blob service properties, so blob soft delete is off (Azure's default).`,
    ]);
  });
});
