import { Duration } from "luxon";

/**
 * ISO-8601 durations as Key Vault rotation policies use them (P90D, P1Y, P2M, P1Y6M...), parsed with luxon.
 * Day counts use luxon's casual conversion (1 month = 30 days, 1 year = 365 days), the same convention Azure documents
 * for rotation-policy limits ("minimum value is seven days").
 */
export function parseIsoDuration(text: string): Duration | undefined {
  // luxon accepts the empty durations "P" and "PT"; Azure does not.
  if (typeof text !== "string" || !/^P(?!T?$)/.test(text)) {
    return undefined;
  }
  const d = Duration.fromISO(text);
  return d.isValid ? d : undefined;
}

/** Length of an ISO-8601 duration in days, or undefined when it is not a valid duration. */
export function isoDurationDays(text: string): number | undefined {
  const d = parseIsoDuration(text);
  return d === undefined ? undefined : d.as("days");
}
