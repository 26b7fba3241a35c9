/**
 * The API's errors in the console's languages, by code. English is the API's own template (the
 * shared catalogue); Chinese is here, one room per file like the catalogue, and the types make
 * every code have its words. Templates fill `{name}`; `{row+1}` counts a row from 1 as people do
 * (paths and the English count from 0); `{kind:docKind}` names a value through the console's
 * dictionary (`docKind.certificate` → 证书) when it has words for it.
 */
import {
  ERROR_MESSAGES,
  type ErrorCode,
  type ErrorParams,
  isErrorCode,
} from '../../shared/domain/error-codes.ts';
import { CLAIM_WORDS_ZH } from './error-words/claims.ts';
import { COHORT_WORDS_ZH } from './error-words/cohorts.ts';
import { EMPLOYMENT_WORDS_ZH } from './error-words/employment.ts';
import { FIELD_WORDS_ZH } from './error-words/fields.ts';
import { REQUEST_WORDS_ZH } from './error-words/request.ts';
import { STATUTORY_WORDS_ZH } from './error-words/statutory.ts';
import { TRUST_WORDS_ZH } from './error-words/trust.ts';
import { WATCH_WORDS_ZH } from './error-words/watch.ts';

export const ERROR_WORDS: Record<'zh-CN' | 'en', Record<ErrorCode, string>> = {
  'zh-CN': {
    ...REQUEST_WORDS_ZH,
    ...FIELD_WORDS_ZH,
    ...COHORT_WORDS_ZH,
    ...CLAIM_WORDS_ZH,
    ...TRUST_WORDS_ZH,
    ...EMPLOYMENT_WORDS_ZH,
    ...STATUTORY_WORDS_ZH,
    ...WATCH_WORDS_ZH,
  },
  en: ERROR_MESSAGES,
};

/** An error as the API words it: a field error, a problem (`ApiError`), or a check of the console's own. */
export interface Coded {
  readonly code?: string;
  readonly params?: ErrorParams;
  readonly message: string;
}

/**
 * A field error as the console shows it: one of the API's (or of the shared checks the console
 * runs), or one the console words itself (`t(...)`, no code), shown as it is.
 */
export interface CodedField extends Coded {
  readonly path: string;
}

/** Words for a value named in a param (`docKind.certificate`), or undefined to show it as sent. */
export type ValueWords = (key: string) => string | undefined;

export function renderErrorWords(template: string, params: ErrorParams, valueWords: ValueWords): string {
  return template.replace(/\{(\w+)(\+1|:\w+)?\}/g, (whole, name: string, modifier: string | undefined) => {
    const value = params[name];
    if (value === undefined) return whole;
    if (modifier === '+1') return String(Number(value) + 1);
    if (modifier?.startsWith(':')) return valueWords(`${modifier.slice(1)}.${value}`) ?? String(value);
    return String(value);
  });
}

/**
 * An error of the API in `lang`. A code this console does not know (a newer server) shows the
 * server's English message rather than nothing.
 */
export function errorWords(
  lang: 'zh-CN' | 'en',
  error: Coded,
  valueWords: ValueWords = () => undefined,
): string {
  if (!isErrorCode(error.code)) return error.message;
  return renderErrorWords(ERROR_WORDS[lang][error.code], error.params ?? {}, valueWords);
}
