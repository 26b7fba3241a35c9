import type { CreditListing, NotListedCheck } from '../../domain/credit-blacklist.ts';
import { says } from '../../domain/error-codes.ts';
import { Forbidden } from '../../domain/errors.ts';
import { keys } from './keys.ts';
import type { Item, Table, Write } from './table.ts';

/**
 * What the cohort and claim stores add to a submission's transaction so that a credit listing
 * (失信名单) written at the same moment cannot be missed; apart from the blacklist's own store, so
 * the functions that submit bundle only this.
 *
 * The ConditionCheck a submission's transaction carries: no listing of the enterprise holds today
 * (none, or it ends before today, or it starts after).
 */
export function notListedWrite(check: NotListedCheck): Write {
  return {
    check: keys.creditListing(check.districtCode, check.enterpriseId),
    condition: 'attribute_not_exists(pk) OR #to < :today OR #from > :today',
    names: { '#from': 'from', '#to': 'to' },
    values: { ':today': check.today },
  };
}

/** The refusal when that check failed: 403 naming the listing's dates (read again to name them). */
export async function listedRefusal(table: Table, check: NotListedCheck): Promise<Forbidden> {
  const item = await table.get<Item>(keys.creditListing(check.districtCode, check.enterpriseId));
  const listing = datesOf(item);
  return new Forbidden(
    says('credit_blacklist.listed', {
      enterpriseId: check.enterpriseId,
      districtCode: check.districtCode,
      from: listing?.from ?? check.today,
      to: listing?.to ?? check.today,
    }),
  );
}

function datesOf(item: Item | undefined): Pick<CreditListing, 'from' | 'to'> | undefined {
  return item ? { from: String(item.from), to: String(item.to) } : undefined;
}
