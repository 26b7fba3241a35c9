/**
 * Building blocks of the request schemas: trimmed text with a length in characters, ISO dates
 * that exist, keys, reference numbers, ids and credit codes. Every schema carries its own
 * coded messages (`zodSays`), so whoever parses gets the same `errors` array, codes and English
 * words, without a custom error map.
 */

import { isRealDate } from '../domain/dates.ts';
import { type ErrorCode, zodSays } from '../domain/error-codes.ts';
import { checkUscc } from '../domain/identifiers.ts';
import * as z from './zod.ts';

/** Longest list a single request may carry (apprentice rows, mentors, enrolment rows). */
export const MAX_ROWS_PER_REQUEST = 200;

/** The codes of a value of the wrong type (`field.not_text`: "must be text"). */
type WrongType = Extract<ErrorCode, `field.not_${string}`>;

/**
 * Message for a value of the wrong type ("is required" when it is missing). Other issue codes
 * fall through to the check's own message.
 */
export function typeMessage(wrongType: WrongType) {
  return (issue: { code?: string; input?: unknown }): string | undefined => {
    if (issue.code !== 'invalid_type') return undefined;
    return zodSays(issue.input === undefined ? 'field.required' : wrongType);
  };
}

/** "is required" when the value is missing, else the code given (a literal or an enum of the wrong value). */
export function requiredOr(code: ErrorCode) {
  return (issue: { input?: unknown }): string => zodSays(issue.input === undefined ? 'field.required' : code);
}

/** Characters as a reader counts them (a rare CJK character outside the BMP is one, not two). */
function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Trimmed single-line text of `min`–`max` characters. */
export function text(max: number, min = 1) {
  const tooLong = zodSays('text.too_long', { max });
  return z.string({ error: typeMessage('field.not_text') }).check(
    z.trim(),
    z.maxLength(max * 2, tooLong), // cheap bound before counting characters
    z.refine((value) => characterCount(value) >= min, {
      message: min === 1 ? zodSays('text.empty') : zodSays('text.too_short', { min }),
      abort: true,
    }),
    z.refine((value) => characterCount(value) <= max, { message: tooLong, abort: true }),
    z.refine((value) => !hasControlCharacter(value), { message: zodSays('text.control_characters') }),
  );
}

/** Free text that may run over several lines (a justification); may be empty. */
export function longText(max: number) {
  const tooLong = zodSays('text.too_long', { max });
  return z.string({ error: typeMessage('field.not_text') }).check(
    z.trim(),
    z.maxLength(max * 2, tooLong),
    z.refine((value) => characterCount(value) <= max, { message: tooLong }),
  );
}

/** A person's name: 1–50 characters. */
export const PersonName = text(50);

/** A reference number (agreement, employee, teacher, student, invoice): 1–64 characters. */
export const ReferenceNo = text(64);

/** A key the client chooses to link rows within one body (`m1`, `t1`): 1–32 letters, digits, `-`, `_`. */
export const Key = z
  .string({ error: typeMessage('field.not_text') })
  .check(
    z.trim(),
    z.minLength(1, zodSays('text.empty')),
    z.maxLength(32, zodSays('text.too_long', { max: 32 })),
    z.regex(/^[A-Za-z0-9_-]+$/, zodSays('key.characters')),
  );

/** A calendar date `YYYY-MM-DD` that exists. */
export const IsoDate = z.string({ error: typeMessage('field.not_date') }).check(
  z.trim(),
  z.refine(isRealDate, zodSays('date.not_real')),
  // Far enough for an open-ended contract written as 9999-12-31 to be refused plainly, not to overflow.
  z.refine((value) => value >= '1900-01-01' && value <= '2199-12-31', zodSays('date.out_of_range')),
);

/** A ULID, as every id the system issues. */
export const Ulid = z
  .string({ error: typeMessage('field.not_id') })
  .check(z.trim(), z.toUpperCase(), z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, zodSays('id.shape')));

/** An organisation's unified social credit code (GB 32100-2015), upper-cased. */
export const Uscc = z.string({ error: typeMessage('field.not_uscc') }).check(
  z.trim(),
  z.toUpperCase(),
  z.superRefine((value, ctx) => {
    const check = checkUscc(value);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: zodSays(check.code, check.params) });
  }),
);

/** A whole number between `min` and `max`. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return z
    .int({ error: typeMessage('field.not_integer') })
    .check(
      z.gte(min, zodSays('number.too_small', { min })),
      z.lte(max, zodSays('number.too_large', { max })),
    );
}

/** A list of `min`–`max` items. */
export function list<T extends z.ZodMiniType>(item: T, max: number, min = 0) {
  return z
    .array(item, { error: typeMessage('field.not_list') })
    .check(
      z.minLength(min, min === 1 ? zodSays('list.empty') : zodSays('list.too_few', { min })),
      z.maxLength(max, zodSays('list.too_many', { max })),
    );
}

export const Flag = z.boolean({ error: typeMessage('field.not_boolean') });
