/**
 * Both dictionaries at once, for the tests (which read every word of both languages) and for
 * nothing the console loads: the console has Chinese in its first load and English on request.
 */
import type { Lang } from '../format.ts';
import { en } from './en.ts';
import { type MessageKey, zh } from './zh.ts';

export const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };
