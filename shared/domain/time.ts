/** Today's date (`YYYY-MM-DD`) in China Standard Time (UTC+8, no daylight saving): the calendar of the rules. */
export function todayInChinaOf(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
