import { strict as assert } from "node:assert";
import { diffDeployment, type PreviousDeployment, type PreviousResource } from "../../preview/diff";
import { withoutRejectedDependants } from "../../preview/rejectedDependants";
import type { RecordedResource } from "../../preview/recorder";

const urn = (name: string) => `urn:pulumi:dev::p::x:y:Thing::${name}`;

function prev(name: string, dependencies: string[] = []): PreviousResource {
  return {
    urn: urn(name),
    type: "x:y:Thing",
    custom: true,
    id: name,
    parent: undefined,
    inputs: {},
    outputs: {},
    protect: false,
    retainOnDelete: false,
    dependencies: dependencies.map(urn),
  };
}

function current(name: string): RecordedResource {
  return {
    urn: urn(name),
    type: "x:y:Thing",
    name,
    custom: true,
    id: name,
    parent: undefined,
    inputs: {},
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    aliases: [],
  };
}

describe("--previous with rejected registrations (preview/rejectedDependants.ts)", () => {
  // Earlier: account, its lock (depends on the account) and its log setting (depends on the lock); and an old queue.
  const previous: PreviousDeployment = {
    file: "p.json",
    format: "preview-json",
    resources: [
      prev("account"),
      prev("lock", ["account"]),
      prev("logs", ["lock"]),
      prev("oldQueue"),
    ],
  };

  it("passes the resources that need a rejected one's outputs as not compared, through chains of them", () => {
    // The account was rejected (it takes part as requested); lock and logs were never registered.
    const d = withoutRejectedDependants(
      diffDeployment([current("account")], previous),
      previous,
      new Set([urn("account")]),
    );
    const op = (n: string) => d.steps.find((s) => s.urn === urn(n))!.op;
    assert.equal(op("lock"), "same");
    assert.equal(op("logs"), "same");
    assert.match(
      d.steps.find((s) => s.urn === urn("logs"))!.cause!,
      /depends on account, which the simulated Azure rejected/,
    );
    assert.equal(d.counts.delete, 1);
    assert.equal(d.counts.same, 3);
  });

  it("fails when a removed resource depends on nothing rejected: it stays a delete", () => {
    const d = withoutRejectedDependants(
      diffDeployment([current("account")], previous),
      previous,
      new Set([urn("account")]),
    );
    assert.equal(d.steps.find((s) => s.urn === urn("oldQueue"))!.op, "delete");
  });

  it("changes nothing when nothing was rejected", () => {
    const before = diffDeployment([current("account")], previous);
    assert.equal(withoutRejectedDependants(before, previous, new Set()), before);
  });
});
