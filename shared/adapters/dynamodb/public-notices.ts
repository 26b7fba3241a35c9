import type { ClaimRecord } from '../../domain/claim.ts';
import type { Page } from '../../domain/ports.ts';
import { indexKeys, keys } from './keys.ts';
import { stripKeys } from './rows.ts';
import type { Item, Table } from './table.ts';

/**
 * Claims whose public notice is running in a district (issue 14): one Query of the district's
 * notice waits (GSI1 `NOTICES#<district>`, soonest ending first), one BatchGetItem of their claims.
 * Apart from the claim store so that only the public list's bundle carries it.
 */
export async function claimsInNotice(
  table: Table,
  districtCode: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<ClaimRecord>> {
  const page = await table.query<Item>({
    index: 'GSI1',
    pk: indexKeys.notices(districtCode),
    limit: options.limit,
    cursor: options.cursor,
  });
  const ids = [...new Set(page.items.map((item) => String(item.caseId)))];
  const claims = ids.length > 0 ? await table.batchGet<Item>(ids.map((id) => keys.claim(id))) : [];
  const byId = new Map(claims.map((item) => [String(item.claimId), stripKeys<ClaimRecord>(item)]));
  return {
    items: ids.flatMap((id) => {
      const claim = byId.get(id);
      return claim ? [claim] : [];
    }),
    nextCursor: page.nextCursor,
  };
}
