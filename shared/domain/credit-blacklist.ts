import type { AuditDraft } from './audit.ts';
import type { IdempotencyWrite, Page } from './ports.ts';

/**
 * A district's credit blacklist (失信名单, domain.md "Employment verification"): an enterprise of
 * the district, by USCC, listed from one date to another (both days included, China calendar).
 * While listed it cannot submit cohorts or claims, nor prepare a claim. The district's
 * `bureau.admin` keeps the list; every change is one transaction with its audit record, on the
 * district list's own hash chain.
 */
export interface CreditListing {
  enterpriseId: string;
  districtCode: string;
  from: string;
  to: string;
  reason: string;
  listedBy: { sub: string; username: string };
  listedAt: string;
  updatedAt: string;
  version: number;
}

/** A listing with whether it holds today. */
export type CreditListingView = CreditListing & { inForce: boolean };

/** The listing holds on `today` (YYYY-MM-DD, China time) when from ≤ today ≤ to. */
export function listingInForce(listing: Pick<CreditListing, 'from' | 'to'>, today: string): boolean {
  return listing.from <= today && today <= listing.to;
}

export function listingView(listing: CreditListing, today: string): CreditListingView {
  return { ...listing, inForce: listingInForce(listing, today) };
}

/**
 * What a submission's own transaction checks (a ConditionCheck on the listing item), so a listing
 * written at the same moment cannot be missed: the enterprise is not listed on `today`.
 */
export interface NotListedCheck {
  districtCode: string;
  enterpriseId: string;
  today: string;
}

export interface CreditListingChange {
  districtCode: string;
  enterpriseId: string;
  /** The listing to write; absent when it is removed. */
  listing?: CreditListing | undefined;
  /** The version read (null: none). */
  expectedVersion: number | null;
  audit: AuditDraft;
  idempotency?: IdempotencyWrite | undefined;
}

export interface CreditBlacklistStore {
  listing(districtCode: string, enterpriseId: string): Promise<CreditListing | undefined>;
  list(
    districtCode: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<CreditListing>>;
  /** One transaction: the listing (or its removal), the audit record, the chain head, the idempotency record. */
  change(change: CreditListingChange): Promise<void>;
}
