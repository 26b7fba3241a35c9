import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canSeeClaim } from '../../shared/domain/claim.ts';
import { canSee } from '../../shared/domain/cohort.ts';
import type { Page } from '../../shared/domain/ports.ts';
import { cityPrefixOf, districtInCity, type Principal } from '../../shared/domain/principal.ts';
import { acrossDistricts } from '../../shared/domain/use-cases/city-reads.ts';

const cityAdmin: Principal = { sub: 'u-city', username: 'city-admin', role: 'city.admin', orgId: '110000' };

describe('a city and its districts, by division code', () => {
  it('covers 110108 and 110105 from 110000 (a municipality), 330106 from 330100 (a prefecture city)', () => {
    expect(cityPrefixOf('110000')).toBe('11');
    expect(cityPrefixOf('330100')).toBe('3301');
    expect(districtInCity('110000', '110108')).toBe(true);
    expect(districtInCity('110000', '110105')).toBe(true);
    expect(districtInCity('110000', '310101')).toBe(false);
    expect(districtInCity('330100', '330106')).toBe(true);
    expect(districtInCity('330100', '330206')).toBe(false);
    expect(districtInCity('110000', '110000')).toBe(false); // the city is not its own district
    expect(districtInCity('not-a-code', '110108')).toBe(false);
  });

  it('lets the municipal bureau see a submitted case of its districts only; drafts stay the enterprise’s', () => {
    const cohort = { enterpriseId: 'E', schoolId: 'S', districtCode: '110108' };
    expect(canSee(cityAdmin, cohort)).toBe(true);
    expect(canSee(cityAdmin, { ...cohort, districtCode: '310101' })).toBe(false);
    expect(canSeeClaim(cityAdmin, { ...cohort, round: 1 })).toBe(true);
    expect(canSeeClaim(cityAdmin, { ...cohort, round: 0 })).toBe(false);
    expect(canSeeClaim({ ...cityAdmin, orgId: '310000' }, { ...cohort, round: 1 })).toBe(false);
  });
});

/** District lists as the store pages them: `limit` at a time, an opaque cursor of its own. */
function fakeDistricts(sizes: Record<string, number>) {
  const lists = Object.fromEntries(
    Object.entries(sizes).map(([code, size]) => [
      code,
      Array.from({ length: size }, (_, i) => `${code}-${i}`),
    ]),
  );
  const listDistrict = async (code: string, page: { limit: number; cursor?: string | undefined }) => {
    const items = lists[code]!;
    const start = page.cursor ? Number(page.cursor.split(':')[1]) : 0;
    if (page.cursor && !page.cursor.startsWith(`${code}:`)) throw new Error('cursor of another district');
    const end = Math.min(items.length, start + page.limit);
    return { items: items.slice(start, end), nextCursor: end < items.length ? `${code}:${end}` : null };
  };
  return { reference: { districtsOf: async () => Object.keys(sizes) }, listDistrict, lists };
}

describe('acrossDistricts', () => {
  it('pages through every district’s list once, in order, no page over the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 7 }), { minLength: 0, maxLength: 5 }),
        fc.integer({ min: 1, max: 6 }),
        async (sizes, limit) => {
          const { reference, listDistrict, lists } = fakeDistricts(
            Object.fromEntries(sizes.map((size, index) => [`1101${String(index).padStart(2, '0')}`, size])),
          );
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages < 100; pages++) {
            const page: Page<string> = await acrossDistricts(
              reference,
              '110000',
              { limit, cursor },
              listDistrict,
            );
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items);
            if (!page.nextCursor) break;
            cursor = page.nextCursor;
          }
          expect(seen).toEqual(Object.values(lists).flat());
        },
      ),
    );
  });

  it('refuses a cursor it did not give out, or one naming a district not of the city', async () => {
    const { reference, listDistrict } = fakeDistricts({ '110108': 3 });
    const foreign = Buffer.from(JSON.stringify({ d: '310101' })).toString('base64url');
    for (const cursor of ['garbage', foreign])
      await expect(
        acrossDistricts(reference, '110000', { limit: 2, cursor }, listDistrict),
      ).rejects.toMatchObject({
        status: 400,
        errors: [{ path: 'query.cursor', code: 'cursor.invalid' }],
      });
  });
});
