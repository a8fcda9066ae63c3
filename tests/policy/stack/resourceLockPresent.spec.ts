import assert from "node:assert/strict";
import { resourceLockPresent } from "../../../policy/stack/resourceLockPresent";
import { runStackPolicy, stackResource } from "../../support/policyHarness";
import { guardedStack } from "../guardrailFixtures";
import { SUBSCRIPTION, VAULT_NAME } from "../fixtures";

describe("resource-lock-present", () => {
  it("passes a vault and an account each with a CanNotDelete lock", async () => {
    assert.deepEqual((await runStackPolicy(resourceLockPresent, guardedStack())).messages, []);
  });

  it("passes when a resource-group lock covers both", async () => {
    const stack = [
      ...guardedStack({ omit: ["vaultLock", "accountLock"] }),
      stackResource("azure-native:authorization:ManagementLockAtResourceGroupLevel", "rg-lock", {
        resourceGroupName: "rg-cmk",
        level: "CanNotDelete",
      }),
    ];
    assert.deepEqual((await runStackPolicy(resourceLockPresent, stack)).messages, []);
  });

  it("passes when a subscription-level lock covers both", async () => {
    const stack = [
      ...guardedStack({ omit: ["vaultLock", "accountLock"] }),
      stackResource("azure-native:authorization:ManagementLockAtSubscriptionLevel", "sub-lock", {
        id: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/locks/sub-lock`,
        level: "CanNotDelete",
      }),
    ];
    assert.deepEqual((await runStackPolicy(resourceLockPresent, stack)).messages, []);
  });

  it("fails when a subscription-level lock is in another subscription", async () => {
    const stack = [
      ...guardedStack({ omit: ["vaultLock", "accountLock"] }),
      stackResource("azure-native:authorization:ManagementLockAtSubscriptionLevel", "sub-lock", {
        id: "/subscriptions/other/providers/Microsoft.Authorization/locks/sub-lock",
        level: "CanNotDelete",
      }),
    ];
    assert.equal((await runStackPolicy(resourceLockPresent, stack)).messages.length, 2);
  });

  it("fails for the vault and the account when neither is locked", async () => {
    const r = await runStackPolicy(
      resourceLockPresent,
      guardedStack({ omit: ["vaultLock", "accountLock"] }),
    );
    assert.deepEqual(r.messages, [
      `Key vault "${VAULT_NAME}" has no CanNotDelete lock: anyone with delete rights can remove it outside Pulumi.`,
      'Storage account "stcmkdev" has no CanNotDelete lock: anyone with delete rights can remove it outside Pulumi.',
    ]);
  });
});
