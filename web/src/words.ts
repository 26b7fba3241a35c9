/**
 * The console's words: Chinese first (zh-CN, in `words/zh.ts`, part of the first load), English on
 * request (`words/en.ts`, its own chunk, loaded when someone chooses it). Every key exists in both
 * languages (the types say so). The API's errors are worded by their code in `error-words.ts`.
 * No Preact here, so the tests read it in Node.
 */
import type { Lang } from './format.ts';
import { type MessageKey, zh } from './words/zh.ts';

export type { MessageKey };
export type Dictionary = Record<MessageKey, string>;

const loaded: Partial<Record<Lang, Dictionary>> = { 'zh-CN': zh };

/** The dictionary of `lang` if it is already here (Chinese always is), else undefined. */
export function loadedDictionary(lang: Lang): Dictionary | undefined {
  return loaded[lang];
}

/** The dictionary of `lang`, fetching its chunk the first time (English). */
export async function loadDictionary(lang: Lang): Promise<Dictionary> {
  const here = loaded[lang];
  if (here) return here;
  const { en } = await import('./words/en.ts');
  loaded.en = en;
  return en;
}

export function translate<K extends string = MessageKey>(
  dictionary: Readonly<Record<K, string>>,
  key: K,
  params: Record<string, string | number> = {},
): string {
  const template = dictionary[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}
