import * as assert from "node:assert/strict";
import { isoDurationDays, parseIsoDuration } from "../../components/duration";

describe("ISO-8601 durations (rotation policies)", () => {
  it("reads whole-number durations in days with Azure's casual month and year", () => {
    assert.deepEqual(
      ["P90D", "P1Y", "P2M", "P1Y6M", "P2W", "PT48H", "P1DT12H"].map(isoDurationDays),
      [90, 365, 60, 545, 14, 2, 1.5],
    );
  });

  for (const text of [
    "",
    "P",
    "PT",
    "P1Y-300D",
    "P-7D",
    "P1.5D",
    "P99999999999999999999D",
    "P1234567D",
    "90D",
    "p90d",
    "P90DT",
    " P90D",
  ]) {
    it(`fails when the duration is ${JSON.stringify(text)}`, () => {
      assert.equal(parseIsoDuration(text), undefined);
      assert.equal(isoDurationDays(text), undefined);
    });
  }

  it("fails when the value is not a string at all", () => {
    for (const value of [90, null, undefined, { days: 90 }]) {
      assert.equal(parseIsoDuration(value as unknown as string), undefined);
    }
  });
});
