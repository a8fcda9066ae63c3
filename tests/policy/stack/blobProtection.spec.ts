import assert from "node:assert/strict";
import { storageBlobSoftDelete } from "../../../policy/stack/storageBlobSoftDelete";
import { storageContainerSoftDelete } from "../../../policy/stack/storageContainerSoftDelete";
import { storageBlobVersioning } from "../../../policy/stack/storageBlobVersioning";
import { runStackPolicy } from "../../support/policyHarness";
import { guardedStack } from "../guardrailFixtures";

/** The three blob data-protection policies (policy/stack/storage{BlobSoftDelete,ContainerSoftDelete,BlobVersioning}.ts). */
const CASES = [
  [storageBlobSoftDelete, { deleteRetentionPolicy: { enabled: false } }, "blob soft delete"],
  [
    storageContainerSoftDelete,
    { containerDeleteRetentionPolicy: { enabled: false } },
    "container soft delete",
  ],
  [storageBlobVersioning, { isVersioningEnabled: false }, "blob versioning"],
] as const;

for (const [policy, off, what] of CASES) {
  describe(policy.name, () => {
    it(`passes an account whose blob service properties turn ${what} on`, async () => {
      assert.deepEqual((await runStackPolicy(policy, guardedStack())).messages, []);
    });

    it(`fails when ${what} is turned off`, async () => {
      const r = await runStackPolicy(policy, guardedStack({ over: { blobService: off } }));
      assert.deepEqual(r.messages, [
        `Storage account "stcmkdev" has ${what} turned off in its blob service properties.`,
      ]);
    });

    it("fails when the account has no blob service properties at all (Azure's defaults are off)", async () => {
      const r = await runStackPolicy(policy, guardedStack({ omit: ["blobService"] }));
      assert.deepEqual(r.messages, [
        `Storage account "stcmkdev" has no blob service properties, so ${what} is off (Azure's default).`,
      ]);
    });
  });
}
