import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { planHandlingLimit } from '../../shared/domain/handling.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { HandlingLimitInput } from '../../shared/schemas/steps.ts';

/** Before a bureau stage's wait: the seconds its handling limit (working days) leaves. */
export const handler = stepHandler(HandlingLimitInput, (input) => planHandlingLimit(baseDeps(), input));
