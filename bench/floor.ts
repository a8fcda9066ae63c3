/**
 * The naive floor (`npm run bench`): the same raw resource graph the preview recorded (types, names, parents, inputs,
 * dependencies), registered as plain `CustomResource`s and `ComponentResource`s under trivial mocks (each resource's
 * state is its inputs), as compiled JavaScript with Node's default stack trace limit. No program logic, no validation,
 * no simulated Azure, no policies: what any Pulumi program of this graph costs under mocks.
 *
 * Usage: node -r ./bench/usage.js .build/bench/floor.js <preview.json>
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";

/** A component with no logic of its own, as the floor registers them. */
class Component extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

/** A custom resource of any type, its inputs as given. */
class Custom extends pulumi.CustomResource {
  constructor(
    type: string,
    name: string,
    inputs: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions,
  ) {
    super(type, name, inputs, opts);
  }
}

interface GraphNode {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string | null;
  inputs: Record<string, unknown>;
  dependencies: string[];
}

async function main(file: string): Promise<void> {
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { resources: GraphNode[] };
  // Only the graph is kept; the rest of the preview document is dropped before the measured part starts.
  const nodes = new Map(
    doc.resources
      .filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"))
      .map((r) => [r.urn, r]),
  );
  const t0 = performance.now();
  await pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
    "cmk-storage",
    "floor",
    false,
  );
  const created = new Map<string, pulumi.Resource>();
  const create = (urn: string): pulumi.Resource | undefined => {
    const done = created.get(urn);
    if (done) return done;
    const node = nodes.get(urn);
    if (!node) return undefined;
    const parent = node.parent ? create(node.parent) : undefined;
    const dependsOn = node.dependencies
      .map(create)
      .filter((r): r is pulumi.Resource => r !== undefined);
    const opts = { ...(parent ? { parent } : {}), ...(dependsOn.length ? { dependsOn } : {}) };
    let res: pulumi.Resource;
    if (node.custom) {
      res = new Custom(node.type, node.name, node.inputs, opts);
    } else {
      res = new Component(node.type, node.name, opts);
    }
    created.set(urn, res);
    return res;
  };
  for (const urn of nodes.keys()) create(urn);

  // Internal to Pulumi (declarations stripped), hence the untyped require.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
  (globalThis as { __cmkBenchMarks?: Record<string, number> }).__cmkBenchMarks = {
    registerMs: performance.now() - t0,
    resources: created.size,
  };
}

main(process.argv[2]).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
