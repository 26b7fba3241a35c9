/**
 * Building blocks of the request schemas: trimmed text with a length in characters, ISO dates
 * that exist, keys, reference numbers, ids and credit codes. Every schema carries its own
 * plain-English messages, so whoever parses gets the same `errors` array without a custom
 * error map.
 */

import { isRealDate } from '../domain/dates.ts';
import { checkUscc } from '../domain/identifiers.ts';
import * as z from './zod.ts';

/** Longest list a single request may carry (apprentice rows, mentors, enrolment rows). */
export const MAX_ROWS_PER_REQUEST = 200;

/**
 * Message for a value of the wrong type ("is required" when it is missing). Other issue codes
 * fall through to the check's own message.
 */
export function typeMessage(expected: string) {
  return (issue: { code?: string; input?: unknown }): string | undefined => {
    if (issue.code !== 'invalid_type') return undefined;
    return issue.input === undefined ? 'is required' : `must be ${expected}`;
  };
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
  return z.string({ error: typeMessage('text') }).check(
    z.trim(),
    z.maxLength(max * 2, `must be at most ${max} characters`), // cheap bound before counting characters
    z.refine((value) => characterCount(value) >= min, {
      message: min === 1 ? 'must not be empty' : `must be at least ${min} characters`,
      abort: true,
    }),
    z.refine((value) => characterCount(value) <= max, {
      message: `must be at most ${max} characters`,
      abort: true,
    }),
    z.refine((value) => !hasControlCharacter(value), { message: 'must not contain control characters' }),
  );
}

/** Free text that may run over several lines (a justification); may be empty. */
export function longText(max: number) {
  return z.string({ error: typeMessage('text') }).check(
    z.trim(),
    z.maxLength(max * 2, `must be at most ${max} characters`),
    z.refine((value) => characterCount(value) <= max, { message: `must be at most ${max} characters` }),
  );
}

/** A person's name: 1–50 characters. */
export const PersonName = text(50);

/** A reference number (agreement, employee, teacher, student, invoice): 1–64 characters. */
export const ReferenceNo = text(64);

/** A key the client chooses to link rows within one body (`m1`, `t1`): 1–32 letters, digits, `-`, `_`. */
export const Key = z
  .string({ error: typeMessage('text') })
  .check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(32, 'must be at most 32 characters'),
    z.regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, - and _'),
  );

/** A calendar date `YYYY-MM-DD` that exists. */
export const IsoDate = z.string({ error: typeMessage('a date YYYY-MM-DD') }).check(
  z.trim(),
  z.refine(isRealDate, 'must be a real date in the form YYYY-MM-DD'),
  // Far enough for an open-ended contract written as 9999-12-31 to be refused plainly, not to overflow.
  z.refine((value) => value >= '1900-01-01' && value <= '2199-12-31', 'must be between 1900 and 2199'),
);

/** A ULID, as every id the system issues. */
export const Ulid = z
  .string({ error: typeMessage('an id') })
  .check(
    z.trim(),
    z.toUpperCase(),
    z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id of 26 characters as the system issued it'),
  );

/** An organisation's unified social credit code (GB 32100-2015), upper-cased. */
export const Uscc = z.string({ error: typeMessage('a unified social credit code') }).check(
  z.trim(),
  z.toUpperCase(),
  z.superRefine((value, ctx) => {
    const check = checkUscc(value);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message });
  }),
);

/** A whole number between `min` and `max`. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return z
    .int({ error: typeMessage('a whole number') })
    .check(z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`));
}

/** A list of `min`–`max` items. */
export function list<T extends z.ZodMiniType>(item: T, max: number, min = 0) {
  return z
    .array(item, { error: typeMessage('a list') })
    .check(
      z.minLength(min, min === 1 ? 'must have at least 1 item' : `must have at least ${min} items`),
      z.maxLength(max, `must have at most ${max} items`),
    );
}

export const Flag = z.boolean({ error: typeMessage('true or false') });
