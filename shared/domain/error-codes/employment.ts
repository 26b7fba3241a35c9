/**
 * Employment verification (社保 check): contribution imports, the checks at filing and payment,
 * and the overrides of a failed check. Short on purpose: every bundle carries the whole catalogue.
 */
export const EMPLOYMENT_MESSAGES = {
  'month.shape': 'is a month as YYYY-MM',
  'employment.columns_missing': 'the header lacks {columns}',
  'employment.other_district': 'is not the district of this bureau ({districtCode})',
  'employment.row_repeated': 'repeats row {row} (same person, enterprise and month)',
  'employment.import_raced': 'Another import of this district ran meanwhile; retry',
  'employment.check_failed': 'The employment check failed for {count} apprentice(s); see errors',
  'employment.not_insured': 'not insured by {enterpriseId} in {months}',
  'employment.insured_before': 'insured by {enterpriseId} in {months}: not a new hire',
  'override.not_found': 'Override {overrideId} not found',
  'override_case.not_found': 'No cohort or claim {caseId} in this district',
  'override.apprentice_not_in_case': 'is not an apprentice of {caseId}',
  'override.expires_in_past': 'must not be before today ({today})',
  'override.writer_confirms': 'Whoever wrote an override cannot confirm it: another bureau user must',
  'override.not_pending': 'Override {overrideId} is {status}, not PENDING',
  'override.changed_meanwhile': 'The override changed meanwhile; retry',
} as const satisfies Record<string, string>;
