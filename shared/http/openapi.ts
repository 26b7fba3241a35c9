import {
  BudgetBody,
  ClaimListQuery,
  CreateClaimBody,
  MentorsBody,
  ObjectionBody,
  OutcomeBody,
  ReportQuery,
  UpdateClaimBody,
  WithdrawalBody,
} from '../schemas/claim.ts';
import { AddApprenticesBody, CreateCohortBody, UpdateCohortBody } from '../schemas/cohort.ts';
import { DecisionBody } from '../schemas/decision.ts';
import { CreateDocumentBody } from '../schemas/document.ts';
import { CohortListQuery, IdentityQuery, PageQuery, WithdrawBody } from '../schemas/http.ts';
import { PolicySchema } from '../schemas/policy.ts';
import * as z from '../schemas/zod.ts';

/**
 * OpenAPI 3.1, generated from the zod schemas that validate the requests (one source of truth).
 * Paths follow the HTTP API contract of architecture.md.
 */
const bodies = {
  CreateCohortBody,
  UpdateCohortBody,
  AddApprenticesBody,
  DecisionBody,
  WithdrawBody,
  WithdrawalBody,
  OutcomeBody,
  MentorsBody,
  CreateClaimBody,
  UpdateClaimBody,
  ObjectionBody,
  CreateDocumentBody,
  PolicySchema,
  BudgetBody,
} as const;

function schemaOf(schema: z.ZodMiniType) {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

function queryParameters(schema: z.ZodMiniObject) {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: !(field as z.ZodMiniType).safeParse(undefined).success,
    schema: schemaOf(field as z.ZodMiniType),
  }));
}

const problem = { $ref: '#/components/schemas/Problem' };
const errors = {
  '400': { description: 'Invalid input', content: { 'application/problem+json': { schema: problem } } },
  '401': { description: 'Missing or bad token' },
  '403': {
    description: 'This role may not do this',
    content: { 'application/problem+json': { schema: problem } },
  },
  '404': {
    description: 'Not found or not visible to the caller',
    content: { 'application/problem+json': { schema: problem } },
  },
  '409': {
    description: 'Wrong state or stale version',
    content: { 'application/problem+json': { schema: problem } },
  },
};

function op(summary: string, extra: Record<string, unknown> = {}) {
  return { summary, responses: { '200': { description: 'OK' }, ...errors }, ...extra };
}

function jsonBody(name: keyof typeof bodies) {
  return {
    requestBody: {
      required: true,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
    },
  };
}

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', maxLength: 128 },
};
const cohortId = { name: 'cohortId', in: 'path', required: true, schema: { type: 'string' } };
const apprenticeId = { name: 'apprenticeId', in: 'path', required: true, schema: { type: 'string' } };
const pathParameter = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const claimId = pathParameter('claimId');

let document: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  document ??= {
    openapi: '3.1.0',
    info: {
      title: 'ApprenticeFlow API',
      version: '1.0.0',
      description: 'New-type enterprise apprenticeship cohorts and training subsidies.',
    },
    components: {
      securitySchemes: { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        ...Object.fromEntries(Object.entries(bodies).map(([name, schema]) => [name, schemaOf(schema)])),
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    security: [{ jwt: [] }],
    paths: {
      '/health': { get: { ...op('Liveness and, locally, the endpoints in use'), security: [] } },
      '/openapi.json': { get: { ...op('This document'), security: [] } },
      '/cohorts': {
        post: op('Create a DRAFT cohort (enterprise.clerk)', {
          ...jsonBody('CreateCohortBody'),
          parameters: [idempotencyKey],
        }),
        get: op('List the caller’s cohorts', { parameters: queryParameters(CohortListQuery) }),
      },
      '/cohorts/{cohortId}': {
        get: op('One cohort with its apprentices (masked)', { parameters: [cohortId] }),
        patch: op('Edit while DRAFT or RETURNED', {
          ...jsonBody('UpdateCohortBody'),
          parameters: [cohortId, idempotencyKey],
        }),
      },
      '/cohorts/{cohortId}/apprentices': {
        post: op('Add apprentices (JSON array or text/csv); all or none', {
          ...jsonBody('AddApprenticesBody'),
          parameters: [cohortId, idempotencyKey],
        }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}': {
        delete: op('Remove an apprentice while DRAFT or RETURNED', { parameters: [cohortId, apprenticeId] }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}/identity': {
        get: op('Full ID number for a bureau reviewer; audited', {
          parameters: [cohortId, apprenticeId, ...queryParameters(IdentityQuery)],
        }),
      },
      '/cohorts/{cohortId}/submit': {
        post: op('Start cohort-filing', { parameters: [cohortId, idempotencyKey] }),
      },
      '/cohorts/{cohortId}/withdraw': {
        post: op('Withdraw before FILED', {
          ...jsonBody('WithdrawBody'),
          parameters: [cohortId, idempotencyKey],
        }),
      },
      '/cohorts/{cohortId}/history': {
        get: op('Audit trail', { parameters: [cohortId, ...queryParameters(PageQuery)] }),
      },
      '/cohorts/{cohortId}/audit-verification': {
        get: op('Recompute the cohort’s audit hash chain (bureau roles)', { parameters: [cohortId] }),
      },
      '/tasks': { get: op('The caller’s inbox', { parameters: queryParameters(PageQuery) }) },
      '/tasks/{taskId}/decision': {
        post: op('Approve, return or reject', {
          ...jsonBody('DecisionBody'),
          parameters: [
            { name: 'taskId', in: 'path', required: true, schema: { type: 'string' } },
            idempotencyKey,
          ],
        }),
      },
      '/organisations': { get: op('The register', { parameters: queryParameters(PageQuery) }) },
      '/occupations': { get: op('The occupation catalogue', { parameters: queryParameters(PageQuery) }) },
      '/policy': {
        get: op('The policy in force'),
        put: op('Add a policy version, effective from its date (bureau.admin)', {
          ...jsonBody('PolicySchema'),
          parameters: [idempotencyKey],
        }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}/withdrawal': {
        post: op('Record a withdrawal while FILED (enterprise.clerk)', {
          ...jsonBody('WithdrawalBody'),
          parameters: [cohortId, apprenticeId, idempotencyKey],
        }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}/outcome': {
        post: op('Record an outcome and certificate while FILED', {
          ...jsonBody('OutcomeBody'),
          parameters: [cohortId, apprenticeId, idempotencyKey],
        }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}/mentors': {
        put: op('Replace a mentor while FILED (school mentor: school; enterprise mentor: signatory)', {
          ...jsonBody('MentorsBody'),
          parameters: [cohortId, apprenticeId, idempotencyKey],
        }),
      },
      '/cohorts/{cohortId}/documents': {
        post: op('Announce an evidence document; answers a presigned PUT for exactly its bytes', {
          ...jsonBody('CreateDocumentBody'),
          parameters: [cohortId, idempotencyKey],
        }),
      },
      '/documents/{documentId}': {
        get: op('An evidence document, its history and (once STORED) a download link', {
          parameters: [pathParameter('documentId')],
        }),
      },
      '/claims': {
        post: op('Prepare an advance or final claim (enterprise.clerk)', {
          ...jsonBody('CreateClaimBody'),
          parameters: [idempotencyKey],
        }),
        get: op('The caller’s claims', { parameters: queryParameters(ClaimListQuery) }),
      },
      '/claims/{claimId}': {
        get: op('One claim with its computation and evidence', { parameters: [claimId] }),
        patch: op('Correct a PREPARED or RETURNED claim', {
          ...jsonBody('UpdateClaimBody'),
          parameters: [claimId, idempotencyKey],
        }),
      },
      '/claims/{claimId}/submit': {
        post: op('Submit (enterprise.signatory, not the preparer): starts subsidy-claim', {
          parameters: [claimId, idempotencyKey],
        }),
      },
      '/claims/{claimId}/history': {
        get: op('Audit trail', { parameters: [claimId, ...queryParameters(PageQuery)] }),
      },
      '/claims/{claimId}/objection': {
        post: op('Object during public notice (bureau.reviewer): back to review', {
          ...jsonBody('ObjectionBody'),
          parameters: [claimId, idempotencyKey],
        }),
      },
      '/budgets/{districtCode}/{year}': {
        get: op('A bureau’s budget for a year: budget, reserved, paid, available', {
          parameters: [pathParameter('districtCode'), pathParameter('year')],
        }),
        put: op('Set a budget (bureau.admin of that district)', {
          ...jsonBody('BudgetBody'),
          parameters: [pathParameter('districtCode'), pathParameter('year'), idempotencyKey],
        }),
      },
      '/reports/subsidies': {
        get: op('Totals by occupation, level, enterprise and school (json or csv)', {
          parameters: queryParameters(ReportQuery),
        }),
      },
    },
  };
  return document;
}
