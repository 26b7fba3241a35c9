import { ulid } from 'ulid';
import { type EventPattern, matchesPattern } from '../../shared/adapters/case-changes.ts';
import { clock } from '../../shared/adapters/clock.ts';
import type { Table, Write } from '../../shared/adapters/dynamodb/table.ts';

/**
 * The embedded EventBridge: answers PutEvents (AWS JSON 1.1, `POST /` of the API's URL), keeps
 * every event as an outbox in the table (`OUTBOX`, newest first, `GET /dev/events`) and delivers
 * each event a rule matches to the rule's targets, as the stack's rules do on AWS.
 *
 * A delivery is owed from the moment the event is accepted: it is written with the event, in the
 * same transaction (`LOCAL#EVENT-DELIVERIES`, one item per event and target), and deleted once the
 * target succeeded. A failing target is retried with exponential backoff (doubling from
 * `retryBaseMs`, at most a minute apart) for as many retries as the stack's rule allows, then the
 * delivery is moved to `LOCAL#EVENT-DEAD-LETTERS` (the rule's dead-letter queue). A stop leaves
 * what is owed in the table, and the next start delivers it. EventBridge delivers at least once
 * and in no particular order; so does this, one at a time: the deliveries share the one process
 * and the one DynamoDB Local with the API, and a backlog costs less delivered in turn (a case whose
 * projection already covers an event is skipped with one read; four at a time did twice the work).
 */
export interface RuleTarget {
  /** The function's name (the function map's, or a test's). */
  name: string;
  handler: (event: BusEvent) => Promise<unknown>;
}

export interface LocalRule {
  name: string;
  pattern: EventPattern;
  targets: readonly RuleTarget[];
  /** Retries after the first attempt before the event is dead-lettered. */
  retryAttempts: number;
}

/** An event as EventBridge hands it to a target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

interface Delivery {
  pk: string;
  sk: string;
  rule: string;
  target: string;
  event: BusEvent;
}

const DELIVERIES = 'LOCAL#EVENT-DELIVERIES';
const DEAD_LETTERS = 'LOCAL#EVENT-DEAD-LETTERS';
const MAX_RETRY_DELAY_MS = 60_000;
const CONCURRENT_DELIVERIES = 1;

export class LocalEventOutbox {
  private readonly owed = new Set<Promise<void>>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly stopped = new AbortController();
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly table: Table,
    private readonly options: {
      rules: readonly LocalRule[];
      region: string;
      /** The first retry's delay; each next one doubles. Default 200 ms. */
      retryBaseMs?: number;
      log: (line: string) => void;
    },
  ) {}

  async putEvents(headers: Record<string, string>, body: string) {
    const target = headers['x-amz-target'] ?? '';
    if (target !== 'AWSEvents.PutEvents')
      return json(400, { __type: 'UnknownOperationException', message: target });
    const request = JSON.parse(body) as {
      Entries?: { Source?: string; DetailType?: string; Detail?: string; EventBusName?: string }[];
    };
    const entries = request.Entries ?? [];
    if (entries.length < 1 || entries.length > 10)
      return json(400, { __type: 'ValidationException', message: 'Entries must hold 1 to 10 entries' });
    // The request's events and their deliveries are stored in one transaction (at most 10 entries,
    // each with a delivery per target, fit its 100 items): one write per request, not per event.
    const accepted: { eventId: string; deliveries: Delivery[] }[] = [];
    const writes: Write[] = [];
    for (const entry of entries) {
      const eventId = ulid();
      const now = clock.now().toISOString();
      const event: BusEvent = {
        version: '0',
        id: eventId,
        'detail-type': entry.DetailType ?? '',
        source: entry.Source ?? '',
        account: '000000000000',
        time: now,
        region: this.options.region,
        resources: [],
        detail: entry.Detail ? JSON.parse(entry.Detail) : {},
      };
      const deliveries: Delivery[] = this.options.rules
        .filter((rule) => matchesPattern(rule.pattern, event))
        .flatMap((rule) =>
          rule.targets.map((ruleTarget) => ({
            pk: DELIVERIES,
            sk: `${eventId}#${rule.name}#${ruleTarget.name}`,
            rule: rule.name,
            target: ruleTarget.name,
            event,
          })),
        );
      writes.push(
        {
          put: {
            pk: 'OUTBOX',
            sk: `${now}#${eventId}`,
            entityType: 'Event',
            eventId,
            source: entry.Source,
            detailType: entry.DetailType,
            detail: event.detail,
            bus: entry.EventBusName,
            version: 1,
          },
        },
        ...deliveries.map((delivery) => ({ put: { ...delivery, entityType: 'EventDelivery', version: 1 } })),
      );
      accepted.push({ eventId, deliveries });
    }
    let stored = true;
    try {
      await this.table.transact(writes);
    } catch (error) {
      // As PutEvents answers entries it could not take: the caller puts them again.
      this.options.log(`[events] ${entries.length} events not stored: ${describe(error)}`);
      stored = false;
    }
    const results: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[] = accepted.map(
      ({ eventId, deliveries }) => {
        if (!stored) return { ErrorCode: 'InternalFailure', ErrorMessage: 'The event was not stored' };
        for (const delivery of deliveries) this.deliver(delivery);
        return { EventId: eventId };
      },
    );
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({
        FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length,
        Entries: results,
      }),
    };
  }

  async recent() {
    const page = await this.table.query<Record<string, unknown>>({
      pk: 'OUTBOX',
      limit: 50,
      newestFirst: true,
    });
    return page.items.map(({ pk: _pk, sk: _sk, entityType: _type, version: _version, ...event }) => event);
  }

  /** Delivers what a stop or a crash left owed (called once, at start). */
  redeliverOwed(): void {
    this.track(
      (async () => {
        let cursor: string | undefined;
        let count = 0;
        do {
          const page = await this.table.query<Delivery>({ pk: DELIVERIES, limit: 100, cursor });
          for (const delivery of page.items) {
            if (this.stopped.signal.aborted) return;
            this.deliver(delivery);
            count++;
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        if (count > 0)
          this.options.log(`[events] ${count} deliveries owed from before the restart, delivering`);
      })().catch((error) => this.options.log(`[events] owed deliveries not read: ${describe(error)}`)),
    );
  }

  /** Resolves when nothing is owed (every delivery succeeded or was dead-lettered); rejects when `signal` aborts. */
  settle(signal?: AbortSignal): Promise<void> {
    if (this.owed.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.idleWaiters.delete(done);
        reject(signal?.reason ?? new Error(`${this.owed.size} event deliveries still owed`));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.idleWaiters.add(done);
    });
  }

  /** How many deliveries are owed now (for messages). */
  get owedCount(): number {
    return this.owed.size;
  }

  /** Ends the retries' waits and waits for the deliveries under way; what is owed stays in the table. */
  async stop(): Promise<void> {
    this.stopped.abort();
    for (const start of this.queue.splice(0)) start();
    while (this.owed.size > 0) await Promise.allSettled([...this.owed]);
  }

  private deliver(delivery: Delivery): void {
    if (this.stopped.signal.aborted) return;
    this.track(this.deliverWithRetries(delivery));
  }

  private track(work: Promise<void>): void {
    this.owed.add(work);
    void work.finally(() => {
      this.owed.delete(work);
      if (this.owed.size === 0) for (const waiter of [...this.idleWaiters]) waiter();
      if (this.owed.size === 0) this.idleWaiters.clear();
    });
  }

  private async deliverWithRetries(delivery: Delivery): Promise<void> {
    const { log } = this.options;
    const rule = this.options.rules.find((candidate) => candidate.name === delivery.rule);
    const target = rule?.targets.find((candidate) => candidate.name === delivery.target);
    const what = `${delivery.event['detail-type']} ${delivery.event.id} → ${delivery.target}`;
    if (!rule || !target) {
      log(`[events] ${what}: no such rule or target any more; dead-lettered`);
      await this.deadLetter(delivery, 'no such target').catch(() => undefined);
      return;
    }
    const attempts = rule.retryAttempts + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.stopped.signal.aborted) return;
      let failure: unknown;
      await this.slot();
      try {
        if (this.stopped.signal.aborted) return;
        await target.handler(delivery.event);
      } catch (error) {
        failure = error ?? new Error('failed');
      } finally {
        this.release();
      }
      if (failure === undefined) {
        if (attempt > 1) log(`[events] ${what} delivered on attempt ${attempt}`);
        await this.settleDelivery(delivery);
        return;
      }
      if (attempt === attempts) break;
      const delay = Math.min((this.options.retryBaseMs ?? 200) * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
      log(`[events] ${what} failed (attempt ${attempt}): ${describe(failure)}; retrying in ${delay} ms`);
      await this.wait(delay);
    }
    log(`[events] ${what} failed ${attempts} times; dead-lettered`);
    await this.deadLetter(delivery, 'retries exhausted').catch((error) =>
      log(`[events] ${what} not dead-lettered: ${describe(error)}`),
    );
  }

  /** The delivery is no longer owed; a failure to say so only means it is delivered again after a restart. */
  private async settleDelivery(delivery: Delivery): Promise<void> {
    await this.table
      .transact([{ delete: { pk: delivery.pk, sk: delivery.sk } }])
      .catch((error) => this.options.log(`[events] delivery record not removed: ${describe(error)}`));
  }

  private async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    await this.table.transact([
      { delete: { pk: delivery.pk, sk: delivery.sk } },
      {
        put: {
          ...delivery,
          pk: DEAD_LETTERS,
          entityType: 'EventDeadLetter',
          reason,
          at: clock.now().toISOString(),
          version: 1,
        },
      },
    ]);
  }

  private slot(): Promise<void> {
    if (this.running < CONCURRENT_DELIVERIES || this.stopped.signal.aborted) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise<void>((start) =>
      this.queue.push(() => {
        this.running++;
        start();
      }),
    );
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.();
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((done) => {
      const signal = this.stopped.signal;
      if (signal.aborted) return done();
      const finish = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        done();
      };
      const timer = setTimeout(finish, ms);
      signal.addEventListener('abort', finish);
    });
  }
}

function json(statusCode: number, body: unknown) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
