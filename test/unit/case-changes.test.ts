import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CASE_CHANGE_RECORDS,
  CASE_CHANGED_RULE,
  caseChangeOf,
  matchesPattern,
  publishCaseChanges,
} from '../../shared/adapters/case-changes.ts';

/** A stream record as Lambda hands it over (KEYS_ONLY). */
function record(pk: string, sk: string, seq: number, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT') {
  return {
    eventID: `e${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1_796_000_000,
      Keys: { pk: { S: pk }, sk: { S: sk } },
      SequenceNumber: String(seq).padStart(21, '0'),
      SizeBytes: 40,
      StreamViewType: 'KEYS_ONLY',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-12-01T00:00:00.000',
  } satisfies DynamoDBRecord;
}

const noPause = async () => undefined;

/** Publishes with a bus that accepts every entry; answers each PutEvents' entries and the result. */
async function publishAccepted(records: Parameters<typeof publishCaseChanges>[0]) {
  const calls: { detailType: string; detail: { pk: string; sk: string } }[][] = [];
  const result = await publishCaseChanges(
    records,
    async (entries) => {
      calls.push(entries);
      return [];
    },
    noPause,
  );
  return { calls, result };
}

const audit = (seq: number) => `AUDIT#${String(seq).padStart(10, '0')}`;

describe('the case-change filter (the event source mapping’s, the poller’s and the publisher’s)', () => {
  it('keeps INSERTs of audit records of cohorts and claims, and nothing else', () => {
    expect(caseChangeOf(record('COHORT#c1', audit(1), 1))).toEqual({ pk: 'COHORT#c1', sk: audit(1) });
    expect(caseChangeOf(record('CLAIM#k1', audit(7), 2))).toEqual({ pk: 'CLAIM#k1', sk: audit(7) });
    for (const other of [
      record('COHORT#c1', 'COHORT', 3),
      record('COHORT#c1', audit(1), 4, 'MODIFY'),
      record('COHORT#c1', audit(1), 5, 'REMOVE'),
      record('CREDIT#110108', audit(1), 6),
      record('EMPLOYMENT#110108', audit(1), 7),
      record('DOCUMENT#d1', audit(1), 8),
      record('OUTBOX', `2027-01-01T00:00:00.000Z#01J`, 9),
      record('LOCAL#STREAM', 'CHECKPOINT#publish-case-changes', 10, 'MODIFY'),
      record('COHORT#c1', 'EMPCHECK#1', 11),
    ])
      expect(caseChangeOf(other), JSON.stringify(other.dynamodb.Keys)).toBeUndefined();
    expect(caseChangeOf({ eventName: 'INSERT' })).toBeUndefined();
    expect(caseChangeOf(null)).toBeUndefined();
  });

  it('reads patterns as EventBridge does: lists are any-of, prefixes, exists, arrays in the value', () => {
    expect(matchesPattern({ a: ['x', 'y'] }, { a: 'y' })).toBe(true);
    expect(matchesPattern({ a: ['x'] }, { a: 'xy' })).toBe(false);
    expect(matchesPattern({ a: [{ prefix: 'x' }] }, { a: 'xy' })).toBe(true);
    expect(matchesPattern({ a: [{ prefix: 'x' }] }, { a: 1 })).toBe(false);
    expect(matchesPattern({ a: [{ exists: false }] }, {})).toBe(true);
    expect(matchesPattern({ a: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ a: ['x'] }, { a: ['w', 'x'] })).toBe(true);
    expect(matchesPattern({ a: { b: [1] } }, { a: { b: 1 } })).toBe(true);
    expect(matchesPattern({ a: { b: [1] } }, { a: 1 })).toBe(false);
    expect(
      matchesPattern(CASE_CHANGED_RULE, { source: 'apprenticeflow.cases', 'detail-type': 'case.changed' }),
    ).toBe(true);
    expect(
      matchesPattern(CASE_CHANGED_RULE, { source: 'apprenticeflow', 'detail-type': 'case.changed' }),
    ).toBe(false);
    expect(matchesPattern(CASE_CHANGE_RECORDS, record('CLAIM#k', audit(3), 1))).toBe(true);
  });
});

describe('publishCaseChanges', () => {
  it('puts one event per case change, in stream order, ten to a PutEvents, skipping other records', async () => {
    const records = [
      ...Array.from({ length: 23 }, (_, index) => record(`COHORT#c${index}`, audit(index + 1), index + 1)),
      record('COHORT#c1', 'COHORT', 100, 'MODIFY'),
    ];
    const { calls, result } = await publishAccepted(records);
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(calls.flat().map((entry) => entry.detail.sk)).toEqual(
      records.slice(0, 23).map((r) => r.dynamodb.Keys.sk.S),
    );
    expect(calls.flat().every((entry) => entry.detailType === 'case.changed')).toBe(true);
    expect(result).toEqual({ published: 23, skipped: 1, coalesced: 0, failedFrom: undefined });
  });

  it('puts one event per case of the batch, naming its latest audit record, in the order the cases first changed', async () => {
    const records = [
      record('COHORT#a', audit(1), 1),
      record('CLAIM#b', audit(4), 2),
      record('COHORT#a', audit(2), 3),
      record('COHORT#a', 'COHORT', 4, 'MODIFY'),
      record('COHORT#c', audit(1), 5),
      record('COHORT#a', audit(3), 6),
      record('CLAIM#b', audit(5), 7),
    ];
    const { calls, result } = await publishAccepted(records);
    expect(calls.map((entries) => entries.map((entry) => entry.detail))).toEqual([
      [
        { pk: 'COHORT#a', sk: audit(3) },
        { pk: 'CLAIM#b', sk: audit(5) },
        { pk: 'COHORT#c', sk: audit(1) },
      ],
    ]);
    expect(result).toEqual({ published: 3, skipped: 1, coalesced: 3, failedFrom: undefined });
  });

  it('names the first record of a refused case in the batch, so every change of it is read again', async () => {
    const records = [
      record('COHORT#a', audit(1), 1),
      record('COHORT#b', audit(1), 2),
      record('COHORT#a', audit(2), 3),
      record('COHORT#b', audit(2), 4),
    ];
    const result = await publishCaseChanges(
      records,
      async (entries) => entries.flatMap((entry, index) => (entry.detail.pk === 'COHORT#b' ? [index] : [])),
      noPause,
    );
    expect(result).toMatchObject({
      published: 1,
      coalesced: 2,
      failedFrom: records[1]!.dynamodb.SequenceNumber,
    });
  });

  it('puts a refused entry again, and when it keeps being refused names its record and puts nothing after it', async () => {
    const records = Array.from({ length: 25 }, (_, index) =>
      record(`CLAIM#k${index}`, audit(index + 1), index + 1),
    );
    // Entry 13 (the fourth of the second PutEvents) is refused every time; entry 2 once.
    let refusedSecond = false;
    const calls: string[][] = [];
    const result = await publishCaseChanges(
      records,
      async (entries) => {
        calls.push(entries.map((entry) => entry.detail.sk));
        return entries.flatMap((entry, index) => {
          if (entry.detail.sk === audit(13)) return [index];
          if (entry.detail.sk === audit(2) && !refusedSecond) {
            refusedSecond = true;
            return [index];
          }
          return [];
        });
      },
      noPause,
    );
    expect(calls).toEqual([
      records.slice(0, 10).map((r) => r.dynamodb.Keys.sk.S),
      [audit(2)],
      records.slice(10, 20).map((r) => r.dynamodb.Keys.sk.S),
      [audit(13)],
      [audit(13)],
    ]);
    expect(result.failedFrom).toBe(records[12]!.dynamodb.SequenceNumber);
    expect(result.published).toBe(19);
  });

  it('names the first record of a PutEvents that keeps throwing', async () => {
    const records = Array.from({ length: 12 }, (_, index) =>
      record(`COHORT#c${index}`, audit(index + 1), index + 1),
    );
    let calls = 0;
    const result = await publishCaseChanges(
      records,
      async (entries) => {
        calls++;
        if (entries[0]!.detail.sk === audit(11)) throw new Error('socket hang up');
        return [];
      },
      noPause,
    );
    expect(calls).toBe(4);
    expect(result).toMatchObject({ published: 10, failedFrom: records[10]!.dynamodb.SequenceNumber });
    expect((result.error as Error).message).toBe('socket hang up');
  });
});

describe('the publish-case-changes handler against a PutEvents endpoint', () => {
  let server: Server;
  const requests: {
    Entries: { Source: string; DetailType: string; Detail: string; EventBusName: string }[];
  }[] = [];
  let refuse = new Set<string>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const parsed = JSON.parse(body) as (typeof requests)[number];
        requests.push(parsed);
        const entries = parsed.Entries.map((entry) =>
          refuse.has(JSON.parse(entry.Detail).sk)
            ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }
            : { EventId: `id-${Math.random()}` },
        );
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length,
            Entries: entries,
          }),
        );
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      EVENT_BUS_NAME: 'apprenticeflow-domain-events',
      LOG_LEVEL: 'error',
    });
  });
  afterAll(async () => {
    await new Promise((closed) => server.close(closed));
  });

  const context = { awsRequestId: 'r1', functionName: 'publish-case-changes' } as Context;

  it('puts case.changed with the audit record’s key as its detail, and reports no failure', async () => {
    const { handler } = await import('../../functions/events/publish-case-changes.ts');
    requests.length = 0;
    const out = await handler(
      { Records: [record('COHORT#c9', audit(1), 1), record('COHORT#c9', 'COHORT', 2, 'MODIFY')] },
      context,
    );
    expect(out).toEqual({ batchItemFailures: [] });
    expect(requests.flatMap((r) => r.Entries)).toEqual([
      {
        EventBusName: 'apprenticeflow-domain-events',
        Source: 'apprenticeflow.cases',
        DetailType: 'case.changed',
        Detail: JSON.stringify({ pk: 'COHORT#c9', sk: audit(1) }),
      },
    ]);
  });

  it('reports the record of an entry the bus keeps refusing as the batch item failure', async () => {
    const { handler } = await import('../../functions/events/publish-case-changes.ts');
    refuse = new Set([audit(2)]);
    const records = [1, 2, 3].map((seq) => record(`CLAIM#k${seq}`, audit(seq), seq));
    const out = await handler({ Records: records }, context);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb.SequenceNumber }] });
    refuse = new Set();
  });

  it('fails on an event that is not a stream event (Lambda retries it, then bisects)', async () => {
    const { handler } = await import('../../functions/events/publish-case-changes.ts');
    await expect(handler({ Records: [{ eventName: 'INSERT' }] }, context)).rejects.toThrow();
  });
});
