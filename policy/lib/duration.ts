import { Duration } from "luxon";

/** Days per month and per year used for ISO-8601 durations, as Azure Key Vault documents them. */
export const DAYS_PER_MONTH = 30;
export const DAYS_PER_YEAR = 365;

/**
 * Converts an ISO-8601 duration ("P90D", "P1Y", "P2M", "P1Y2M3DT4H") to days, counting a month
 * as 30 days and a year as 365 days. Returns `undefined` when the value is absent, not a string,
 * not a valid ISO-8601 duration (parsed by luxon's `Duration.fromISO`), or empty ("P").
 */
export function isoDurationDays(value: unknown): number | undefined {
  if (typeof value !== "string" || value.length === 0) {
    return undefined;
  }
  const duration = Duration.fromISO(value);
  if (!duration.isValid) {
    return undefined;
  }
  const o = duration.toObject();
  if (Object.keys(o).length === 0) {
    return undefined;
  }
  return (
    (o.years ?? 0) * DAYS_PER_YEAR +
    (o.quarters ?? 0) * 3 * DAYS_PER_MONTH +
    (o.months ?? 0) * DAYS_PER_MONTH +
    (o.weeks ?? 0) * 7 +
    (o.days ?? 0) +
    (o.hours ?? 0) / 24 +
    (o.minutes ?? 0) / 1440 +
    (o.seconds ?? 0) / 86400 +
    (o.milliseconds ?? 0) / 86400000
  );
}
