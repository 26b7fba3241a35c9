import { CURRENT_COMMITMENT } from '../domain/commitment.ts';
import { zodSays } from '../domain/error-codes.ts';
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
    message: zodSays('commitment.not_accepted', { version: CURRENT_COMMITMENT.version }),
    path: ['commitment', 'accepted'],
  }),
);
export type SubmitClaimBody = z.output<typeof SubmitClaimBody>;
