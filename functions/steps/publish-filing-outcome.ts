import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { domainEvents } from '../../shared/adapters/deps/events.ts';
import { publishFilingOutcome } from '../../shared/domain/use-cases/cohort-filing.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { CaseInput } from '../../shared/schemas/steps.ts';

export const handler = stepHandler(CaseInput, (input) =>
  publishFilingOutcome({ ...baseDeps(), events: domainEvents() }, input),
);
