import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { openClaimTask } from '../../shared/domain/use-cases/claim-steps.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { OpenClaimTaskInput } from '../../shared/schemas/steps.ts';

/** `.waitForTaskToken` step of each human stage of a claim (and of its public notice). */
export const handler = stepHandler(OpenClaimTaskInput, (input) => openClaimTask(baseDeps(), input));
