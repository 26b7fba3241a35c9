/**
 * Check characters and masks of the identifiers the system handles: the unified social credit
 * code of organisations (GB 32100-2015), the resident ID number (GB 11643-1999) and mobile
 * numbers. A failed check says why by code (`id_number.check_character`) with English words that
 * never repeat the value, so they are safe to return and to log.
 */

import { isRealDate } from './dates.ts';
import { type Said, says } from './error-codes.ts';

// ---------------------------------------------------------------------------------------------
// Unified social credit code (统一社会信用代码), GB 32100-2015

/** The 31 characters of the code, in value order 0–30 (no I, O, S, V, Z). */
export const USCC_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights of positions 1–17: 3^(i−1) mod 31. */
export const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The check character (position 18) for the first 17 characters of a code. */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError('a credit code body has 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_CHARACTERS.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`character ${i + 1} is not used in credit codes`);
    sum += value * USCC_WEIGHTS[i]!;
  }
  return USCC_CHARACTERS.charAt((31 - (sum % 31)) % 31);
}

export type IdentifierCheck = { ok: true } | ({ ok: false } & Said);

/** A position 18 outside the character set (e.g. `Z`) is reported as a wrong check character. */
export function checkUscc(value: string): IdentifierCheck {
  if (value.length !== 18) return { ok: false, ...says('uscc.length') };
  for (const character of value.slice(0, 17)) {
    if (!USCC_CHARACTERS.includes(character)) {
      return { ok: false, ...says('uscc.characters') };
    }
  }
  if (usccCheckCharacter(value.slice(0, 17)) !== value.charAt(17)) {
    return { ok: false, ...says('uscc.check_character') };
  }
  return { ok: true };
}

export function isValidUscc(value: string): boolean {
  return checkUscc(value).ok;
}

// ---------------------------------------------------------------------------------------------
// Resident ID number (居民身份证号码), GB 11643-1999, ISO 7064 MOD 11-2

export const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK_CHARACTERS = '10X98765432';
const RESIDENT_ID_SHAPE = /^\d{17}[\dX]$/;

/** The check character (position 18) for the first 17 digits of an ID number. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('an ID number body has 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * RESIDENT_ID_WEIGHTS[i]!;
  return RESIDENT_ID_CHECK_CHARACTERS.charAt(sum % 11);
}

export type ResidentIdCheck = { ok: true; birthDate: string; sex: 'M' | 'F' } | ({ ok: false } & Said);

/**
 * Validates an 18-character ID number (capital X only: the schemas upper-case input first) and
 * reads the birth date (positions 7–14) and sex (position 17: odd = male, even = female).
 */
export function checkResidentId(value: string): ResidentIdCheck {
  if (value.length !== 18) return { ok: false, ...says('id_number.length') };
  if (!RESIDENT_ID_SHAPE.test(value)) return { ok: false, ...says('id_number.shape') };
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isRealDate(birthDate)) return { ok: false, ...says('id_number.birth_date') };
  if (residentIdCheckCharacter(value.slice(0, 17)) !== value.charAt(17)) {
    return { ok: false, ...says('id_number.check_character') };
  }
  return { ok: true, birthDate, sex: Number(value.charAt(16)) % 2 === 1 ? 'M' : 'F' };
}

// ---------------------------------------------------------------------------------------------
// Mobile numbers and masks

/** An 11-digit mainland China mobile number (1 then 3–9), without country code or separators. */
export function isMainlandMobile(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value);
}

function keepEnds(value: string, head: number, tail: number): string {
  if (value.length <= head + tail) return '*'.repeat(value.length);
  return value.slice(0, head) + '*'.repeat(value.length - head - tail) + value.slice(value.length - tail);
}

/** `11010519491231002X` → `110105********002X` (region code and last four only). */
export function maskIdNumber(value: string): string {
  return keepEnds(value, 6, 4);
}

/** `13800138000` → `138****8000`. */
export function maskPhone(value: string): string {
  return keepEnds(value, 3, 4);
}

/**
 * `0200004509200123456` → `***************3456`: only the last four stay visible (the length is
 * kept so a clerk can tell accounts of different banks apart). Spaces are dropped first.
 */
export function maskBankAccount(value: string): string {
  return keepEnds(value.replace(/\s+/g, ''), 0, 4);
}
