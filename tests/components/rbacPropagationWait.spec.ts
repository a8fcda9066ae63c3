import * as assert from "node:assert/strict";
import { rbacPropagationWaitProvider } from "../../components/rbacPropagationWait";

describe("RbacPropagationWait provider", () => {
  it("waits the configured seconds once when the grant is created", async () => {
    const waits: number[] = [];
    const provider = rbacPropagationWaitProvider(async (ms) => {
      waits.push(ms);
    });
    const result = await provider.create!({ grantId: "/subscriptions/s/ra/1", seconds: 45 });
    assert.deepEqual(waits, [45000]);
    assert.equal(result.id, "rbac-wait-/subscriptions/s/ra/1");
  });

  it("reports no change (and so no wait) while the grant id is unchanged", async () => {
    const diff = await rbacPropagationWaitProvider().diff!("id", { grantId: "a", seconds: 60 }, { grantId: "a", seconds: 60 });
    assert.deepEqual(diff, { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("replaces itself, and so waits again, when the grant is replaced", async () => {
    const diff = await rbacPropagationWaitProvider().diff!("id", { grantId: "a", seconds: 60 }, { grantId: "b", seconds: 60 });
    assert.deepEqual(diff.replaces, ["grantId"]);
    assert.equal(diff.changes, true);
  });

  it("updates in place without waiting when only the duration changes", async () => {
    const waits: number[] = [];
    const provider = rbacPropagationWaitProvider(async (ms) => {
      waits.push(ms);
    });
    const diff = await provider.diff!("id", { grantId: "a", seconds: 60 }, { grantId: "a", seconds: 30 });
    assert.deepEqual(diff.replaces, []);
    await provider.update!("id", { grantId: "a", seconds: 60 }, { grantId: "a", seconds: 30 });
    assert.deepEqual(waits, []);
  });
});

describe("RbacPropagationWait resource", () => {
  it("exposes the grant id and wait as outputs (declared fields keep the values super() set)", async () => {
    // Imported here so the mocks from tests/setup.ts are already installed.
    const { RbacPropagationWait } = await import("../../components/rbacPropagationWait");
    const { promiseOf, settled } = await import("../support/mocks");
    const wait = new RbacPropagationWait("w", { grantId: "/subscriptions/s/ra/1", seconds: 5 });
    assert.deepEqual(await Promise.all([promiseOf(wait.grantId), promiseOf(wait.seconds)]), ["/subscriptions/s/ra/1", 5]);
    await settled();
  });
});
