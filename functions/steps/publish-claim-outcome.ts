import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { domainEvents } from '../../shared/adapters/deps/events.ts';
import { publishClaimOutcome } from '../../shared/domain/use-cases/claim-steps.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { ClaimInput } from '../../shared/schemas/steps.ts';

export const handler = stepHandler(ClaimInput, (input) =>
  publishClaimOutcome({ ...baseDeps(), events: domainEvents() }, input),
);
