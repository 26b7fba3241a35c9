import * as z from 'zod';

/** Path and query parameters shared by the routes. */
const id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'is not an id this API gave out');

export const CohortPath = z.strictObject({ cohortId: id });
export const ApprenticePath = z.strictObject({ cohortId: id, apprenticeId: id });
export const TaskPath = z.strictObject({ taskId: id });

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const CohortListQuery = PageQuery.extend({
  status: z
    .enum([
      'DRAFT',
      'COMPANY_REVIEW',
      'SCHOOL_REVIEW',
      'BUREAU_REVIEW',
      'RETURNED',
      'REJECTED',
      'WITHDRAWN',
      'FILED',
      'COMPLETED',
    ])
    .optional(),
});

export const IdentityQuery = z.strictObject({
  reason: z.string().trim().min(4, 'say why you need the full number (at least 4 characters)').max(500),
});

export const WithdrawBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
