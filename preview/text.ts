/** Lowercase text of a property value for case-insensitive comparisons (ARM names and ids are case-insensitive). */
export function lc(value: unknown): string {
  const text =
    typeof value === "string"
      ? value
      : value === undefined || value === null
        ? ""
        : JSON.stringify(value);
  return text.toLowerCase();
}
