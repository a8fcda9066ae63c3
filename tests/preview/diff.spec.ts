import { strict as assert } from "node:assert";
import type { RecordedResource } from "../../preview/recorder";
import {
  answeredUrns,
  changedPaths,
  diffDeployment,
  type PreviousDeployment,
  type PreviousResource,
} from "../../preview/diff";

/** Pure tests of the --previous comparison: matching (aliases), create-only replacement and its propagation, deletes. */
const P = "urn:pulumi:dev::cmk-storage";
const ACCOUNT = "azure-native:storage:StorageAccount";
const RANDOM = "random:index/randomString:RandomString";
const COMPONENT = "azure-cmk-storage:index:CmkStorageAccount";

function res(
  type: string,
  name: string,
  inputs: Record<string, any>,
  extra: Partial<RecordedResource> = {},
): RecordedResource {
  const parentType = extra.parent ? extra.parent.split("::")[2] : undefined;
  return {
    urn: `${P}::${parentType ? `${parentType}$` : ""}${type}::${name}`,
    type,
    name,
    custom: type !== COMPONENT,
    id: undefined,
    parent: undefined,
    inputs,
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    aliases: [],
    ...extra,
  };
}
const prev = (rs: RecordedResource[]): PreviousDeployment => ({
  file: "prev.json",
  format: "preview-json",
  resources: rs.map((r): PreviousResource => ({
    urn: r.urn,
    type: r.type,
    custom: r.custom,
    id: r.id,
    parent: r.parent,
    inputs: r.inputs,
    outputs: r.outputs,
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
  })),
});

describe("--previous comparison", () => {
  it("lists the leaf paths where inputs differ, arrays as a whole", () => {
    assert.deepEqual(
      changedPaths({ a: { b: 1, c: [1] }, d: 1 }, { a: { b: 2, c: [1, 2] }, d: 1 }),
      ["a.b", "a.c"],
    );
    assert.deepEqual(changedPaths({ a: 1, __defaults: [] }, { a: 1 }), []);
    assert.deepEqual(
      changedPaths(
        {
          s: {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            ciphertext: "v1:x",
          },
        },
        { s: "plain" },
      ),
      [],
      "an encrypted secret of a stack export cannot be compared",
    );
  });

  it("classifies an unchanged resource as same and a tag change as update", () => {
    const a = res(ACCOUNT, "a", {
      accountName: "st1",
      location: "westeurope",
      tags: { team: "x" },
    });
    const d = diffDeployment(
      [
        { ...a, inputs: { ...a.inputs, tags: { team: "y" } } },
        res(ACCOUNT, "b", { accountName: "st2" }),
      ],
      prev([a, res(ACCOUNT, "b", { accountName: "st2" })]),
    );
    assert.deepEqual(
      d.steps.map((s) => [s.name, s.op, s.cause ?? null]),
      [
        ["a", "update", "tags.team changed"],
        ["b", "same", null],
      ],
    );
  });

  it("fails when a create-only property changes: replace, with the property and its source", () => {
    const a = res(ACCOUNT, "a", { accountName: "st1", location: "westeurope" });
    const [s] = diffDeployment(
      [{ ...a, inputs: { ...a.inputs, location: "northeurope" } }],
      prev([a]),
    ).steps;
    assert.equal(s.op, "replace");
    assert.equal(s.cause, 'location changed (create-only: "westeurope" → "northeurope")');
    assert.match(s.source!, /storage-account-move/);
  });

  it("fails when a random suffix is replaced: the account whose name comes from it is replaced too", () => {
    const suffix = res(RANDOM, "s", { length: 6 });
    const account = res(
      ACCOUNT,
      "a",
      { accountName: "stabc123" },
      { propertyDependencies: { accountName: [suffix.urn] } },
    );
    const d = diffDeployment(
      [{ ...suffix, inputs: { length: 8 } }, account],
      prev([suffix, account]),
    );
    assert.deepEqual(
      d.steps.map((s) => [s.name, s.op]),
      [
        ["s", "replace"],
        ["a", "replace"],
      ],
    );
    assert.match(
      d.steps[1].cause!,
      /accountName comes from s, which is replaced \(create-only accountName\)/,
    );
  });

  it("matches a resource through an alias of its parent (children inherit the parent's aliases)", () => {
    const oldParent = res(COMPONENT, "ledger", {});
    const oldChild = res(
      ACCOUNT,
      "ledger-account",
      { accountName: "st1" },
      { parent: oldParent.urn },
    );
    const newParent = res(
      COMPONENT,
      "ledger",
      {},
      {
        urn: `${P}::azure-cmk-storage:index:TeamStorage::ledger`,
        type: "azure-cmk-storage:index:TeamStorage",
        aliases: [{ type: COMPONENT }],
      },
    );
    const newChild = res(
      ACCOUNT,
      "ledger-account",
      { accountName: "st1" },
      {
        urn: `${P}::azure-cmk-storage:index:TeamStorage$${ACCOUNT}::ledger-account`,
        parent: newParent.urn,
      },
    );
    assert.ok(answeredUrns([newParent, newChild]).get(newChild.urn)!.has(oldChild.urn));
    const d = diffDeployment([newParent, newChild], prev([oldParent, oldChild]));
    assert.deepEqual(
      d.steps.map((s) => [s.name, s.op, s.previousUrn]),
      [
        ["ledger", "same", oldParent.urn],
        ["ledger-account", "same", oldChild.urn],
      ],
    );
  });

  it("fails when a resource of the earlier deployment is not registered any more: delete, noting its protection", () => {
    const a = res(ACCOUNT, "a", { accountName: "st1" }, { protect: true });
    const d = diffDeployment([], prev([a]));
    assert.deepEqual(
      d.steps.map((s) => [s.name, s.op, s.protectedBefore]),
      [["a", "delete", true]],
    );
    assert.deepEqual(d.counts, {
      create: 0,
      update: 0,
      replace: 0,
      delete: 1,
      same: 0,
      refused: 0,
    });
  });
});
