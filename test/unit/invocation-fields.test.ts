import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/function-map.ts';
import { requestFields, stepFields } from '../../shared/http/invocation.ts';

/** Which case a log line names, for every route of the function map and for steps (issue 11, item 7). */
const context = { awsRequestId: 'r-1' } as Context;

describe('the case of an invocation', () => {
  it.each(FUNCTIONS.filter((spec) => spec.route).map((spec) => spec.route!))('%s', (route) => {
    const names = [...route.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
    const pathParameters = Object.fromEntries(names.map((name) => [name, `${name}-value`]));
    const expected = ['cohortId', 'claimId', 'documentId', 'taskId'].find((name) => names.includes(name));
    expect(requestFields({ pathParameters }, context)).toEqual({
      requestId: 'r-1',
      ...(expected ? { caseId: `${expected}-value` } : {}),
    });
  });

  it('holds no more of a typed path than an id needs, and nothing when there is no context', () => {
    expect(requestFields({ pathParameters: { cohortId: 'x'.repeat(500) } }, undefined)).toEqual({
      caseId: 'x'.repeat(64),
    });
  });

  it('takes a step input’s claim or cohort, and an S3 object’s document', () => {
    expect(stepFields({ claimId: 'C1', round: 1 }, context)).toEqual({ requestId: 'r-1', caseId: 'C1' });
    expect(stepFields({ cohortId: 'H1', round: 1 }, context)).toEqual({ requestId: 'r-1', caseId: 'H1' });
    expect(stepFields({ detail: { object: { key: 'cohorts/H1/D1' } } }, context)).toEqual({
      requestId: 'r-1',
      caseId: 'D1',
    });
    expect(stepFields({}, context)).toEqual({ requestId: 'r-1' });
    expect(stepFields('not an object', undefined)).toEqual({});
  });
});
