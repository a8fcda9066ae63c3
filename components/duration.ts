import { Duration } from "luxon";

/**
 * ISO-8601 durations as Key Vault rotation policies use them (P90D, P1Y, P2M, P1Y6M, PT12H...): whole-number parts
 * only, none negative, each at most 6 digits, at least one part. luxon does the arithmetic but accepts more than
 * Azure does ("P", "PT", "P1Y-300D", fractions, 20-digit numbers), so the text is matched first.
 * Day counts use luxon's casual conversion (1 month = 30 days, 1 year = 365 days), the same convention Azure documents
 * for rotation-policy limits ("minimum value is seven days").
 */
const STRICT_ISO_DURATION =
  /^P(?!$)(\d{1,6}Y)?(\d{1,6}M)?(\d{1,6}W)?(\d{1,6}D)?(T(?!$)(\d{1,6}H)?(\d{1,6}M)?(\d{1,6}S)?)?$/;

export function parseIsoDuration(text: string): Duration | undefined {
  if (typeof text !== "string" || !STRICT_ISO_DURATION.test(text)) {
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
