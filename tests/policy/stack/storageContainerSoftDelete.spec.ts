import assert from "node:assert/strict";
import { storageContainerSoftDelete } from "../../../policy/stack/storageContainerSoftDelete";
import { runStackPolicy } from "../../support/policyHarness";
import { guardedStack } from "../guardrailFixtures";

describe(storageContainerSoftDelete.name, () => {
  it("passes an account whose blob service properties turn container soft delete on", async () => {
    assert.deepEqual(
      (await runStackPolicy(storageContainerSoftDelete, guardedStack())).messages,
      [],
    );
  });

  it("fails when container soft delete is turned off", async () => {
    const r = await runStackPolicy(
      storageContainerSoftDelete,
      guardedStack({
        over: { blobService: { containerDeleteRetentionPolicy: { enabled: false } } },
      }),
    );
    assert.deepEqual(r.messages, [
      'Storage account "stcmkdev" has container soft delete turned off in its blob service properties.',
    ]);
  });

  it("fails when the account has no blob service properties at all (Azure's defaults are off)", async () => {
    const r = await runStackPolicy(
      storageContainerSoftDelete,
      guardedStack({ omit: ["blobService"] }),
    );
    assert.deepEqual(r.messages, [
      `Storage account "stcmkdev" has no blob service properties, so container soft delete is off (Azure's default).`,
    ]);
  });
});
