import { COMMITMENT_VERSION } from '../domain/commitment-version.ts';
import { zodSays } from '../domain/error-codes.ts';
import { IsoDate, Uscc } from './primitives.ts';
import * as z from './zod.ts';

/**
 * `POST /claims/{claimId}/submit`: the signatory's acceptance of the commitment (承诺书). An empty
 * body reads as no acceptance, so every refusal names the one field `commitment.accepted`.
 */
const SubmitClaimFields = z.strictObject({
  commitment: z.optional(z.strictObject({ accepted: z.optional(z.boolean()) })),
});
export const SubmitClaimBody = z.optional(SubmitClaimFields).check(
  z.refine((body) => body?.commitment?.accepted === true, {
    message: zodSays('commitment.not_accepted', { version: COMMITMENT_VERSION }),
    path: ['commitment', 'accepted'],
  }),
);
export type SubmitClaimBody = z.output<typeof SubmitClaimBody>;
/** `PUT|DELETE /credit-blacklist/{enterpriseId}`. */
export const CreditListingPath = z.strictObject({ enterpriseId: Uscc });

/** A listing: from and to are dates of the China calendar, both days included. */
export const CreditListingBody = z
  .strictObject({
    from: IsoDate,
    to: IsoDate,
    reason: z
      .string()
      .check(z.trim(), z.minLength(1, zodSays('credit_blacklist.reason_required')), z.maxLength(500)),
  })
  .check(
    z.refine((body) => body.to >= body.from, {
      message: zodSays('credit_blacklist.to_before_from'),
      path: ['to'],
    }),
  );
export type CreditListingBody = z.output<typeof CreditListingBody>;
