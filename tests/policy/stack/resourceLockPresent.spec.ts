import assert from "node:assert/strict";
import { resourceLockPresent } from "../../../policy/stack/resourceLockPresent";
import { runStackPolicy, stackResource } from "../../support/policyHarness";
import { guardedStack } from "../guardrailFixtures";
import { VAULT_NAME } from "../fixtures";

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
