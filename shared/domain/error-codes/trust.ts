/**
 * The enterprise's commitment (承诺书) and the district's credit blacklist (失信名单). Short on
 * purpose: every bundle carries the whole catalogue.
 */
export const TRUST_MESSAGES = {
  'commitment.not_accepted': 'accept the commitment ({version}) to submit',
  'credit_blacklist.listed':
    '{enterpriseId} is on the credit blacklist of {districtCode} from {from} to {to}: no submissions meanwhile',
  'credit_blacklist.own_district_only': 'Only the bureau admin of {districtCode} keeps this listing',
  'credit_listing.not_found': '{enterpriseId} is not on the credit blacklist',
  'credit_blacklist.changed_meanwhile': 'The credit blacklist changed meanwhile; retry',
  'credit_blacklist.to_before_from': 'must not be before from',
  'credit_blacklist.reason_required': 'state the reason',
} as const satisfies Record<string, string>;
