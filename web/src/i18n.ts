/**
 * The language of the console as Preact sees it: a context with the current language, `t` for the
 * console's words (`words.ts`) and `m` for the API's errors, by their code (`error-words.ts`).
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { type Coded, errorWords } from './error-words.ts';
import type { Lang } from './format.ts';
import { zh } from './words/zh.ts';
import { type Dictionary, type MessageKey, translate } from './words.ts';

export type { MessageKey };

export interface I18n {
  lang: Lang;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** An error of the API (a field error, a problem) in the console's language, by its code. */
  m: (error: Coded) => string;
  /** Whether the console has words for `key` (a key built from data, such as a policy field's path). */
  has: (key: string) => key is MessageKey;
  setLang: (lang: Lang) => void;
}

/** Punctuation the console writes between its own words and the data, by language (GB/T 15834 for Chinese). */
export interface Punctuation {
  /** Between items of a list of sentences or messages: ；/ "; " */
  semi: string;
  /** Between names in a series: 、/ ", " */
  enum: string;
  /** Between parts of one phrase: ，/ ", " */
  comma: string;
  /** After a label: ：/ ": " */
  colon: string;
  /** Around an aside: （…）/ " (…)" */
  open: string;
  close: string;
}

const PUNCTUATION: Record<Lang, Punctuation> = {
  'zh-CN': { semi: '；', enum: '、', comma: '，', colon: '：', open: '（', close: '）' },
  en: { semi: '; ', enum: ', ', comma: ', ', colon: ': ', open: ' (', close: ')' },
};

let current: Lang = 'zh-CN';

/** The punctuation of the language on screen: English mode never shows Chinese punctuation. */
export function punct(): Punctuation {
  return PUNCTUATION[current];
}

export function makeI18n(lang: Lang, dictionary: Dictionary, setLang: (lang: Lang) => void): I18n {
  current = lang;
  const words = dictionary as Record<string, string | undefined>;
  return {
    lang,
    t: (key, params) => translate(dictionary, key, params),
    m: (error) => errorWords(lang, error, (key) => words[key]),
    has: (key): key is MessageKey => words[key] !== undefined,
    setLang,
  };
}

export const I18nContext = createContext<I18n>(makeI18n('zh-CN', zh, () => undefined));

export function useI18n(): I18n {
  return useContext(I18nContext);
}

const LANG_KEY = 'af.lang';

export function storedLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function storeLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
}
