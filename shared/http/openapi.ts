import { ALL_ERROR_MESSAGES as ERROR_MESSAGES } from '../domain/error-codes/all.ts';
import type { ErrorCode } from '../domain/error-codes.ts';
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
import { ContributionImportBody, OverrideBody, OverrideListQuery } from '../schemas/employment.ts';
import {
  CohortListQuery,
  IdentityQuery,
  PageQuery,
  PolicyPreviewQuery,
  WithdrawBody,
} from '../schemas/http.ts';
import { PolicySchema } from '../schemas/policy.ts';
import { PublicNoticesQuery, PublicObjectionBody } from '../schemas/public-notice.ts';
import {
  DemandListBody,
  DemandPath,
  DemandQuery,
  PipelineQuery,
  WatchReportQuery,
} from '../schemas/reports.ts';
import { CreditListingBody, SubmitClaimBody } from '../schemas/trust.ts';
import * as z from '../schemas/zod.ts';
import { CLAIM_SCHEMAS } from './openapi-claim.ts';
import { EMPLOYMENT_SCHEMAS } from './openapi-employment.ts';
import { TRUST_SCHEMAS } from './openapi-trust.ts';

/**
 * OpenAPI 3.1, generated from the zod schemas that validate the requests (one source of truth),
 * written to generate clients from: each operation is named by its function in
 * infra/function-map.ts (`operationId`; test/unit/openapi.test.ts holds the two together both
 * ways), `servers` names the embedded runtime and the deployed API, and every operation lists the
 * error statuses it can answer with their bodies. `@redocly/cli lint` with its recommended rules
 * passes (test/unit/openapi-lint.test.ts). Paths follow the HTTP API contract of architecture.md.
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
  SubmitClaimBody,
  CreditListingBody,
  ContributionImportBody,
  OverrideBody,
  PublicObjectionBody,
  DemandListBody,
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

// ---------------------------------------------------------------------------------------------
// Errors: problem+json (RFC 9457) from the handlers, API Gateway's own `{"message"}` where the
// gateway answers before any handler runs (a missing or bad token, throttling, its own limits).
// ---------------------------------------------------------------------------------------------

type ErrorStatus = '400' | '401' | '403' | '404' | '409' | '413' | '415' | '422' | '429' | '503';

/**
 * The stable error codes, to translate by (issue 11, item 4; the catalogue is
 * shared/domain/error-codes.ts): those a problem of a status can carry become the `code` enum of
 * that status's body in every operation, those of a field error the `code` enum of `FieldError`.
 * A status left out (403, 409: the rules of every case) has `code` as any code of the catalogue.
 */
const CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];
const codesOf = (subject: string): ErrorCode[] => CODES.filter((code) => code.startsWith(`${subject}.`));

export const ERROR_CODES: Partial<Record<ErrorStatus, readonly ErrorCode[]>> = {
  '400': ['request.invalid'],
  '401': ['auth.no_token', 'auth.token_incomplete'],
  '404': CODES.filter((code) => code.endsWith('.not_found')),
  '413': ['body.too_large'],
  '415': codesOf('media_type'),
  '422': ['idempotency.key_reused'],
  '429': ['objection.throttled'],
  '503': ['request.unavailable'],
};
/** A field error (and a record standing in the way of a 409) carries any code but the generic ones. */
export const FIELD_ERROR_CODES: readonly ErrorCode[] = CODES.filter((code) => !code.startsWith('request.'));

const fieldError = () => ({
  type: 'object',
  description: 'One bad field of the request.',
  required: ['path', 'message'],
  properties: {
    path: { type: 'string', description: 'Dotted path of the field, e.g. `apprentices.3.idNumber`.' },
    message: { type: 'string', description: 'What is wrong, in English.' },
    code: {
      type: 'string',
      description: 'Stable code of the rule the field breaks (to translate by).',
      ...(FIELD_ERROR_CODES.length > 0 ? { enum: [...FIELD_ERROR_CODES] } : {}),
    },
    params: { type: 'object', description: 'Values the message names (limits, counts…).' },
  },
});

const PROBLEM = {
  type: 'object',
  description: 'RFC 9457 problem details. Only 4xx problems say what went wrong.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'A URI naming the kind of problem.' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    code: {
      type: 'string',
      description: 'Stable code of the problem (to translate by).',
      enum: [...CODES],
    },
    params: { type: 'object', description: 'Values the detail names.' },
    errors: {
      type: 'array',
      description: 'Every bad field (400), or the records that stand in the way (409).',
      items: { $ref: '#/components/schemas/FieldError' },
    },
    current: {
      type: 'object',
      description: 'The case as it is now, on a 409 for a stale version or a wrong state.',
      properties: { status: { type: 'string' }, version: { type: 'integer' } },
    },
  },
};

const GATEWAY_MESSAGE = {
  type: 'object',
  description: 'What API Gateway answers itself, before any function runs.',
  required: ['message'],
  properties: { message: { type: 'string' } },
};

const problemContent = (status: ErrorStatus) => {
  const codes = ERROR_CODES[status];
  const schema = codes?.length
    ? { allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { code: { enum: [...codes] } } }] }
    : { $ref: '#/components/schemas/Problem' };
  return { 'application/problem+json': { schema } };
};
const gatewayContent = { 'application/json': { schema: { $ref: '#/components/schemas/GatewayMessage' } } };

/** The status's name in `components.responses`, and its response. */
type ErrorResponses = Record<ErrorStatus, { name: string; response: Record<string, unknown> }>;

const errorResponses = (): ErrorResponses => ({
  '400': {
    name: 'InvalidInput',
    response: { description: 'Invalid input: every bad field with its path', content: problemContent('400') },
  },
  '401': {
    name: 'Unauthenticated',
    response: {
      description:
        'No valid token: API Gateway’s JWT authorizer refused it (`{"message":"Unauthorized"}`), or the verified token lacks a subject, an organisation or exactly one role',
      content: { ...gatewayContent, ...problemContent('401') },
    },
  },
  '403': {
    name: 'Forbidden',
    response: { description: 'The caller’s role may not do this', content: problemContent('403') },
  },
  '404': {
    name: 'NotFound',
    response: { description: 'Not found or not visible to the caller', content: problemContent('404') },
  },
  '409': {
    name: 'Conflict',
    response: {
      description: 'Wrong state, stale version or a record standing in the way',
      content: problemContent('409'),
    },
  },
  '413': {
    name: 'PayloadTooLarge',
    response: {
      description: 'The body is larger than 1 MiB (API Gateway refuses more than 10 MB itself)',
      content: { ...problemContent('413'), ...gatewayContent },
    },
  },
  '415': {
    name: 'UnsupportedMediaType',
    response: {
      description: 'The body is not in a media type the operation takes',
      content: problemContent('415'),
    },
  },
  '422': {
    name: 'IdempotencyKeyReused',
    response: {
      description: 'The Idempotency-Key was used before with another request',
      content: problemContent('422'),
    },
  },
  '429': {
    name: 'Throttled',
    response: {
      description:
        'Throttled by the API’s stage limits (`{"message":"Too Many Requests"}`), or past an allowance per address (problem `objection.throttled`); retry later',
      content: { ...problemContent('429'), ...gatewayContent },
    },
  },
  '503': {
    name: 'ServiceUnavailable',
    response: {
      description: 'A dependency did not answer; retry (with the same Idempotency-Key)',
      headers: {
        'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
      },
      content: { ...problemContent('503'), ...gatewayContent },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'A repeat with the same key and body answers the first response',
  schema: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9_\\-:.]{1,128}$' },
};
const pathParameter = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const cohortId = pathParameter('cohortId');
const apprenticeId = pathParameter('apprenticeId');
const claimId = pathParameter('claimId');

type Tag = 'system' | 'cohorts' | 'tasks' | 'documents' | 'claims' | 'reference' | 'reports';

const TAGS: Record<Tag, string> = {
  system: 'Liveness and this document',
  cohorts: 'Cohorts of apprentices, from DRAFT to FILED, and their changes while FILED',
  tasks: 'The inbox of reviews waiting for the caller, and the decisions on them',
  documents: 'Evidence documents: announced, uploaded straight to the object store, then STORED',
  claims: 'Subsidy claims: advance and final settlement, through review, public notice and payment',
  reference: 'The register, the occupation catalogue, the policy and the budgets',
  reports: 'What the bureau reports',
};

interface OperationSpec {
  /** The function's name in infra/function-map.ts. */
  operationId: string;
  summary: string;
  tag: Tag;
  parameters?: Record<string, unknown>[];
  body?: keyof typeof bodies;
  /** Also takes the body as `text/csv` (a roster). */
  csv?: boolean;
  /** The body may be left out (`POST …/withdraw` without a reason). */
  optionalBody?: boolean;
  /** 201 for what creates a resource; default 200. */
  created?: boolean;
  /** No token needed. */
  public?: boolean;
  /** 403: the route is for some roles only (or, for a decision, the task's own role). */
  forbidden?: boolean;
  /** Answers from memory, touching no dependency: never 503. */
  offline?: boolean;
  /** The answer is not JSON only (the report: CSV too). */
  produces?: string[];
  /** A POST that changes nothing (a preview): no 409. */
  readOnly?: boolean;
  /** The success body, by its name in `components.schemas`. */
  answers?: keyof typeof CLAIM_SCHEMAS | keyof typeof TRUST_SCHEMAS | keyof typeof EMPLOYMENT_SCHEMAS;
}

function operationOf(responses: ErrorResponses, method: string, spec: OperationSpec) {
  const parameters = spec.parameters ?? [];
  const writes = method !== 'get' && !spec.readOnly;
  const statuses: ErrorStatus[] = [];
  if (parameters.length > 0 || spec.body) statuses.push('400');
  if (!spec.public) statuses.push('401');
  if (spec.forbidden) statuses.push('403');
  if (parameters.some((parameter) => parameter.in === 'path')) statuses.push('404');
  if (writes) statuses.push('409');
  if (spec.body) statuses.push('413', '415');
  if (parameters.includes(idempotencyKey)) statuses.push('422');
  // Stage throttling applies to every route, public ones too.
  statuses.push('429');
  if (!spec.offline) statuses.push('503');
  const success = spec.produces
    ? { content: Object.fromEntries(spec.produces.map((type) => [type, {}])) }
    : spec.answers
      ? { content: { 'application/json': { schema: { $ref: `#/components/schemas/${spec.answers}` } } } }
      : {};
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body ? requestBody(spec.body, spec) : {}),
    responses: {
      [spec.created ? '201' : '200']: { description: spec.created ? 'Created' : 'OK', ...success },
      ...Object.fromEntries(
        statuses.map((status) => [status, { $ref: `#/components/responses/${responses[status].name}` }]),
      ),
    },
  };
}

function requestBody(name: keyof typeof bodies, { csv = false, optionalBody = false }: OperationSpec) {
  return {
    requestBody: {
      required: !optionalBody,
      content: {
        'application/json': { schema: { $ref: `#/components/schemas/${name}` } },
        ...(csv
          ? { 'text/csv': { schema: { type: 'string', description: 'The rows with a header line' } } }
          : {}),
      },
    },
  };
}

let document: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  document ??= build(errorResponses());
  return document;
}

function build(responses: ErrorResponses): Record<string, unknown> {
  const operation = (method: string, spec: OperationSpec) => operationOf(responses, method, spec);
  return {
    openapi: '3.1.0',
    info: {
      title: 'ApprenticeFlow API',
      version: '1.0.0',
      description: 'New-type enterprise apprenticeship cohorts and training subsidies.',
      // A private project: no licence is granted (npm's word for it).
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'The embedded runtime (`npm start`; PORT moves it)' },
      {
        url: 'https://{apiId}.execute-api.{region}.{dnsSuffix}',
        description: 'The deployed HTTP API (its $default stage); the stack’s ApiUrl output names it',
        variables: {
          apiId: { default: 'your-api-id', description: 'The HTTP API’s id (the ApiUrl output)' },
          region: { default: 'us-east-1', description: 'The region the stack is deployed to' },
          dnsSuffix: {
            default: 'amazonaws.com',
            enum: ['amazonaws.com', 'amazonaws.com.cn'],
            description:
              'The partition’s DNS suffix: amazonaws.com.cn in the China regions (cn-north-1, cn-northwest-1)',
          },
        },
      },
    ],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        ...Object.fromEntries(Object.entries(bodies).map(([name, schema]) => [name, schemaOf(schema)])),
        Problem: PROBLEM,
        FieldError: fieldError(),
        GatewayMessage: GATEWAY_MESSAGE,
        ...CLAIM_SCHEMAS,
        ...TRUST_SCHEMAS,
        ...EMPLOYMENT_SCHEMAS,
      },
      responses: Object.fromEntries(Object.values(responses).map(({ name, response }) => [name, response])),
    },
    security: [{ jwt: [] }],
    paths: {
      '/health': {
        get: operation('get', {
          operationId: 'health',
          summary: 'Liveness and, locally, the endpoints in use',
          tag: 'system',
          public: true,
        }),
      },
      '/openapi.json': {
        get: operation('get', {
          operationId: 'openapi',
          summary: 'This document',
          tag: 'system',
          public: true,
          offline: true,
        }),
      },
      '/cohorts': {
        post: operation('post', {
          operationId: 'create-cohort',
          summary: 'Create a DRAFT cohort (enterprise.clerk)',
          tag: 'cohorts',
          body: 'CreateCohortBody',
          parameters: [idempotencyKey],
          created: true,
          forbidden: true,
        }),
        get: operation('get', {
          operationId: 'list-cohorts',
          summary: 'List the caller’s cohorts (city.admin: every district of its city, read-only)',
          tag: 'cohorts',
          parameters: queryParameters(CohortListQuery),
        }),
      },
      '/cohorts/{cohortId}': {
        get: operation('get', {
          operationId: 'get-cohort',
          summary: 'One cohort with its apprentices (masked)',
          tag: 'cohorts',
          parameters: [cohortId],
        }),
        patch: operation('patch', {
          operationId: 'update-cohort',
          summary: 'Edit while DRAFT or RETURNED',
          tag: 'cohorts',
          body: 'UpdateCohortBody',
          parameters: [cohortId, idempotencyKey],
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/apprentices': {
        post: operation('post', {
          operationId: 'add-apprentices',
          summary: 'Add apprentices (JSON array or text/csv); all or none',
          tag: 'cohorts',
          body: 'AddApprenticesBody',
          csv: true,
          parameters: [cohortId, idempotencyKey],
          created: true,
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}': {
        delete: operation('delete', {
          operationId: 'remove-apprentice',
          summary: 'Remove an apprentice while DRAFT or RETURNED',
          tag: 'cohorts',
          parameters: [cohortId, apprenticeId],
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}/identity': {
        get: operation('get', {
          operationId: 'get-identity',
          summary: 'Full ID number for a bureau reviewer; audited',
          tag: 'cohorts',
          parameters: [cohortId, apprenticeId, ...queryParameters(IdentityQuery)],
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/submit': {
        post: operation('post', {
          operationId: 'submit-cohort',
          summary: 'Start cohort-filing',
          tag: 'cohorts',
          parameters: [cohortId, idempotencyKey],
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/withdraw': {
        post: operation('post', {
          operationId: 'withdraw-cohort',
          summary: 'Withdraw before FILED',
          tag: 'cohorts',
          body: 'WithdrawBody',
          optionalBody: true,
          parameters: [cohortId, idempotencyKey],
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/history': {
        get: operation('get', {
          operationId: 'cohort-history',
          summary: 'Audit trail',
          tag: 'cohorts',
          parameters: [cohortId, ...queryParameters(PageQuery)],
        }),
      },
      '/cohorts/{cohortId}/audit-verification': {
        get: operation('get', {
          operationId: 'verify-audit',
          summary: 'Recompute the cohort’s audit hash chain (bureau roles)',
          tag: 'cohorts',
          parameters: [cohortId],
          forbidden: true,
        }),
      },
      '/tasks': {
        get: operation('get', {
          operationId: 'list-tasks',
          summary: 'The caller’s inbox',
          tag: 'tasks',
          parameters: queryParameters(PageQuery),
        }),
      },
      '/tasks/{taskId}/decision': {
        post: operation('post', {
          operationId: 'decide-task',
          summary: 'Approve, return or reject (never city.admin: 403 auth.city_reads_only)',
          tag: 'tasks',
          body: 'DecisionBody',
          parameters: [pathParameter('taskId'), idempotencyKey],
          forbidden: true,
        }),
      },
      '/organisations': {
        get: operation('get', {
          operationId: 'list-organisations',
          summary: 'The register',
          tag: 'reference',
          parameters: queryParameters(PageQuery),
        }),
      },
      '/organisations/{orgId}/mentors': {
        get: operation('get', {
          operationId: 'list-mentors',
          summary:
            "An enterprise's or school's mentors with their load across active cohorts (its users; its district's bureau)",
          tag: 'reference',
          parameters: [pathParameter('orgId'), ...queryParameters(PageQuery)],
          forbidden: true,
        }),
      },
      '/occupations': {
        get: operation('get', {
          operationId: 'list-occupations',
          summary: 'The occupation catalogue',
          tag: 'reference',
          parameters: queryParameters(PageQuery),
        }),
      },
      '/policy': {
        get: operation('get', {
          operationId: 'get-policy',
          summary: 'The policy in force',
          tag: 'reference',
        }),
        put: operation('put', {
          operationId: 'put-policy',
          summary:
            'Publish a policy version for every district, effective from its date (city.admin only; anyone else 403 policy.admin_only)',
          tag: 'reference',
          body: 'PolicySchema',
          parameters: [idempotencyKey],
          created: true,
          forbidden: true,
        }),
      },
      '/policy/preview': {
        post: operation('post', {
          operationId: 'preview-policy',
          summary:
            'A draft policy against the open cohorts (FILED, or COMPLETED before the final settlement is paid) of every district of the city: entitlement and advance under the version each was filed with and under the draft, by district. Stores nothing (no policy, no audit record), so it takes no Idempotency-Key and never answers 409 (city.admin only; anyone else 403 policy.admin_only)',
          tag: 'reference',
          body: 'PolicySchema',
          parameters: queryParameters(PolicyPreviewQuery),
          forbidden: true,
          readOnly: true,
          answers: 'PolicyPreview',
        }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}/withdrawal': {
        post: operation('post', {
          operationId: 'withdraw-apprentice',
          summary: 'Record a withdrawal while FILED (enterprise.clerk)',
          tag: 'cohorts',
          body: 'WithdrawalBody',
          parameters: [cohortId, apprenticeId, idempotencyKey],
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}/outcome': {
        post: operation('post', {
          operationId: 'record-outcome',
          summary: 'Record an outcome and certificate while FILED',
          tag: 'cohorts',
          body: 'OutcomeBody',
          parameters: [cohortId, apprenticeId, idempotencyKey],
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/apprentices/{apprenticeId}/mentors': {
        put: operation('put', {
          operationId: 'replace-mentor',
          summary: 'Replace a mentor while FILED (school mentor: school; enterprise mentor: signatory)',
          tag: 'cohorts',
          body: 'MentorsBody',
          parameters: [cohortId, apprenticeId, idempotencyKey],
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/documents': {
        post: operation('post', {
          operationId: 'create-document',
          summary: 'Announce an evidence document; answers a presigned PUT for exactly its bytes',
          tag: 'documents',
          body: 'CreateDocumentBody',
          parameters: [cohortId, idempotencyKey],
          created: true,
          forbidden: true,
        }),
      },
      '/documents/{documentId}': {
        get: operation('get', {
          operationId: 'get-document',
          summary:
            'An evidence document, its history and (once STORED) a download link (never city.admin: 403 auth.city_reads_only)',
          tag: 'documents',
          parameters: [pathParameter('documentId')],
          forbidden: true,
        }),
      },
      '/claims': {
        post: operation('post', {
          operationId: 'create-claim',
          summary: 'Prepare an advance, interim (`trainingYear`) or final claim (enterprise.clerk)',
          answers: 'ClaimView',
          tag: 'claims',
          body: 'CreateClaimBody',
          parameters: [idempotencyKey],
          created: true,
          forbidden: true,
        }),
        get: operation('get', {
          operationId: 'list-claims',
          summary: 'The caller’s claims (city.admin: every district of its city, read-only)',
          tag: 'claims',
          parameters: queryParameters(ClaimListQuery),
        }),
      },
      '/claims/{claimId}': {
        get: operation('get', {
          operationId: 'get-claim',
          summary: 'One claim with its computation (every step of the settlement formula) and evidence',
          answers: 'ClaimView',
          tag: 'claims',
          parameters: [claimId],
        }),
        patch: operation('patch', {
          operationId: 'update-claim',
          summary: 'Correct a PREPARED or RETURNED claim',
          answers: 'ClaimView',
          tag: 'claims',
          body: 'UpdateClaimBody',
          parameters: [claimId, idempotencyKey],
          forbidden: true,
        }),
      },
      '/claims/{claimId}/submit': {
        post: operation('post', {
          operationId: 'submit-claim',
          summary:
            'Submit (enterprise.signatory, not the preparer), accepting the commitment: starts subsidy-claim',
          answers: 'ClaimView',
          tag: 'claims',
          body: 'SubmitClaimBody',
          parameters: [claimId, idempotencyKey],
          forbidden: true,
        }),
      },
      '/commitments/current': {
        get: operation('get', {
          operationId: 'get-commitment',
          summary: 'The commitment (承诺书) in force, which a signatory accepts when submitting a claim',
          answers: 'CommitmentText',
          tag: 'claims',
        }),
      },
      '/claims/{claimId}/history': {
        get: operation('get', {
          operationId: 'claim-history',
          summary: 'Audit trail',
          tag: 'claims',
          parameters: [claimId, ...queryParameters(PageQuery)],
        }),
      },
      '/claims/{claimId}/objection': {
        post: operation('post', {
          operationId: 'lodge-objection',
          summary: 'Object during public notice (bureau.reviewer): back to review',
          tag: 'claims',
          body: 'ObjectionBody',
          parameters: [claimId, idempotencyKey],
          forbidden: true,
        }),
      },
      '/public/notices': {
        get: operation('get', {
          operationId: 'list-public-notices',
          summary:
            'The claims on public notice (公示) in a district, for anyone (no token): enterprise, school, occupation, level, headcount, amount, period and the bureau’s phone — nothing personal about apprentices. Cached a minute',
          tag: 'claims',
          public: true,
          parameters: queryParameters(PublicNoticesQuery),
        }),
      },
      '/public/notices/{claimId}/objections': {
        post: operation('post', {
          operationId: 'lodge-public-objection',
          summary:
            'Object to a claim on notice, for anyone (no token): 202 {"objectionId"}, a bureau task due within the policy’s objectionDays working days; 404 when the claim is not on notice; 429 past 5 an hour from one address',
          tag: 'claims',
          public: true,
          body: 'PublicObjectionBody',
          parameters: [claimId, idempotencyKey],
        }),
      },
      '/budgets/{districtCode}/{year}': {
        get: operation('get', {
          operationId: 'get-budget',
          summary: 'A bureau’s budget for a year: budget, reserved, paid, available',
          tag: 'reference',
          parameters: [pathParameter('districtCode'), pathParameter('year')],
        }),
        put: operation('put', {
          operationId: 'put-budget',
          summary: 'Set a budget (bureau.admin of that district)',
          tag: 'reference',
          body: 'BudgetBody',
          parameters: [pathParameter('districtCode'), pathParameter('year'), idempotencyKey],
          forbidden: true,
        }),
      },
      '/credit-blacklist': {
        get: operation('get', {
          operationId: 'list-credit-blacklist',
          summary:
            'The district’s credit blacklist (bureau roles); an enterprise’s clerk or signatory: its own listing only',
          answers: 'CreditListingPage',
          tag: 'reference',
          parameters: queryParameters(PageQuery),
          forbidden: true,
        }),
      },
      '/credit-blacklist/{enterpriseId}': {
        put: operation('put', {
          operationId: 'put-credit-listing',
          summary:
            'List an enterprise, or change its listing (bureau.admin of its district): it submits no cohort or claim while listed',
          answers: 'CreditListing',
          tag: 'reference',
          body: 'CreditListingBody',
          parameters: [pathParameter('enterpriseId'), idempotencyKey],
          forbidden: true,
        }),
        delete: operation('delete', {
          operationId: 'delete-credit-listing',
          summary: 'Take an enterprise off the list (bureau.admin of its district)',
          answers: 'CreditListing',
          tag: 'reference',
          parameters: [pathParameter('enterpriseId'), idempotencyKey],
          forbidden: true,
        }),
      },
      '/employment-records/imports': {
        post: operation('post', {
          operationId: 'import-contributions',
          summary:
            'Import the district’s contribution file (bureau.admin): text/csv or JSON rows idNumber,enterpriseId,districtCode,month,insured; any bad row → 400 rows.N.field and nothing stored; each enterprise’s months in the file replaced',
          answers: 'ContributionImport',
          tag: 'reference',
          body: 'ContributionImportBody',
          csv: true,
          created: true,
          parameters: [idempotencyKey],
          forbidden: true,
        }),
      },
      '/cohorts/{cohortId}/employment-checks': {
        get: operation('get', {
          operationId: 'list-employment-checks',
          summary:
            'Every employment check run for the cohort (at filing and before each payment), oldest first',
          answers: 'EmploymentCheckPage',
          tag: 'cohorts',
          parameters: [pathParameter('cohortId'), ...queryParameters(PageQuery)],
        }),
      },
      '/overrides': {
        get: operation('get', {
          operationId: 'list-overrides',
          summary: 'The district’s overrides of failed employment checks, newest first (bureau roles)',
          answers: 'OverridePage',
          tag: 'reference',
          parameters: queryParameters(OverrideListQuery),
          forbidden: true,
        }),
        post: operation('post', {
          operationId: 'write-override',
          summary:
            'Write an override of failed employment checks of one case (bureau.reviewer): PENDING until another bureau user confirms it',
          answers: 'Override',
          tag: 'reference',
          body: 'OverrideBody',
          created: true,
          parameters: [idempotencyKey],
          forbidden: true,
        }),
      },
      '/overrides/{overrideId}/confirm': {
        post: operation('post', {
          operationId: 'confirm-override',
          summary:
            'Confirm an override (another bureau.reviewer or the bureau.admin; its writer 403): ACTIVE until expiresOn',
          answers: 'Override',
          tag: 'reference',
          parameters: [pathParameter('overrideId'), idempotencyKey],
          forbidden: true,
        }),
      },
      '/reports/subsidies': {
        get: operation('get', {
          operationId: 'subsidy-report',
          summary:
            'Totals by occupation, level, enterprise and school (json or csv); city.admin: one district (districtCode) or the whole city with totals by district',
          tag: 'reports',
          parameters: queryParameters(ReportQuery),
          forbidden: true,
          produces: ['application/json', 'text/csv'],
        }),
      },
      // What the bureau watches (issue 15): read models kept by the projector from the domain events.
      '/reports/liability': {
        get: operation('get', {
          operationId: 'liability-report',
          summary:
            'Open liability (filed entitlement − paid − recoveries) and the remaining claims by the month each is expected (json or csv)',
          tag: 'reports',
          parameters: queryParameters(WatchReportQuery),
          forbidden: true,
          produces: ['application/json', 'text/csv'],
        }),
      },
      '/reports/pipeline': {
        get: operation('get', {
          operationId: 'pipeline-report',
          summary:
            'Apprentices of the cohorts starting in a year by occupation, level and school: enrolled, in training, outcomes, withdrawals by reason, rates, expected completions by month',
          tag: 'reports',
          parameters: queryParameters(PipelineQuery),
          forbidden: true,
          produces: ['application/json', 'text/csv'],
        }),
      },
      '/reports/stage-times': {
        get: operation('get', {
          operationId: 'stage-times-report',
          summary:
            'Days cases spent in each stage of both workflows (median, 90th percentile) and overdue marks, per stage and month, from the audit trails',
          tag: 'reports',
          parameters: queryParameters(WatchReportQuery),
          forbidden: true,
          produces: ['application/json', 'text/csv'],
        }),
      },
      '/reports/demand': {
        get: operation('get', {
          operationId: 'demand-report',
          summary: 'Apprentices in training beside the period’s demand list, one row per digital occupation',
          tag: 'reports',
          parameters: queryParameters(DemandQuery),
          forbidden: true,
          produces: ['application/json', 'text/csv'],
        }),
      },
      '/demand-lists/{period}': {
        put: operation('put', {
          operationId: 'put-demand-list',
          summary:
            'The district’s demand list of a period (bureau.admin): text/csv or JSON rows occupationCode,demandRatio,rank; replaces the period’s list; any bad row → 400 rows.N.field and nothing stored',
          tag: 'reference',
          body: 'DemandListBody',
          csv: true,
          parameters: Object.keys(DemandPath.shape).map((name) => pathParameter(name)),
          forbidden: true,
        }),
      },
    },
  };
}
