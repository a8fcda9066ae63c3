import { strict as assert } from "node:assert";
import { accepts, pending, rejects, withAccount } from "../../support/storageWorld";
import { T, type PendingResource } from "../../../preview/simulatedAzure";
import { LOCK_RULES } from "../../../preview/rules/locks";

/** Pure-function tests of the lock family; ScopeLocked on delete is tested in tests/preview/guardrailFindings.spec.ts. */

const lock = (over: Record<string, any> = {}): PendingResource =>
  pending(T.lockByScope, "lock", {
    scope:
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdata01",
    lockName: "stdata01-cannot-delete",
    level: "CanNotDelete",
    ...over,
  });

describe("simulated Azure: management locks (preview/rules/locks.ts)", () => {
  it("registers every rule with a source", () => {
    for (const r of LOCK_RULES) assert.match(r.source, /\w{8,}/, r.id);
  });

  describe("lock-level-invalid", () => {
    it("fails when the level is NotSpecified or missing", () => {
      for (const level of ["NotSpecified", undefined]) {
        rejects(
          lock({ level }),
          withAccount().state,
          "lock-level-invalid",
          "BadRequest",
          /CanNotDelete or ReadOnly/,
        );
      }
    });
    it("accepts CanNotDelete and ReadOnly", () => {
      accepts(lock(), withAccount().state);
      accepts(lock({ level: "ReadOnly" }), withAccount().state);
    });
  });

  describe("lock-notes-too-long", () => {
    it("fails when the notes have 513 characters", () => {
      rejects(
        lock({ notes: "x".repeat(513) }),
        withAccount().state,
        "lock-notes-too-long",
        "BadRequest",
        /513 characters long; at most 512/,
      );
    });
    it("accepts 512 characters of notes", () => {
      accepts(lock({ notes: "x".repeat(512) }), withAccount().state);
    });
  });
});
