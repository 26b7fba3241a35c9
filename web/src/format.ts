/**
 * How the console writes money and dates. Money arrives as integer fen and is written without
 * ever becoming a float (¥1,234.56); dates are the rules' calendar days (`YYYY-MM-DD`) written
 * the local way (2027年3月1日); instants are shown in China Standard Time, the calendar of the
 * rules, whatever the browser's own time zone.
 */
export type Lang = 'zh-CN' | 'en';

/** `123456` fen → `¥1,234.56`; negative amounts (recoveries) → `-¥1,234.56`. */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) return '—';
  const negative = fen < 0;
  const digits = String(Math.abs(fen)).padStart(3, '0');
  const yuan = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${yuan}.${digits.slice(-2)}`;
}

/** A count the way people read it, with thousands separators: `9580` → `9,580` (hours, people). */
export function formatCount(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2027-03-01` → `2027年3月1日` (zh-CN) or `Mar 1, 2027` (en); anything else is returned as given. */
export function formatDate(date: string | null | undefined, lang: Lang): string {
  if (!date) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  return lang === 'zh-CN'
    ? `${year}年${Number(month)}月${Number(day)}日`
    : `${MONTHS[Number(month) - 1]} ${Number(day)}, ${year}`;
}

/** `2027-03` → `2027年3月` (zh-CN) or `Mar 2027` (en). */
export function formatMonth(month: string, lang: Lang): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  const [, year, number] = match as unknown as [string, string, string];
  return lang === 'zh-CN' ? `${year}年${Number(number)}月` : `${MONTHS[Number(number) - 1]} ${year}`;
}

/** A month without its year, under a chart's column: `3月` / `Mar`. */
export function formatMonthShort(month: string, lang: Lang): string {
  const number = Number(month.slice(5, 7));
  return lang === 'zh-CN' ? `${number}月` : (MONTHS[number - 1] ?? month);
}

const QUARTERS_ZH = ['一', '二', '三', '四'];

/** A demand list's period: `2027-Q1` → `2027年第一季度` / `Q1 2027`; a month as `formatMonth`. */
export function formatPeriod(period: string, lang: Lang): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!quarter) return formatMonth(period, lang);
  const [, year, n] = quarter as unknown as [string, string, string];
  return lang === 'zh-CN' ? `${year}年第${QUARTERS_ZH[Number(n) - 1]}季度` : `Q${n} ${year}`;
}

/** A rate of 0..1 as a percentage with one decimal (`0.857` → `85.7%`); none → `—`. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** Days with the API's one decimal (`3.5`); none → `—`. */
export function formatDays(days: number | null | undefined): string {
  if (days === null || days === undefined || !Number.isFinite(days)) return '—';
  return days.toFixed(1);
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** An ISO instant in China Standard Time: `2027年3月1日 14:03` or `Mar 1, 2027 14:03`. */
export function formatInstant(instant: string | null | undefined, lang: Lang): string {
  if (!instant) return '—';
  const time = Date.parse(instant);
  if (Number.isNaN(time)) return instant;
  const local = new Date(time + CHINA_OFFSET_MS).toISOString();
  return `${formatDate(local.slice(0, 10), lang)} ${local.slice(11, 16)}`;
}

/** Today in China (`YYYY-MM-DD`), as the rules count days. */
export function todayInChina(now: Date = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whole days from now until an instant (negative when past). */
export function daysUntil(instant: string, now: Date = new Date()): number {
  return Math.floor((Date.parse(instant) - now.getTime()) / 86_400_000);
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'];

/** A file's size the way file managers write it, 1,024-based: `532 B`, `4.7 KB`, `18 MB`, `2 GB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1023.5 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
  return `${shown} ${BYTE_UNITS[unit]}`;
}
