/**
 * Both dictionaries at once, for the tests (which read every word of both languages) and for
 * nothing the console loads: the console has Chinese in its first load and English on request;
 * the dashboard's report words come with the dashboard (`reports-zh.ts`, `reports-en.ts`).
 */
import type { Lang } from '../format.ts';
import { en } from './en.ts';
import { reportsEn } from './reports-en.ts';
import { type ReportKey, reportsZh } from './reports-zh.ts';
import { type MessageKey, zh } from './zh.ts';

export const DICTIONARIES: Record<Lang, Record<MessageKey | ReportKey, string>> = {
  'zh-CN': { ...zh, ...reportsZh },
  en: { ...en, ...reportsEn },
};
