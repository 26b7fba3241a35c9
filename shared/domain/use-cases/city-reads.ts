import { says } from '../error-codes.ts';
import { fieldError, ValidationFailed } from '../errors.ts';
import type { Page, ReferenceData } from '../ports.ts';

/**
 * The municipal bureau's lists (domain.md, "Parties": `city.admin` reads every district's cases):
 * the district lists one after the other, in the order of the register, each through its own
 * district index (no Scan), under one opaque cursor that names the district and the cursor
 * within it. A page is filled from the next districts when one runs out.
 */
export async function acrossDistricts<T>(
  reference: Pick<ReferenceData, 'districtsOf'>,
  cityCode: string,
  query: { limit: number; cursor?: string | undefined },
  listDistrict: (
    districtCode: string,
    page: { limit: number; cursor?: string | undefined },
  ) => Promise<Page<T>>,
): Promise<Page<T>> {
  const districts = await reference.districtsOf(cityCode);
  let { district, cursor } = decodeCityCursor(query.cursor, districts);
  const items: T[] = [];
  for (let index = district; index < districts.length; index++) {
    const page = await listDistrict(districts[index]!, { limit: query.limit - items.length, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    if (cursor) return { items, nextCursor: encodeCityCursor(districts[index]!, cursor) };
    if (items.length >= query.limit)
      return {
        items,
        nextCursor: index + 1 < districts.length ? encodeCityCursor(districts[index + 1]!) : null,
      };
  }
  return { items, nextCursor: null };
}

/** `{"d": district, "c": the district list's own cursor}`; the district list still checks its own part. */
function encodeCityCursor(districtCode: string, cursor?: string): string {
  return Buffer.from(JSON.stringify(cursor ? { d: districtCode, c: cursor } : { d: districtCode })).toString(
    'base64url',
  );
}

function decodeCityCursor(
  cursor: string | undefined,
  districts: readonly string[],
): { district: number; cursor: string | undefined } {
  if (!cursor) return { district: 0, cursor: undefined };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const { d, c } = (typeof value === 'object' && value !== null ? value : {}) as { d?: unknown; c?: unknown };
  const district = typeof d === 'string' ? districts.indexOf(d) : -1;
  if (district === -1 || (c !== undefined && typeof c !== 'string')) throw badCursor();
  return { district, cursor: c };
}

const badCursor = () => new ValidationFailed([fieldError('query.cursor', says('cursor.invalid'))]);
