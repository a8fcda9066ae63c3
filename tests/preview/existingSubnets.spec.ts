import { strict as assert } from "node:assert";
import { parseExistingSubnets } from "../../preview/existingSubnets";

const SUBNET =
  "/subscriptions/3f2b6c1e-8d4a-4c2e-9b1f-0a7e5d6c4b3a/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-pe";

describe("cmk-preview:existingSubnets (preview/existingSubnets.ts)", () => {
  it("reads a map of subnet ids to regions, lowercased", () => {
    const { subnets, problems } = parseExistingSubnets(JSON.stringify({ [SUBNET]: "WestEurope" }));
    assert.deepEqual(problems, []);
    assert.equal(subnets?.get(SUBNET.toLowerCase()), "westeurope");
  });
  it("fails when an entry is not a subnet id or its region is not an Azure region", () => {
    const { problems } = parseExistingSubnets(
      JSON.stringify({ "/subscriptions/x/vnet": "westeurope", [SUBNET]: "westeurop" }),
    );
    assert.equal(problems.length, 2);
    assert.match(
      problems[0],
      /cmk-preview:existingSubnets: "\/subscriptions\/x\/vnet" is not a subnet resource id/,
    );
    assert.match(problems[1], /must be the region of the subnet's virtual network.*"westeurop"/);
  });
});
