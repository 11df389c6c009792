/**
 * The agent's clock: the current date and time in an IANA time zone (UTC when none is given), spelled
 * out with the weekday and the offset so a small model need not compute either.
 */
export function currentTime(timeZone: string | undefined, now: Date = new Date()): string {
  const zone = timeZone === undefined || timeZone.trim() === "" ? "UTC" : timeZone.trim();
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      weekday: "long",
      timeZoneName: "longOffset",
    });
  } catch {
    throw new Error(`Unknown time zone "${zone}": use an IANA name such as "Europe/Paris" or "America/New_York".`);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(now)) parts[part.type] = part.value;
  const offset = (parts.timeZoneName ?? "GMT").replace(/^GMT$/, "GMT+00:00").replace(/^GMT/, "UTC");
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} (${parts.weekday}, ${zone}, ${offset})`;
}
