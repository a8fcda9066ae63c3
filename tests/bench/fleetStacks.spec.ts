import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { subscriptionId, writeFleet } from "../../bench/fleetStacks";

/** The bench's fleet generator (bench/fleetStacks.ts): the shape of the 2,000-team fleet. */
const ROOT = path.resolve(__dirname, "..", "..");

describe("bench fleet generator (bench/fleetStacks.ts)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-fleet-gen-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes 2 platform stacks and 2,000 team stacks over 10 subscriptions and 2 regions, each team on its region's platform", () => {
    const names = writeFleet(dir, {
      teams: 2000,
      subscriptions: 10,
      regions: ["westeurope", "northeurope"],
      template: {
        platform: path.join(ROOT, "stacks", "fleet", "Pulumi.platform-weu.yaml"),
        team: path.join(ROOT, "stacks", "fleet", "Pulumi.team-payments.yaml"),
      },
    });
    assert.equal(names.length, 2002);
    assert.deepEqual(names.slice(0, 2), ["platform-weu", "platform-neu"]);
    const read = (stack: string): Record<string, any> =>
      (
        YAML.parse(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")) as {
          config: Record<string, any>;
        }
      ).config;
    const buckets = new Map<string, number>();
    for (const stack of names.slice(2)) {
      const c = read(stack);
      assert.equal(c["cmk-storage:stackKind"], "team");
      const region = c["cmk-storage:location"] as string;
      assert.equal(
        c["cmk-storage:platformStack"],
        `acme/cmk-storage/platform-${region === "westeurope" ? "weu" : "neu"}`,
      );
      const key = `${c["azure-native:subscriptionId"]}|${region}`;
      buckets.set(key, (buckets.get(key) ?? 0) + 1);
    }
    assert.equal(buckets.size, 20, "10 subscriptions × 2 regions");
    assert.ok([...buckets.values()].every((n) => n === 100));
    const t7 = read("team-t7");
    assert.deepEqual(
      Object.keys(t7["cmk-storage:teams"]),
      ["t7"],
      "the template's team id replaced",
    );
    assert.equal(
      read("platform-neu")["cmk-storage:namePrefix"],
      "cmkpneu",
      "vault names stay unique",
    );
    assert.equal(read("platform-weu")["azure-native:subscriptionId"], subscriptionId(0));
    // Endpoint subnets follow each stack's subscription (the provider's); the hub's DNS zones stay in the hub's.
    assert.equal(
      t7["cmk-storage:teams"].t7.privateEndpointSubnetId,
      `/subscriptions/${t7["azure-native:subscriptionId"]}/resourceGroups/rg-t7-network-weu/providers/Microsoft.Network/virtualNetworks/vnet-t7-weu/subnets/snet-private-endpoints`,
    );
    assert.match(
      read("platform-weu")["cmk-storage:privateEndpointSubnetId"],
      new RegExp(`^/subscriptions/${subscriptionId(0)}/`),
    );
    assert.match(
      t7["cmk-storage:privateDnsZoneIds"].blob,
      /^\/subscriptions\/6d1f4a2b-9c3e-4f5a-8b7d-2e0c1a9f3b6d\//,
    );
  });
});
