import type { Context } from 'aws-lambda';
import type { InvocationFields } from '../adapters/logger.ts';

/**
 * What each log line of an invocation carries so that one case can be followed through
 * CloudWatch (`filter caseId = "…"`, or `requestId` for one call): the Lambda request id, and the
 * case the invocation is about, taken from what the caller named — a request's path parameters,
 * a workflow step's input, the key of an evidence document's object.
 */

/** Path parameters naming a case; no route names two of them (an apprentice is part of its cohort). */
const CASE_PARAMETERS = ['cohortId', 'claimId', 'documentId', 'taskId'] as const;
/** A path parameter is whatever the caller typed: a line holds no more of it than an id needs. */
const MAX_CASE_ID_LENGTH = 64;

const bounded = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value.slice(0, MAX_CASE_ID_LENGTH) : undefined;

function fields(context: Context | undefined, caseId: string | undefined): InvocationFields {
  const requestId = context?.awsRequestId;
  return { ...(requestId ? { requestId } : {}), ...(caseId ? { caseId } : {}) };
}

/** An API request: the case its path names (`/cohorts/{cohortId}/…`, `/tasks/{taskId}/decision`…). */
export function requestFields(
  event: { pathParameters?: Record<string, string | undefined> } | undefined,
  context: Context | undefined,
): InvocationFields {
  const parameters = event?.pathParameters ?? {};
  const name = CASE_PARAMETERS.find((candidate) => parameters[candidate]);
  return fields(context, name ? bounded(parameters[name]) : undefined);
}

/**
 * A workflow step (`claimId` or `cohortId` of its input, as the state machine passes it) or an
 * S3 "Object Created" event (the document of `cohorts/<cohortId>/<documentId>`). Read from the
 * raw input, so a line about an input that fails validation still names its case.
 */
export function stepFields(input: unknown, context: Context | undefined): InvocationFields {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as {
    claimId?: unknown;
    cohortId?: unknown;
    detail?: { object?: { key?: unknown } };
  };
  const key = raw.detail?.object?.key;
  const documentId = typeof key === 'string' ? key.split('/').pop() : undefined;
  return fields(context, bounded(raw.claimId) ?? bounded(raw.cohortId) ?? bounded(documentId));
}
