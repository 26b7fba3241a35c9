import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { openReviewTask } from '../../shared/domain/use-cases/cohort-filing.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { OpenReviewInput } from '../../shared/schemas/steps.ts';

/** `.waitForTaskToken` step of each review: opens the inbox task holding the token. */
export const handler = stepHandler(OpenReviewInput, (input) => openReviewTask(baseDeps(), input));
