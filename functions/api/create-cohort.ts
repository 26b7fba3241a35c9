import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { personalData } from '../../shared/adapters/deps/personal-data.ts';
import { createCohort } from '../../shared/domain/use-cases/cohort-drafts.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CreateCohortBody } from '../../shared/schemas/cohort.ts';

export const handler = httpHandler({ roles: ['enterprise.clerk'], body: CreateCohortBody }, (request) =>
  createCohort({ ...baseDeps(), pii: personalData() }, request.principal, request.body, request),
);
