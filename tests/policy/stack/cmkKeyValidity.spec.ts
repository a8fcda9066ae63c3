import assert from "node:assert/strict";
import { cmkKeyValidity } from "../../../policy/stack/cmkKeyValidity";
import { runStackPolicy } from "../../support/policyHarness";
import { NAMES, cmkStack, type cmkStackProps } from "../fixtures";

const NOW = Math.floor(Date.now() / 1000);
const DAY = 86_400;
type StackProps = ReturnType<typeof cmkStackProps>;
const attributes =
  (over: Record<string, unknown>) =>
  (p: StackProps): void => {
    p.key["attributes"] = { ...(p.key["attributes"] as object), ...over };
  };

describe("cmk-key-validity", () => {
  it("passes a key without an explicit expiry or not-before date", async () => {
    assert.deepEqual((await runStackPolicy(cmkKeyValidity, cmkStack())).messages, []);
  });

  it("passes a key valid now that rotates before it expires", async () => {
    const r = await runStackPolicy(
      cmkKeyValidity,
      cmkStack({
        mutate: attributes({ created: NOW - DAY, notBefore: NOW - DAY, expires: NOW + 200 * DAY }),
      }),
    );
    assert.deepEqual(r.messages, []);
  });

  it("fails when the key has expired, naming every account it encrypts", async () => {
    const r = await runStackPolicy(
      cmkKeyValidity,
      cmkStack({ moreAccounts: ["sa-two"], mutate: attributes({ expires: NOW - DAY }) }),
    );
    assert.equal(r.messages.length, 1);
    assert.match(
      r.messages[0],
      new RegExp(
        `^Key "${NAMES.key}" of storage accounts "${NAMES.account}" and "sa-two" expired at \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z; Key Vault refuses wrapKey with it\\.$`,
      ),
    );
    assert.equal(r.violations[0]?.urn?.endsWith(`::${NAMES.key}`), true);
  });

  it("fails when the key expires before its first automatic rotation", async () => {
    const created = NOW - DAY;
    const r = await runStackPolicy(
      cmkKeyValidity,
      cmkStack({ mutate: attributes({ created, expires: created + 30 * DAY }) }),
    );
    assert.equal(r.messages.length, 1);
    assert.match(
      r.messages[0],
      /expires at .*, before its first automatic rotation at .* \(rotate 90 days after creation\)/,
    );
  });

  it("fails when the key is not valid yet", async () => {
    const r = await runStackPolicy(
      cmkKeyValidity,
      cmkStack({ mutate: attributes({ notBefore: NOW + DAY }) }),
    );
    assert.equal(r.messages.length, 1);
    assert.match(r.messages[0], /is not valid before .*; Key Vault refuses wrapKey until then\.$/);
  });
});
