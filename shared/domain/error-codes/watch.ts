/** What the bureau watches (issue 15): demand lists. */
export const WATCH_MESSAGES = {
  'field.not_number': 'must be a number',
  'demand.period_invalid': 'a period is a quarter (2027-Q1) or a month (2027-03)',
  'demand.occupation_unknown': 'occupation {code} is not in the catalogue',
  'demand.duplicate_occupation': 'this occupation is listed twice',
  'demand.value_missing': 'give a demand ratio or a rank',
  'demand.ratio_invalid': 'a demand ratio is a number above 0 and at most 100, with at most two decimals',
  'demand.rank_invalid': 'a rank is a whole number from 1 to 10000',
  'demand.changed_meanwhile': 'The demand lists changed while this one was saved; send it again',
} as const satisfies Record<string, string>;
