import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { checkExpiredReview } from '../../shared/domain/use-cases/cohort-filing.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { StageInput } from '../../shared/schemas/steps.ts';

export const handler = stepHandler(StageInput, (input) => checkExpiredReview(baseDeps(), input));
