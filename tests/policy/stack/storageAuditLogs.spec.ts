import assert from "node:assert/strict";
import { storageAuditLogs } from "../../../policy/stack/storageAuditLogs";
import { runStackPolicy } from "../../support/policyHarness";
import { ACCOUNT_ID, guardedStack } from "../guardrailFixtures";

describe("storage-audit-logs-enabled", () => {
  it("passes an account whose blob service sends StorageRead, StorageWrite and StorageDelete (or allLogs)", async () => {
    assert.deepEqual((await runStackPolicy(storageAuditLogs, guardedStack())).messages, []);
    const all = guardedStack({
      over: { blobLogs: { logs: [{ categoryGroup: "allLogs", enabled: true }] } },
    });
    assert.deepEqual((await runStackPolicy(storageAuditLogs, all)).messages, []);
  });

  it("fails when the account has no blob service logs", async () => {
    const r = await runStackPolicy(storageAuditLogs, guardedStack({ omit: ["blobLogs"] }));
    assert.deepEqual(r.messages, [
      'Storage account "stcmkdev" does not log StorageRead, StorageWrite, StorageDelete of its blob service to any destination: reads, writes and deletes of its data are not recorded.',
    ]);
  });

  it("fails when the only setting is on the account itself (which has metrics only), naming what is missing", async () => {
    const r = await runStackPolicy(
      storageAuditLogs,
      guardedStack({ over: { blobLogs: { resourceUri: ACCOUNT_ID } } }),
    );
    assert.equal(r.messages.length, 1);
    const partial = await runStackPolicy(
      storageAuditLogs,
      guardedStack({ over: { blobLogs: { logs: [{ category: "StorageWrite", enabled: true }] } } }),
    );
    assert.match(
      partial.messages[0] ?? "",
      /does not log StorageRead, StorageDelete of its blob service/,
    );
  });
});
