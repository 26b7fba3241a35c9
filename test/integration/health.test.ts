import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/api/health.ts';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { apiEvent, lambdaContext } from '../support/security.ts';

/**
 * `GET /health` as Lambda runs it on AWS (the embedded runtime answers the route itself, with its
 * endpoints): public, and it proves the table can be read — on DynamoDB Local here.
 */
let runtime: RunningRuntime;

beforeAll(async () => {
  ({ runtime } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

describe('the health function', () => {
  it('answers without a token, with the time and a read of the table', async () => {
    const response = (await handler(apiEvent({ routeKey: 'GET /health' }), lambdaContext('health'))) as {
      statusCode: number;
      body: string;
    };
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ status: 'ok', checks: { dynamodb: { status: 'ok' } } });
    expect(Number.isNaN(Date.parse(body.now))).toBe(false);
    expect(body.checks.dynamodb.ms).toBeGreaterThanOrEqual(0);
  });
});
