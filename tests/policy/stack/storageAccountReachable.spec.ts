import assert from "node:assert/strict";
import { storageAccountReachable } from "../../../policy/stack/storageAccountReachable";
import { runStackPolicy } from "../../support/policyHarness";
import { guardedStack } from "../guardrailFixtures";

describe("storage-account-reachable", () => {
  it("passes a private account with a private endpoint, a firewall with a rule, and a deliberately public account", async () => {
    for (const stack of [
      guardedStack(),
      guardedStack({
        omit: ["accountEndpoint", "accountZoneGroup"],
        account: {
          publicNetworkAccess: "Enabled",
          networkRuleSet: {
            defaultAction: "Deny",
            ipRules: [{ iPAddressOrRange: "198.51.100.0/28" }],
          },
        },
      }),
      guardedStack({
        omit: ["accountEndpoint", "accountZoneGroup"],
        account: { publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Allow" } },
      }),
    ]) {
      assert.deepEqual((await runStackPolicy(storageAccountReachable, stack)).messages, []);
    }
  });

  it("does not judge an account secured by a network security perimeter (its rules are not in the stack)", async () => {
    const stack = guardedStack({
      omit: ["accountEndpoint", "accountZoneGroup"],
      account: { publicNetworkAccess: "SecuredByPerimeter" },
    });
    assert.deepEqual((await runStackPolicy(storageAccountReachable, stack)).messages, []);
  });

  it("fails when public network access is disabled and no private endpoint connects to the account", async () => {
    const r = await runStackPolicy(
      storageAccountReachable,
      guardedStack({ omit: ["accountEndpoint", "accountZoneGroup"] }),
    );
    assert.deepEqual(r.messages, [
      'Storage account "stcmkdev" is unreachable: publicNetworkAccess is "Disabled" and no private endpoint connects to it; only trusted Azure services get through (bypass "AzureServices"), no application can read or write its data.',
    ]);
  });

  it("fails when the firewall denies by default with no rule and there is no endpoint", async () => {
    const r = await runStackPolicy(
      storageAccountReachable,
      guardedStack({
        omit: ["accountEndpoint", "accountZoneGroup"],
        account: { publicNetworkAccess: "Enabled" },
      }),
    );
    assert.match(
      r.messages[0] ?? "",
      /unreachable: its firewall denies by default .* with no IP or virtual-network rule/,
    );
  });
});
