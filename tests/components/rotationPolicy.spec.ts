import * as assert from "node:assert/strict";
import { isoDurationDays } from "../../components/duration";
import {
  buildRotationPolicy,
  rotationPolicyProblems,
  type PlainRotationPolicy,
} from "../../components/rotationPolicy";

const problemsOf = (p: PlainRotationPolicy): string[] =>
  rotationPolicyProblems(p).map((x) => `${x.path}: ${x.reason}`);

describe("rotation policy", () => {
  it("builds one lowercase rotate action and one notify action with the expiry", () => {
    assert.deepEqual(
      buildRotationPolicy({ rotateAfter: "P90D", expiresAfter: "P1Y", notifyBefore: "P30D" }),
      {
        attributes: { expiryTime: "P1Y" },
        lifetimeActions: [
          { action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } },
          { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
        ],
      },
    );
  });

  it("accepts the defaults and Azure's minimums", () => {
    assert.deepEqual(
      problemsOf(
        buildRotationPolicy({ rotateAfter: "P90D", expiresAfter: "P1Y", notifyBefore: "P30D" }),
      ),
      [],
    );
    assert.deepEqual(
      problemsOf(
        buildRotationPolicy({ rotateAfter: "P7D", expiresAfter: "P28D", notifyBefore: "P7D" }),
      ),
      [],
    );
    assert.deepEqual(
      problemsOf({
        attributes: { expiryTime: "P2Y" },
        lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeBeforeExpiry: "P2M" } }],
      }),
      [],
    );
  });

  const cases: [string, PlainRotationPolicy, string][] = [
    [
      "the expiry is not an ISO-8601 duration",
      { attributes: { expiryTime: "1 year" } },
      'attributes.expiryTime: must be an ISO-8601 duration such as "P1Y", got "1 year"',
    ],
    [
      "the expiry is below P28D",
      { attributes: { expiryTime: "P27D" } },
      "attributes.expiryTime: must be at least P28D, got P27D",
    ],
    [
      "rotation is less than 7 days after creation",
      buildRotationPolicy({ rotateAfter: "P6D", expiresAfter: "P1Y" }),
      "lifetimeActions[0].trigger.timeAfterCreate: must be at least P7D (rotate no sooner than 7 days after creation), got P6D",
    ],
    [
      "rotation is less than 7 days before expiry",
      buildRotationPolicy({ rotateAfter: "P25D", expiresAfter: "P28D" }),
      "lifetimeActions[0].trigger.timeAfterCreate: must be at least 7 days shorter than the expiry P28D (rotate before the version expires), got P25D",
    ],
    [
      "a notify action uses timeAfterCreate",
      {
        attributes: { expiryTime: "P1Y" },
        lifetimeActions: [{ action: { type: "notify" }, trigger: { timeAfterCreate: "P30D" } }],
      },
      "lifetimeActions[0].trigger.timeAfterCreate: a notify action takes only timeBeforeExpiry, got timeAfterCreate P30D",
    ],
    [
      "an action type is capitalised",
      { lifetimeActions: [{ action: { type: "Rotate" }, trigger: { timeAfterCreate: "P30D" } }] },
      'lifetimeActions[0].action.type: must be "rotate" or "notify" (lowercase), got "Rotate"',
    ],
    [
      "there are two rotate actions",
      {
        attributes: { expiryTime: "P1Y" },
        lifetimeActions: [
          { action: { type: "rotate" }, trigger: { timeAfterCreate: "P30D" } },
          { action: { type: "rotate" }, trigger: { timeAfterCreate: "P60D" } },
        ],
      },
      'lifetimeActions: may hold at most one "rotate" action, got 2',
    ],
    [
      "a trigger sets both times",
      {
        attributes: { expiryTime: "P1Y" },
        lifetimeActions: [
          {
            action: { type: "rotate" },
            trigger: { timeAfterCreate: "P30D", timeBeforeExpiry: "P30D" },
          },
        ],
      },
      "lifetimeActions[0].trigger: must set exactly one of timeAfterCreate or timeBeforeExpiry",
    ],
    [
      "timeBeforeExpiry is used without an expiry",
      { lifetimeActions: [{ action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } }] },
      "lifetimeActions[0].trigger.timeBeforeExpiry: needs attributes.expiryTime to be set",
    ],
    [
      "notify is less than 7 days before expiry",
      buildRotationPolicy({ rotateAfter: "P90D", expiresAfter: "P1Y", notifyBefore: "P6D" }),
      "lifetimeActions[1].trigger.timeBeforeExpiry: must be at least P7D, got P6D",
    ],
  ];
  for (const [when, policy, message] of cases) {
    it(`fails when ${when}`, () => assert.deepEqual(problemsOf(policy), [message]));
  }
});

describe("ISO-8601 durations", () => {
  it("counts months as 30 days and years as 365 days", () => {
    assert.deepEqual(
      [
        isoDurationDays("P90D"),
        isoDurationDays("P2M"),
        isoDurationDays("P1Y"),
        isoDurationDays("P1W"),
      ],
      [90, 60, 365, 7],
    );
  });
  for (const bad of ["P", "PT", "90D", "P-1D?", "", "P1.5.5D"]) {
    it(`fails when the duration is ${JSON.stringify(bad)}`, () =>
      assert.equal(isoDurationDays(bad), undefined));
  }
});
