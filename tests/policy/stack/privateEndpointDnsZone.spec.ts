import assert from "node:assert/strict";
import { privateEndpointDnsZone } from "../../../policy/stack/privateEndpointDnsZone";
import { runStackPolicy } from "../../support/policyHarness";
import { guardedStack, zoneId } from "../guardrailFixtures";

describe("private-endpoint-dns-zone", () => {
  it("passes zone groups on privatelink.vaultcore.azure.net (vault) and privatelink.blob.core.windows.net (blob)", async () => {
    assert.deepEqual((await runStackPolicy(privateEndpointDnsZone, guardedStack())).messages, []);
  });

  it("passes a blob_secondary endpoint on the primary's zone", async () => {
    const stack = guardedStack({
      over: {
        accountEndpoint: {
          privateLinkServiceConnections: [
            { name: "s", privateLinkServiceId: "x", groupIds: ["blob_secondary"] },
          ],
        },
      },
    });
    assert.deepEqual((await runStackPolicy(privateEndpointDnsZone, stack)).messages, []);
  });

  it("fails when the blob endpoint's zone group uses the file zone (ARM accepts it; names resolve publicly)", async () => {
    const r = await runStackPolicy(
      privateEndpointDnsZone,
      guardedStack({
        over: {
          accountZoneGroup: {
            privateDnsZoneConfigs: [
              { name: "blob", privateDnsZoneId: zoneId("privatelink.file.core.windows.net") },
            ],
          },
        },
      }),
    );
    assert.equal(r.messages.length, 1);
    assert.match(
      r.messages[0],
      /private endpoint "pep-payments-account-blob" \(group blob\) uses zone "privatelink\.file\.core\.windows\.net"; the group's zone is privatelink\.blob\.core\.windows\.net/,
    );
  });
});
