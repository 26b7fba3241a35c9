import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { checkClaimTaskExpiry } from '../../shared/domain/use-cases/claim-steps.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { ClaimStageInput } from '../../shared/schemas/steps.ts';

export const handler = stepHandler(ClaimStageInput, (input) => checkClaimTaskExpiry(baseDeps(), input));
