import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent, RuleTarget } from '../../infra/local/event-bus.ts';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { CASE_CHANGED } from '../../shared/adapters/case-changes.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { Table } from '../../shared/adapters/dynamodb/table.ts';
import { createCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The domain-event path that feeds the read models (issue 15 item 5), on the embedded runtime:
 * the table's stream (KEYS_ONLY) read by the local poller → `publish-case-changes` → PutEvents on
 * the local bus → the `case.changed` rule → its targets. The function map has no `onCaseChanged`
 * function here, so the rule's target is this file's (`caseChangedTargets`), whose behaviour each
 * test sets: record, fail once, or be down.
 */
let runtime: RunningRuntime;
let api: ApiClient;
let table: Table;
let dynamo: DynamoDBClient;
const tableName = `it-events-${Date.now()}`;
let dataDir: string;

/** Every event the target took (after any failed attempts), and the attempts per audit record. */
const received: BusEvent[] = [];
const attempts = new Map<string, number>();
const behaviour = { failOnceFor: undefined as string | undefined, down: false };

const target: RuleTarget = {
  name: 'test-projector',
  async handler(event) {
    const detail = event.detail as { pk: string; sk: string };
    const key = `${detail.pk}/${detail.sk}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    if (behaviour.down) throw new Error('the projector is down');
    if (behaviour.failOnceFor === detail.pk && attempt === 1) throw new Error('the projector failed once');
    received.push(event);
  },
};

const start = async (ports: { port?: number; stepFunctionsPort?: number; objectStoragePort?: number }) => {
  const started = await startTestRuntime({
    tableName,
    ...(dataDir ? { dataDir } : {}),
    ...ports,
    caseChangedTargets: [target],
    eventRetryBaseMs: 50,
  });
  ({ runtime, api, dataDir } = started);
};

beforeAll(async () => {
  await start({});
  dynamo = new DynamoDBClient({
    endpoint: runtime.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  table = new Table(dynamo, tableName);
});
afterAll(async () => {
  await runtime?.stop();
  dynamo?.destroy();
});

/** The sort keys of a cohort's audit records, in order. */
async function auditKeys(cohortId: string): Promise<string[]> {
  const page = await table.query<{ sk: string }>({
    pk: keys.casePartition('COHORT', cohortId),
    skPrefix: keys.auditPrefix,
    limit: 1000,
  });
  return page.items.map((item) => item.sk);
}

/** The `case.changed` events the bus kept (its OUTBOX partition) for one case, by audit key. */
async function busEvents(partition: string): Promise<{ source: string; detailType: string; detail: any }[]> {
  const events: { source: string; detailType: string; detail: any }[] = [];
  let cursor: string | undefined;
  do {
    const page = await table.query<{ source: string; detailType: string; detail: any }>({
      pk: 'OUTBOX',
      limit: 1000,
      cursor,
    });
    events.push(
      ...page.items.filter((event) => event.source === CASE_CHANGED.source && event.detail?.pk === partition),
    );
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return events.sort((a, b) => a.detail.sk.localeCompare(b.detail.sk));
}

const receivedFor = (partition: string) =>
  received
    .filter((event) => (event.detail as { pk: string }).pk === partition)
    .map((event) => (event.detail as { sk: string }).sk)
    .sort();

/**
 * Whether the events' audit keys stand for every record of the trail: each names one of its
 * records, none twice, and the last names its last (the publisher puts one event per case of a
 * stream batch, naming its latest record: the projector reads the case whole).
 */
function coversTrail(eventKeys: string[], audit: string[]): void {
  expect(eventKeys.length).toBeGreaterThan(0);
  expect(new Set(eventKeys).size, `an audit record named twice: ${eventKeys}`).toBe(eventKeys.length);
  for (const sk of eventKeys) expect(audit).toContain(sk);
  expect(eventKeys.at(-1)).toBe(audit.at(-1));
}

async function createAndSubmit(count = 2): Promise<string> {
  const { cohortId } = await createCohort(api, count);
  const submitted = await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  await runtime.idle();
  return cohortId;
}

describe('case.changed from the table stream', () => {
  it('puts events that name the audit records of a created and submitted cohort, its latest last, and delivers each once', async () => {
    const cohortId = await createAndSubmit();
    await runtime.settleEvents();

    const partition = keys.casePartition('COHORT', cohortId);
    const audit = await auditKeys(cohortId);
    // Created, submitted, and the company's review task opened by the workflow.
    expect(audit.length).toBeGreaterThanOrEqual(3);
    const events = await busEvents(partition);
    coversTrail(
      events.map((event) => event.detail.sk),
      audit,
    );
    for (const event of events) {
      expect(event.detail).toEqual({ pk: partition, sk: event.detail.sk });
      expect(event.source).toBe('apprenticeflow.cases');
      expect(event.detailType).toBe('case.changed');
    }
    // The rule's target got each one, once, as EventBridge hands an event over.
    expect(receivedFor(partition)).toEqual(events.map((event) => event.detail.sk));
    const delivered = received.find((event) => (event.detail as { pk: string }).pk === partition)!;
    expect(delivered).toMatchObject({ source: 'apprenticeflow.cases', 'detail-type': 'case.changed' });
    expect(Object.keys(delivered.detail).sort()).toEqual(['pk', 'sk']);
  });

  it('leaves out the other writes of the table: no event for a case item, a task or the seeded register', async () => {
    const events = await table.query<{ source: string; detail: any }>({ pk: 'OUTBOX', limit: 1000 });
    const caseChanges = events.items.filter((event) => event.source === CASE_CHANGED.source);
    expect(caseChanges.length).toBeGreaterThan(0);
    for (const event of caseChanges) {
      expect(event.detail.pk).toMatch(/^(COHORT|CLAIM)#/);
      expect(event.detail.sk).toMatch(/^AUDIT#\d{10}$/);
    }
  });

  it('delivers again an event whose delivery failed', async () => {
    const { cohortId } = await createCohort(api, 1);
    const partition = keys.casePartition('COHORT', cohortId);
    behaviour.failOnceFor = partition;
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    await runtime.idle();
    await runtime.settleEvents();
    behaviour.failOnceFor = undefined;

    const audit = await auditKeys(cohortId);
    const events = (await busEvents(partition)).map((event) => event.detail.sk as string);
    coversTrail(events, audit);
    // The created record's event may have gone out before the target was told to fail; every later one failed once.
    const tries = events.map((sk) => attempts.get(`${partition}/${sk}`));
    expect(tries.filter((count) => count === 2).length).toBeGreaterThanOrEqual(events.length - 1);
    expect(tries.at(-1)).toBe(2);
    for (const count of tries) expect([1, 2]).toContain(count);
    expect(receivedFor(partition)).toEqual(events);
  });
});

describe('a restart of the runtime', () => {
  it('reads the stream on from its checkpoint and delivers what was still owed', async () => {
    const before = await createAndSubmit(1);
    await runtime.settleEvents();
    // The target goes down: the next cohort's events are stored but owed to it.
    behaviour.down = true;
    const owed = await createAndSubmit(1);
    await expect(runtime.settleEvents(1_500)).rejects.toThrow(/not settled within 1500 ms/);
    const ports = {
      // The handlers keep the SDK clients they made (as Lambda containers do): same endpoints.
      port: Number(new URL(runtime.url).port),
      stepFunctionsPort: Number(new URL(runtime.stepFunctionsEndpoint).port),
      objectStoragePort: Number(new URL(runtime.objectStorageEndpoint).port),
    };
    await runtime.stop();

    behaviour.down = false;
    received.length = 0;
    await start(ports);
    await runtime.settleEvents();

    // What was owed arrived after the restart, and nothing delivered before came again.
    const owedPartition = keys.casePartition('COHORT', owed);
    const owedEvents = (await busEvents(owedPartition)).map((event) => event.detail.sk as string);
    coversTrail(owedEvents, await auditKeys(owed));
    expect(receivedFor(owedPartition)).toEqual(owedEvents);
    expect(received.filter((event) => (event.detail as { pk: string }).pk !== owedPartition)).toEqual([]);
    // The stream was not read again from its start: no audit record named by a second event.
    const beforeEvents = (await busEvents(keys.casePartition('COHORT', before))).map(
      (event) => event.detail.sk as string,
    );
    coversTrail(beforeEvents, await auditKeys(before));

    // And it goes on: a change after the restart is published and delivered.
    const beforePartition = keys.casePartition('COHORT', before);
    const auditBefore = await auditKeys(before);
    const withdrawn = await api.as('ent-a-clerk').post(`/cohorts/${before}/withdraw`, { reason: '计划调整' });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    await runtime.idle();
    await runtime.settleEvents();
    const audit = await auditKeys(before);
    const added = audit.filter((sk) => !auditBefore.includes(sk));
    expect(added.length).toBeGreaterThan(0);
    const afterEvents = (await busEvents(beforePartition)).map((event) => event.detail.sk as string);
    coversTrail(afterEvents, audit);
    const newEvents = afterEvents.filter((sk) => !beforeEvents.includes(sk));
    coversTrail(newEvents, added);
    expect(receivedFor(beforePartition)).toEqual(newEvents);
  });
});
