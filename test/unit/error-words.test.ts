import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_ERROR_MESSAGES as ERROR_MESSAGES } from '../../shared/domain/error-codes/all.ts';
import { type ErrorCode, renderTemplate, says } from '../../shared/domain/error-codes.ts';
import { ERROR_WORDS, errorWords, renderErrorWords } from '../../web/src/error-words.ts';
import { DICTIONARIES } from '../../web/src/words/all.ts';

const ROOT = join(import.meta.dirname, '../..');
/** Where the API's code runs: the functions, the domain, the adapters, the HTTP layer, the schemas. */
const SERVER_SOURCES = ['functions', 'shared'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];
/** A use is a code named in the server's sources, outside the catalogue and the API document that lists it. */
const serverText = SERVER_SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)))
  .filter((path) => !/^shared\/(domain\/error-codes|http\/openapi\.ts)/.test(relative(ROOT, path)))
  .map((path) => readFileSync(path, 'utf8'))
  .join('\n');

const placeholders = (template: string) =>
  [...template.matchAll(/\{(\w+)(?:\+1|:\w+)?\}/g)].map((match) => match[1]).sort();

/** Params for a template: numbers where a number is named, words elsewhere. */
function sampleParams(template: string): Record<string, string | number> {
  return Object.fromEntries(placeholders(template).map((name, index) => [name, index + 3]));
}

describe('error codes', () => {
  it(`lists ${CODES.length} codes the API can emit, each used by the server and none unused`, () => {
    const unused = CODES.filter((code) => !serverText.includes(`'${code}'`));
    expect(unused, 'codes in the catalogue that no server code emits').toEqual([]);
    for (const code of CODES) expect(code).toMatch(/^[a-z0-9_]+\.[a-z0-9_]+$/);
  });

  it('has zh and en words for every code the API can emit, naming only params it sends', () => {
    for (const code of CODES) {
      for (const lang of ['zh-CN', 'en'] as const) {
        const words = ERROR_WORDS[lang][code];
        expect(words, `${lang} words for ${code}`).toBeTruthy();
        // Braces the English names literally (a route's `{cohortId}`) are not params.
        // Words may leave a param out (一个"退回或不予通过" for either decision), never name one not sent.
        const sent = placeholders(ERROR_MESSAGES[code]);
        for (const name of placeholders(words))
          expect(sent, `${lang} param {${name}} of ${code}`).toContain(name);
      }
      const params = sampleParams(ERROR_MESSAGES[code]);
      const zh = errorWords('zh-CN', says(code, params));
      expect(zh, `zh of ${code} renders`).not.toMatch(/\{\w+(\+1|:\w+)?\}/);
      expect(zh, `zh of ${code} is Chinese`).toMatch(/[\u4e00-\u9fff]/);
      expect(errorWords('en', says(code, params))).toBe(renderTemplate(ERROR_MESSAGES[code], params));
    }
  });

  it('words a field error in Chinese by its code, rows counted from 1, values through the dictionary', () => {
    expect(errorWords('zh-CN', says('id_number.check_character'))).toBe('校验码错误');
    expect(errorWords('zh-CN', says('apprentice.person_repeated', { row: 3 }))).toBe('与第 4 行是同一人');
    expect(errorWords('en', says('apprentice.person_repeated', { row: 3 }))).toBe(
      'the same person is already in this cohort at row 3',
    );
    const zh = DICTIONARIES['zh-CN'] as Record<string, string | undefined>;
    expect(
      renderErrorWords(
        '{kind:docKind}只接受 {types}',
        { kind: 'certificate', types: 'PDF' },
        (key) => zh[key],
      ),
    ).toBe(`${zh['docKind.certificate']}只接受 PDF`);
  });

  it('shows the English of a code this console does not know yet (a newer server), as written', () => {
    expect(errorWords('zh-CN', { code: 'future.rule', message: 'something new' })).toBe('something new');
    expect(errorWords('zh-CN', { message: 'no code at all' })).toBe('no code at all');
  });
});
