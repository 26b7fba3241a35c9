import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { planPublicNotice } from '../../shared/domain/use-cases/claim-notice.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { ClaimInput } from '../../shared/schemas/steps.ts';

export const handler = stepHandler(ClaimInput, (input) => planPublicNotice(baseDeps(), input));
