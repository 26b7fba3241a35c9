/**
 * OpenAPI of the commitment (承诺书) and the credit blacklist (失信名单): the success bodies, and
 * the paths, added to the document by `openapi.ts`.
 */
export const COMMITMENT_TEXT = {
  type: 'object',
  description:
    'The commitment a signatory accepts when submitting a claim; the Chinese text binds, `en` is a translation',
  required: ['version', 'effectiveFrom', 'title', 'paragraphs', 'en'],
  properties: {
    version: { type: 'string', description: 'e.g. commitment-2026-12.1; a claim keeps the version accepted' },
    effectiveFrom: { type: 'string', format: 'date' },
    title: { type: 'string' },
    paragraphs: { type: 'array', items: { type: 'string' } },
    en: {
      type: 'object',
      properties: {
        title: { type: 'string' },
        paragraphs: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

export const ACCEPTED_COMMITMENT = {
  type: 'object',
  description: 'The commitment accepted at the last submission',
  required: ['version', 'acceptedAt', 'acceptedBy'],
  properties: {
    version: { type: 'string' },
    acceptedAt: { type: 'string', format: 'date-time' },
    acceptedBy: {
      type: 'object',
      properties: { sub: { type: 'string' }, username: { type: 'string' } },
    },
  },
};

export const CREDIT_LISTING = {
  type: 'object',
  description:
    'An enterprise on its district’s credit blacklist from one date to another (both included, China calendar)',
  required: ['enterpriseId', 'districtCode', 'from', 'to', 'reason', 'inForce', 'version'],
  properties: {
    enterpriseId: { type: 'string', description: 'USCC' },
    districtCode: { type: 'string' },
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date' },
    reason: { type: 'string' },
    inForce: { type: 'boolean', description: 'from ≤ today ≤ to, today in China time' },
    listedBy: {
      type: 'object',
      properties: { sub: { type: 'string' }, username: { type: 'string' } },
    },
    listedAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    version: { type: 'integer' },
    removed: { type: 'boolean', description: 'DELETE: the listing was removed' },
  },
};

export const CREDIT_LISTING_PAGE = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { $ref: '#/components/schemas/CreditListing' } },
    nextCursor: { type: ['string', 'null'] },
  },
};

export const TRUST_SCHEMAS = {
  CommitmentText: COMMITMENT_TEXT,
  AcceptedCommitment: ACCEPTED_COMMITMENT,
  CreditListing: CREDIT_LISTING,
  CreditListingPage: CREDIT_LISTING_PAGE,
};
