import assert from "node:assert/strict";
import { cmkKeyDisabled } from "../../../policy/stack/cmkKeyDisabled";
import { runStackPolicy } from "../../support/policyHarness";
import { NAMES, cmkStack } from "../fixtures";

describe("cmk-key-disabled", () => {
  it("passes an enabled key", async () => {
    assert.deepEqual((await runStackPolicy(cmkKeyDisabled, cmkStack())).messages, []);
  });

  it("fails (advisory) when the key is disabled, naming every account that cannot read its data", async () => {
    const r = await runStackPolicy(
      cmkKeyDisabled,
      cmkStack({
        moreAccounts: ["sa-two"],
        mutate: (p) =>
          (p.key["attributes"] = { ...(p.key["attributes"] as object), enabled: false }),
      }),
    );
    assert.deepEqual(r.messages, [
      `Key "${NAMES.key}" is disabled: storage accounts "${NAMES.account}" and "sa-two" cannot read or write data (HTTP 403) until it is enabled again, and no new account can be created with it.`,
    ]);
    assert.equal(cmkKeyDisabled.enforcementLevel, "advisory");
  });
});
