/**
 * The public notice page's routes (no token, issue 14): the district's claims on notice, and an
 * objection from anyone.
 */
import { zodSays } from '../domain/error-codes.ts';
import { PersonName, text } from './primitives.ts';
import * as z from './zod.ts';

const DistrictCode = z.string().check(z.regex(/^\d{6}$/, zodSays('district.code_shape')));

/** `GET /public/notices?districtCode=`: 50 a page unless told, at most 100. */
export const PublicNoticesQuery = z.strictObject({
  districtCode: DistrictCode,
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});

/** `POST /public/notices/{claimId}/objections`: who objects, how to reach them, and what they say. */
export const PublicObjectionBody = z.strictObject({
  name: PersonName,
  /** A phone number or an e-mail address; stored sealed, shown to the bureau masked. */
  contact: text(100),
  text: text(2000),
});

export type PublicObjectionBody = z.output<typeof PublicObjectionBody>;
