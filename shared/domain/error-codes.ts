/**
 * Every error the API can emit has a stable `code` (`id_number.check_character`,
 * `mentor.load_exceeded`) and its `params`; the English `message` beside it is rendered from the
 * template here. Clients translate by code (the console's words are in `web/src/error-words.ts`);
 * a test fails when a code here has no zh or en words there. Templates name their params in
 * braces: `must be at most {max} characters`.
 *
 * Codes are part of the API contract: add new ones, never rename one. The catalogue lives by room
 * in `error-codes/` (request, fields, cohorts, claims); codes are `<subject>.<what>` in snake case.
 */

import { CLAIM_MESSAGES } from './error-codes/claims.ts';
import { COHORT_MESSAGES } from './error-codes/cohorts.ts';
import { EMPLOYMENT_MESSAGES } from './error-codes/employment.ts';
import { FIELD_MESSAGES } from './error-codes/fields.ts';
import { REQUEST_MESSAGES } from './error-codes/request.ts';
import { STATUTORY_MESSAGES } from './error-codes/statutory.ts';
import { TRUST_MESSAGES } from './error-codes/trust.ts';
import { WATCH_MESSAGES } from './error-codes/watch.ts';

export const ERROR_MESSAGES = {
  ...REQUEST_MESSAGES,
  ...FIELD_MESSAGES,
  ...COHORT_MESSAGES,
  ...CLAIM_MESSAGES,
  ...TRUST_MESSAGES,
  ...EMPLOYMENT_MESSAGES,
  ...STATUTORY_MESSAGES,
  ...WATCH_MESSAGES,
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;
export type ErrorParams = Readonly<Record<string, string | number>>;

/** A code with its params and the English message they render to. */
export interface Said {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly message: string;
}

/** Fills `{name}` placeholders; an unknown placeholder stays as written. */
export function renderTemplate(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function says(code: ErrorCode, params: ErrorParams = {}): Said {
  return { code, params, message: renderTemplate(ERROR_MESSAGES[code], params) };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_MESSAGES, value);
}

/*
 * zod carries only a message string per issue, so the schemas put a token there: the code and
 * its params, which `zodIssuesToFieldErrors` turns back into `{ code, params, message }`.
 */
const TOKEN_PREFIX = '\u0000code:';

export function zodSays(code: ErrorCode, params: ErrorParams = {}): string {
  return `${TOKEN_PREFIX}${code}${Object.keys(params).length > 0 ? JSON.stringify(params) : ''}`;
}

export function fromZodMessage(message: string): Said | undefined {
  if (!message.startsWith(TOKEN_PREFIX)) return undefined;
  const rest = message.slice(TOKEN_PREFIX.length);
  const brace = rest.indexOf('{');
  const code = brace === -1 ? rest : rest.slice(0, brace);
  if (!isErrorCode(code)) return undefined;
  const params = brace === -1 ? {} : (JSON.parse(rest.slice(brace)) as ErrorParams);
  return says(code, params);
}
