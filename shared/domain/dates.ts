/**
 * Calendar arithmetic on ISO dates (`YYYY-MM-DD`), the only date form the rules speak of.
 *
 * Dates are calendar days in China, not instants: everything here works on day numbers with
 * integer arithmetic, so no time zone, daylight saving or `Date` two-digit-year quirk can move a
 * date. Functions throw `RangeError` for a string that is not a real date: callers validate input
 * with the schemas first, so a bad date here is a programming error, not a client error.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface CivilDate {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parseParts(value: string): CivilDate | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** True for `YYYY-MM-DD` naming a day that exists (`2027-02-29` does not). */
export function isRealDate(value: unknown): value is string {
  return typeof value === 'string' && parseParts(value) !== undefined;
}

function parse(value: string): CivilDate {
  const parts = parseParts(value);
  if (!parts) throw new RangeError(`not a real date (YYYY-MM-DD): ${JSON.stringify(value)}`);
  return parts;
}

function format({ year, month, day }: CivilDate): string {
  if (year < 0 || year > 9999) throw new RangeError(`date out of range: year ${year}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Days since 1970-01-01 and back (H. Hinnant's civil-calendar algorithms, integers only).
function toDayNumber({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function fromDayNumber(dayNumber: number): CivilDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function assertInteger(n: number, name: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer, got ${n}`);
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareDates(a: string, b: string): number {
  return toDayNumber(parse(a)) - toDayNumber(parse(b));
}

export function addDays(date: string, days: number): string {
  assertInteger(days, 'days');
  return format(fromDayNumber(toDayNumber(parse(date)) + days));
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toDayNumber(parse(to)) - toDayNumber(parse(from));
}

/**
 * Same day of the month `months` later (or earlier); a day the target month lacks becomes its
 * last day, so 2027-01-31 + 1 month = 2027-02-28 and 2028-02-29 + 12 months = 2029-02-28.
 */
export function addMonths(date: string, months: number): string {
  assertInteger(months, 'months');
  const { year, month, day } = parse(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return format({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/**
 * Whole months from `from` to `to`: the largest m with addMonths(from, m) <= to
 * (negative, symmetrically, when `to` is earlier).
 */
export function monthsBetween(from: string, to: string): number {
  if (compareDates(to, from) < 0) return -monthsBetween(to, from);
  const a = parse(from);
  const b = parse(to);
  let months = (b.year - a.year) * 12 + (b.month - a.month);
  while (months > 0 && compareDates(addMonths(from, months), to) > 0) months--;
  return months;
}

/**
 * Whole months covered by a period whose end date is inclusive, as training periods and labour
 * contracts are written: 2027-03-01 … 2028-02-29 is 12 months, 2027-02-20 … 2030-02-19 is 36.
 */
export function monthsInPeriod(startDate: string, endDateInclusive: string): number {
  return monthsBetween(startDate, addDays(endDateInclusive, 1));
}

/**
 * Age in whole years on `onDate`. A person born on 29 February turns a year older on 1 March in
 * common years (the later reading, so an age minimum is never met a day early).
 */
export function ageOn(birthDate: string, onDate: string): number {
  const birth = parse(birthDate);
  const on = parse(onDate);
  const hadBirthday = on.month > birth.month || (on.month === birth.month && on.day >= birth.day);
  return on.year - birth.year - (hadBirthday ? 0 : 1);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  const n = toDayNumber(parse(date));
  return (((n + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/**
 * A working day is a weekday that is not a listed holiday, or a weekend day that the State
 * Council's yearly notice turns into a working day (调休上班).
 */
export function isWorkingDay(
  date: string,
  holidays: readonly string[] | ReadonlySet<string>,
  makeUpWorkingDays: readonly string[] | ReadonlySet<string> = [],
): boolean {
  const holidaySet = holidays instanceof Set ? holidays : new Set(holidays as readonly string[]);
  const makeUpSet =
    makeUpWorkingDays instanceof Set ? makeUpWorkingDays : new Set(makeUpWorkingDays as readonly string[]);
  if (holidaySet.has(date)) return false;
  const weekday = dayOfWeek(date);
  return (weekday !== 0 && weekday !== 6) || makeUpSet.has(date);
}

/**
 * The `n`-th working day after `date` (the date itself never counts; n = 0 returns `date`).
 * Used for the public-notice window: approved on a Friday, 5 working days end the next Friday.
 */
export function addWorkingDays(
  date: string,
  n: number,
  holidays: readonly string[],
  makeUpWorkingDays: readonly string[] = [],
): string {
  assertInteger(n, 'n');
  if (n < 0) throw new RangeError(`n must not be negative, got ${n}`);
  const holidaySet = new Set(holidays);
  const makeUpSet = new Set(makeUpWorkingDays);
  let day = toDayNumber(parse(date));
  let remaining = n;
  while (remaining > 0) {
    day++;
    if (isWorkingDay(format(fromDayNumber(day)), holidaySet, makeUpSet)) remaining--;
  }
  return format(fromDayNumber(day));
}
