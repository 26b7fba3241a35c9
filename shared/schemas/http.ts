import { zodSays } from '../domain/error-codes.ts';
import { Uscc } from './primitives.ts';
import * as z from './zod.ts';

/** Path and query parameters shared by the routes. */
const id = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, zodSays('id.not_issued')));

export const CohortPath = z.strictObject({ cohortId: id });
export const ApprenticePath = z.strictObject({ cohortId: id, apprenticeId: id });
export const TaskPath = z.strictObject({ taskId: id });
/** An enterprise or school by its USCC (bureaus keep no mentors). */
export const OrganisationPath = z.strictObject({ orgId: Uscc });

/** `limit` (1–100, `fallback` when left out) and `cursor` of a paginated list. */
export function pageQuery(fallback = 25) {
  return z.strictObject({
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), fallback),
    cursor: z.optional(z.string().check(z.maxLength(2048))),
  });
}

export const PageQuery = pageQuery();

/** `POST /policy/preview`: open cohorts a page, across the city's districts (20 unless told, at most 100). */
export const PolicyPreviewQuery = pageQuery(20);

export const CohortListQuery = z.extend(PageQuery, {
  status: z.optional(
    z.enum([
      'DRAFT',
      'COMPANY_REVIEW',
      'SCHOOL_REVIEW',
      'BUREAU_REVIEW',
      'RETURNED',
      'REJECTED',
      'WITHDRAWN',
      'FILED',
      'COMPLETED',
    ]),
  ),
});

export const IdentityQuery = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(4, zodSays('identity.reason_too_short')), z.maxLength(500)),
  /**
   * Which identity fields to return, comma-separated (`idNumber`, `phone`); both when left out.
   * The audit record names exactly the fields returned.
   */
  fields: z.optional(
    z.string().check(z.regex(/^(idNumber|phone)(,(idNumber|phone))?$/, zodSays('identity.fields_list'))),
  ),
});

export type IdentityField = 'idNumber' | 'phone';

/** The fields a `fields` parameter asks for, in a fixed order (both when it is absent). */
export function identityFields(fields: string | undefined): IdentityField[] {
  const asked = new Set((fields ?? 'idNumber,phone').split(','));
  return (['idNumber', 'phone'] as const).filter((field) => asked.has(field));
}

export const WithdrawBody = z.strictObject({
  reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))),
});
