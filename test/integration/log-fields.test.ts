import { SFNClient } from '@aws-sdk/client-sfn';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { createCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * One case can be followed through the logs (issue 11, item 7): every line the logger writes
 * while an invocation runs carries the Lambda request id (`requestId`, from
 * `context.awsRequestId`) and the case it is about (`caseId`: the path's cohort, claim, task or
 * document; a workflow step's cohort or claim; the document of an S3 object). The lines are the
 * logger's own JSON lines on stdout/stderr, captured while the invocation runs on the embedded
 * runtime, exactly as CloudWatch would receive them from Lambda.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

type Line = { level: string; message: string; requestId?: string; caseId?: string } & Record<string, unknown>;

/** The logger's JSON lines written to stdout and stderr while `run` runs (other lines are not the logger's). */
async function loggedWhile(run: () => Promise<unknown>): Promise<Line[]> {
  const chunks: string[] = [];
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = write;
    });
  }
  try {
    await run();
  } finally {
    for (const undo of restore) undo();
  }
  return chunks
    .join('')
    .split('\n')
    .flatMap((text) => {
      try {
        const line = JSON.parse(text) as Line;
        return line.service === 'apprenticeflow' ? [line] : [];
      } catch {
        return [];
      }
    });
}

describe('every log line of an invocation names its request and its case', () => {
  it('an API request: the task decision whose callback fails logs both lines with the request id and the task', async () => {
    const { cohortId } = await createCohort(api, 1);
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    const task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');

    // A callback that fails after the decision is stored logs a warning (the callback) and an
    // error (the 503): two lines of one request.
    const send = SFNClient.prototype.send as (this: SFNClient, command: unknown) => Promise<unknown>;
    const failOnce = async function (this: SFNClient, command: unknown) {
      if ((command as object).constructor.name === 'SendTaskSuccessCommand') {
        throw Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
      }
      return send.call(this, command);
    };
    const spy = vi.spyOn(SFNClient.prototype, 'send').mockImplementationOnce(failOnce as never);
    let status = 0;
    const lines = await loggedWhile(async () => {
      const reply = await api
        .as('ent-a-signatory')
        .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' }, { idempotencyKey: `log-${ulid()}` });
      status = reply.status;
    });
    spy.mockRestore();
    expect(status).toBe(503);

    const ofRequest = lines.filter((line) => line.caseId === task.taskId);
    expect(ofRequest.map((line) => line.message)).toEqual(['workflow callback failed', 'request failed']);
    const [first] = ofRequest;
    expect(first?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    for (const line of ofRequest) expect(line.requestId).toBe(first?.requestId);
    // Whatever else ran meanwhile (the scheduled reconciler, workflow steps) names its own request.
    for (const line of lines) expect(line.requestId, JSON.stringify(line)).toEqual(expect.any(String));
    expect(lines.filter((line) => line.requestId === first?.requestId)).toEqual(ofRequest);
  });

  it('a workflow step: a step that fails names its cohort or claim and its request', async () => {
    const { handler: openReviewTask } = await import('../../functions/steps/open-review-task.ts');
    const { handler: openClaimTask } = await import('../../functions/steps/open-claim-task.ts');
    const cohortId = ulid();
    const claimId = ulid();
    // Inputs without a task token fail validation: the step's failure line is all there is.
    const lines = await loggedWhile(async () => {
      await expect(
        openReviewTask({ cohortId, round: 1, stage: 'COMPANY_REVIEW' }, context('step-1')),
      ).rejects.toThrow();
      await expect(
        openClaimTask({ claimId, round: 1, stage: 'BUREAU_REVIEW' }, context('step-2')),
      ).rejects.toThrow();
    });
    const ofSteps = lines.filter((line) => line.caseId === cohortId || line.caseId === claimId);
    expect(ofSteps.map(({ message, requestId, caseId }) => ({ message, requestId, caseId }))).toEqual([
      { message: 'step failed', requestId: 'step-1', caseId: cohortId },
      { message: 'step failed', requestId: 'step-2', caseId: claimId },
    ]);
  });

  it('an S3 "Object Created" event names the document of the object', async () => {
    const { handler: confirmDocument } = await import('../../functions/events/confirm-document.ts');
    const documentId = ulid();
    const lines = await loggedWhile(() =>
      confirmDocument(
        {
          'detail-type': 'Object Created',
          source: 'aws.s3',
          detail: {
            bucket: { name: 'apprenticeflow-documents' },
            object: { key: `cohorts/${ulid()}/${documentId}`, size: 1 },
          },
        },
        context('event-1'),
      ),
    );
    const ofDocument = lines.filter((line) => line.caseId === documentId);
    expect(ofDocument.map(({ message, requestId, caseId }) => ({ message, requestId, caseId }))).toEqual([
      { message: 'object without a document record', requestId: 'event-1', caseId: documentId },
    ]);
  });
});

/** The Lambda context the embedded runtime hands a step (only the request id matters here). */
function context(awsRequestId: string) {
  return {
    awsRequestId,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
