import { keys } from './dynamodb/keys.ts';

/**
 * The domain-event path that feeds the read models, stated once for AWS and the embedded runtime:
 *
 *   table stream (KEYS_ONLY) ──filter CASE_CHANGE_RECORDS──► publish-case-changes ──PutEvents──►
 *   domain bus ──rule CASE_CHANGED_RULE──► every `onCaseChanged` function (the read-model projector)
 *
 * Every change of a cohort or a claim writes an audit record in the transaction of the change, so
 * the INSERT of an audit record in a COHORT#/CLAIM# partition is the one signal that the case
 * changed. The event names the audit record's key and nothing else: the stream carries keys only,
 * and so does the bus (no personal data leaves the table in an event); a consumer reads what it
 * needs from the table.
 *
 * CDK puts CASE_CHANGE_RECORDS on the stream's event source mapping (Lambda's filter syntax) and
 * CASE_CHANGED_RULE on the bus's rule; the embedded runtime evaluates the very same objects with
 * `matchesPattern` (infra/local/table-stream.ts, the LocalEventOutbox in infra/local/runtime.ts),
 * and the publisher checks each record against the filter again, so it is right without it too.
 */

/** The event put on the bus for each audit record of a cohort or a claim. */
export const CASE_CHANGED = { source: 'apprenticeflow.cases', detailType: 'case.changed' } as const;

/** `detail` of a `case.changed` event: the key of the audit record that says what changed. */
export type CaseChangedDetail = {
  /** `COHORT#<id>` or `CLAIM#<id>`: the case's partition. */
  pk: string;
  /** `AUDIT#<10-digit seq>`. */
  sk: string;
};

/** A filter / event pattern in EventBridge's syntax (Lambda event filtering uses the same). */
export type EventPattern = { [field: string]: EventPattern | readonly PatternValue[] };
export type PatternValue = string | number | boolean | null | { prefix: string } | { exists: boolean };

/** Partitions whose audit records are case changes. */
const CASE_PARTITION_PREFIXES = [keys.casePartition('COHORT', ''), keys.casePartition('CLAIM', '')];

/**
 * The stream records that are case changes (the event source mapping's filter): INSERTs whose sort
 * key is an audit record's, in a cohort's or a claim's partition. Audit records are only ever put,
 * never modified; credit-blacklist, employment, override and document audit records are not cases
 * the read models follow.
 */
export const CASE_CHANGE_RECORDS = {
  eventName: ['INSERT'],
  dynamodb: {
    Keys: {
      pk: { S: CASE_PARTITION_PREFIXES.map((prefix) => ({ prefix })) },
      sk: { S: [{ prefix: keys.auditPrefix }] },
    },
  },
} as const satisfies EventPattern;

/**
 * How the stream's records reach the publisher, on AWS (the event source mapping) and locally (the
 * poller): up to 100 at a time, gathered for up to a second, so a burst of changes to one case
 * becomes one `case.changed` (the publisher puts one event per case of a batch).
 */
export const CASE_CHANGE_BATCHING = { batchSize: 100, windowSeconds: 1 } as const;

/** The bus rule to the `onCaseChanged` functions. */
export const CASE_CHANGED_RULE = {
  source: [CASE_CHANGED.source],
  'detail-type': [CASE_CHANGED.detailType],
} as const satisfies EventPattern;

/**
 * How long EventBridge keeps retrying a delivery to an `onCaseChanged` function before the event
 * goes to the rule's dead-letter queue (the embedded bus retries as many times, then keeps it aside).
 */
export const CASE_CHANGED_DELIVERY = { retryAttempts: 185, maxEventAgeHours: 24 } as const;

/**
 * Whether a value (an event, a stream record) matches a pattern, as EventBridge and Lambda event
 * filtering read the parts used here: every field of the pattern must match; a list matches when
 * any of its values does (a string, number, boolean or null exactly, `{prefix}`, `{exists}`); a
 * field holding a list matches when any of its elements does.
 */
export function matchesPattern(pattern: EventPattern, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = fields[field];
    if (!Array.isArray(expected)) return matchesPattern(expected as EventPattern, actual);
    const values: readonly PatternValue[] = expected;
    return values.some((wanted) => matchesValue(wanted, actual));
  });
}

function matchesValue(wanted: PatternValue, actual: unknown): boolean {
  if (wanted !== null && typeof wanted === 'object' && 'exists' in wanted)
    return wanted.exists === (actual !== undefined);
  if (Array.isArray(actual)) return actual.some((element) => matchesValue(wanted, element));
  if (wanted !== null && typeof wanted === 'object')
    return typeof actual === 'string' && actual.startsWith(wanted.prefix);
  return actual === wanted;
}

/** The detail of the `case.changed` event a stream record stands for, or undefined when it is not a case change. */
export function caseChangeOf(record: unknown): CaseChangedDetail | undefined {
  if (!matchesPattern(CASE_CHANGE_RECORDS, record)) return undefined;
  const { pk, sk } = (record as { dynamodb: { Keys: { pk: { S: string }; sk: { S: string } } } }).dynamodb
    .Keys;
  return { pk: pk.S, sk: sk.S };
}

/** What the publisher reads of a stream record (Lambda's DynamoDBStreamEvent record, or the embedded poller's). */
export interface StreamRecordLike {
  eventName?: string | undefined;
  dynamodb: { SequenceNumber: string; Keys?: unknown };
}

export interface PublishedCaseChanges {
  /** Events the bus accepted. */
  published: number;
  /** Records that are not case changes (a filter on the event source mapping leaves none). */
  skipped: number;
  /** Case changes folded into a later change of the same case in the batch (one event per case). */
  coalesced: number;
  /** The sequence number of the first record not published: the stream is read again from there. */
  failedFrom: string | undefined;
  /** Why the last PutEvents of the failed entry threw, when it did (rather than refuse the entry). */
  error?: unknown;
}

/** PutEvents takes at most 10 entries. */
const PUT_EVENTS_BATCH = 10;
/** Entries the bus refused are put again this many times in the invocation before the batch fails. */
const PUT_ATTEMPTS = 3;

/**
 * Puts one `case.changed` event per case changed in the batch — naming its latest audit record,
 * since the projector reads the case whole: one event says all that several would — in the order
 * the cases first changed, 10 to a PutEvents. Entries the bus refuses are put again (a couple of
 * times, with a short pause); if one still fails — or the call keeps throwing — nothing after it
 * is put and `failedFrom` names the first record of its case in the batch, which the caller
 * reports as the batch's item failure so the stream is read again from there (at least once: the
 * projector is idempotent, a repeated event changes nothing).
 */
export async function publishCaseChanges(
  records: readonly StreamRecordLike[],
  put: (entries: { detailType: string; detail: CaseChangedDetail }[]) => Promise<number[]>,
  pause: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
): Promise<PublishedCaseChanges> {
  /** One per case: the sequence number of its first record in the batch, the key of its latest audit record. */
  const changes: { sequenceNumber: string; detail: CaseChangedDetail }[] = [];
  const caseAt = new Map<string, number>();
  let caseChanges = 0;
  for (const record of records) {
    const detail = caseChangeOf(record);
    if (!detail) continue;
    caseChanges++;
    const at = caseAt.get(detail.pk);
    if (at === undefined) {
      caseAt.set(detail.pk, changes.length);
      changes.push({ sequenceNumber: record.dynamodb.SequenceNumber, detail });
    } else if (detail.sk > changes[at]!.detail.sk) changes[at]!.detail = detail;
  }
  const result: PublishedCaseChanges = {
    published: 0,
    skipped: records.length - caseChanges,
    coalesced: caseChanges - changes.length,
    failedFrom: undefined,
  };
  for (let start = 0; start < changes.length; start += PUT_EVENTS_BATCH) {
    let waiting = changes.slice(start, start + PUT_EVENTS_BATCH);
    for (let attempt = 1; waiting.length > 0; attempt++) {
      let failed: number[];
      try {
        failed = await put(
          waiting.map((change) => ({ detailType: CASE_CHANGED.detailType, detail: change.detail })),
        );
      } catch (error) {
        if (attempt >= PUT_ATTEMPTS) {
          result.failedFrom = waiting[0]!.sequenceNumber;
          result.error = error;
          return result;
        }
        await pause(100 * 4 ** (attempt - 1));
        continue;
      }
      result.published += waiting.length - failed.length;
      waiting = failed.map((index) => waiting[index]!);
      if (waiting.length > 0 && attempt >= PUT_ATTEMPTS) {
        result.failedFrom = waiting[0]!.sequenceNumber;
        return result;
      }
      if (waiting.length > 0) await pause(100 * 4 ** (attempt - 1));
    }
  }
  return result;
}
