import * as z from './zod.ts';

/** Inputs of the workflow steps, as the state machine's Parameters build them. */
const stage = z.enum(['COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW']);
const nonEmpty = z.string().check(z.minLength(1));
const positive = z.number().check(z.int(), z.gte(1));

export const CaseInput = z.object({ cohortId: nonEmpty, round: positive });
export const StageInput = z.extend(CaseInput, { stage });
export const OpenReviewInput = z.extend(StageInput, { taskToken: nonEmpty, timeoutSeconds: positive });

const claimStage = z.enum(['SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT']);
export const ClaimInput = z.object({ claimId: nonEmpty, round: positive });
export const ClaimStageInput = z.extend(ClaimInput, { stage: claimStage });
export const OpenClaimTaskInput = z.extend(ClaimStageInput, {
  taskToken: nonEmpty,
  timeoutSeconds: positive,
});

/** `plan-handling-limit`: which bureau stage of which workflow is about to wait. */
export const HandlingLimitInput = z.object({
  workflow: z.enum(['cohort-filing', 'subsidy-claim']),
  stage: z.enum(['BUREAU_REVIEW']),
});
