import assert from "node:assert/strict";
import { vaultAuditLogs } from "../../../policy/stack/vaultAuditLogs";
import { runStackPolicy } from "../../support/policyHarness";
import { guardedStack } from "../guardrailFixtures";
import { VAULT_NAME } from "../fixtures";

describe("kv-audit-logs-enabled", () => {
  it("passes a vault sending AuditEvent, or the audit category group, to a workspace", async () => {
    assert.deepEqual((await runStackPolicy(vaultAuditLogs, guardedStack())).messages, []);
    const group = guardedStack({
      over: { vaultLogs: { logs: [{ categoryGroup: "audit", enabled: true }] } },
    });
    assert.deepEqual((await runStackPolicy(vaultAuditLogs, group)).messages, []);
  });

  it("fails when the vault has no diagnostic setting", async () => {
    const r = await runStackPolicy(vaultAuditLogs, guardedStack({ omit: ["vaultLogs"] }));
    assert.deepEqual(r.messages, [
      `Key vault "${VAULT_NAME}" has no diagnostic setting sending AuditEvent to a destination: no one can see who used its keys.`,
    ]);
  });

  it("fails when the setting sends metrics only, or AuditEvent to no destination", async () => {
    for (const over of [{ logs: [] }, { workspaceId: undefined }]) {
      const r = await runStackPolicy(vaultAuditLogs, guardedStack({ over: { vaultLogs: over } }));
      assert.equal(r.messages.length, 1, JSON.stringify(over));
    }
  });
});
