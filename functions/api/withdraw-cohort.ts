import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { stepFunctions } from '../../shared/adapters/deps/workflows.ts';
import { withdrawCohort } from '../../shared/domain/use-cases/cohort-filing.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CohortPath, WithdrawBody } from '../../shared/schemas/http.ts';
import * as z from '../../shared/schemas/zod.ts';

export const handler = httpHandler(
  { roles: ['enterprise.clerk'], params: CohortPath, body: z.optional(WithdrawBody) },
  (request) =>
    withdrawCohort(
      { ...baseDeps(), workflows: stepFunctions() },
      request.principal,
      request.params.cohortId,
      request.body?.reason,
      request,
    ),
);
