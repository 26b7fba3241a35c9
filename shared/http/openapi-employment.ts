/**
 * OpenAPI of employment verification (社保 check): the contribution import's answer, the check
 * runs of a cohort and the overrides, added to the document by `openapi.ts`.
 */
const MONTHS = { type: 'array', items: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } };
const WHO = { type: 'object', properties: { sub: { type: 'string' }, username: { type: 'string' } } };

export const CONTRIBUTION_IMPORT = {
  type: 'object',
  description: 'An imported contribution file: its rows replace those months of each enterprise in it',
  required: ['importId', 'rows'],
  properties: {
    importId: { type: 'string' },
    rows: { type: 'integer' },
    enterprises: { type: 'integer' },
    months: MONTHS,
    sha256: { type: 'string', description: 'SHA-256 (hex) of the file as sent, which is kept' },
  },
};

export const EMPLOYMENT_CHECK = {
  type: 'object',
  description:
    'One apprentice checked under one rule by one run (at the bureau filing stage or before a payment)',
  required: ['checkId', 'at', 'stage', 'apprenticeId', 'window', 'result', 'months', 'overrideId'],
  properties: {
    checkId: { type: 'string' },
    runId: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    stage: { type: 'string', enum: ['BUREAU_REVIEW', 'PAYMENT'] },
    rule: { type: 'string', enum: ['insured_at_start', 'not_insured_before', 'insured_before_payment'] },
    caseId: { type: 'string', description: 'The case decided: the cohort at filing, the claim at payment' },
    apprenticeId: { type: 'string' },
    row: { type: 'integer', description: 'The apprentice’s row in the cohort, from 0' },
    window: {
      type: 'object',
      required: ['from', 'to'],
      properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } },
    },
    result: { type: 'string', enum: ['pass', 'fail'] },
    months: { ...MONTHS, description: 'The months that failed the rule (empty on a pass)' },
    checkedMonths: MONTHS,
    overrideId: {
      type: ['string', 'null'],
      description: 'The confirmed override that let a failed result through',
    },
  },
};

export const EMPLOYMENT_CHECK_PAGE = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { $ref: '#/components/schemas/EmploymentCheck' } },
    nextCursor: { type: ['string', 'null'] },
  },
};

export const OVERRIDE = {
  type: 'object',
  description:
    'A bureau reviewer’s override of failed employment checks of one case; ACTIVE once another bureau user confirmed it, until expiresOn (included)',
  required: [
    'overrideId',
    'status',
    'caseId',
    'apprenticeIds',
    'check',
    'reason',
    'caseReference',
    'expiresOn',
  ],
  properties: {
    overrideId: { type: 'string' },
    status: { type: 'string', enum: ['PENDING', 'ACTIVE', 'EXPIRED'] },
    districtCode: { type: 'string' },
    caseId: { type: 'string' },
    cohortId: { type: 'string' },
    apprenticeIds: { type: 'array', items: { type: 'string' } },
    check: { type: 'string', enum: ['employment'] },
    reason: { type: 'string' },
    caseReference: { type: 'string' },
    expiresOn: { type: 'string', format: 'date' },
    writtenBy: WHO,
    writtenAt: { type: 'string', format: 'date-time' },
    confirmedBy: WHO,
    confirmedAt: { type: 'string', format: 'date-time' },
    version: { type: 'integer' },
  },
};

export const OVERRIDE_PAGE = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { $ref: '#/components/schemas/Override' } },
    nextCursor: { type: ['string', 'null'] },
  },
};

export const EMPLOYMENT_SCHEMAS = {
  ContributionImport: CONTRIBUTION_IMPORT,
  EmploymentCheck: EMPLOYMENT_CHECK,
  EmploymentCheckPage: EMPLOYMENT_CHECK_PAGE,
  Override: OVERRIDE,
  OverridePage: OVERRIDE_PAGE,
};
