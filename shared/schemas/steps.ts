import * as z from 'zod';

/** Inputs of the workflow steps, as the state machine's Parameters build them. */
const stage = z.enum(['COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW']);

export const CaseInput = z.object({ cohortId: z.string().min(1), round: z.number().int().min(1) });
export const StageInput = CaseInput.extend({ stage });
export const OpenReviewInput = StageInput.extend({
  taskToken: z.string().min(1),
  timeoutSeconds: z.number().int().min(1),
});

const claimStage = z.enum(['SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT']);
export const ClaimInput = z.object({ claimId: z.string().min(1), round: z.number().int().min(1) });
export const ClaimStageInput = ClaimInput.extend({ stage: claimStage });
export const OpenClaimTaskInput = ClaimStageInput.extend({
  taskToken: z.string().min(1),
  timeoutSeconds: z.number().int().min(1),
});
