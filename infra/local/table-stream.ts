import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  CASE_CHANGE_BATCHING,
  type EventPattern,
  matchesPattern,
} from '../../shared/adapters/case-changes.ts';
import type { Table } from '../../shared/adapters/dynamodb/table.ts';

/**
 * The embedded runtime's Lambda event source mapping on the table's stream (DynamoDB Local serves
 * the DynamoDB Streams API on its own endpoint): every second (the mapping's batching window) it reads each shard of the table's
 * latest stream — parents before children, as shard lineage requires — keeps the records that
 * match the mapping's filter (the very pattern CDK puts on the AWS mapping) and hands them to the
 * function as a `DynamoDBStreamEvent`, at most `batchSize` records at a time.
 *
 * As on AWS: a batch the function fails (throws) is handed over again, and a batch item failure
 * (`batchItemFailures`) hands over again from the record it names; records are read past only
 * once handed over. Unlike AWS it never gives up on a batch (no on-failure destination): locally
 * the function only fails while the bus does.
 *
 * Where it got to is kept in the table (`LOCAL#STREAM`, `CHECKPOINT#<function>`: the last
 * sequence number handed over per shard), so a restart reads on from there (AFTER_SEQUENCE_NUMBER)
 * instead of from the start of the stream (TRIM_HORIZON, the first time). A crash between a
 * hand-over and the checkpoint's write hands that batch over again, which is allowed: the
 * consumers are idempotent. The checkpoint is written only after a hand-over (and at a stop):
 * its own write is a stream record too, which must not cause another write.
 */
export interface TableStreamOptions {
  /** The runtime's DynamoDB client; its endpoint serves the Streams API too. */
  client: DynamoDBClient;
  connection: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  table: Table;
  /** The function the records are for (names the checkpoint). */
  functionName: string;
  /** The event source mapping's filter, in Lambda's syntax. */
  filter: EventPattern;
  /** The function's handler, given a `DynamoDBStreamEvent`. */
  handler: (event: DynamoDBStreamEvent) => Promise<unknown>;
  /** Records handed over at most at once (the mapping's `batchSize`); default 100. */
  batchSize?: number;
  /** Pause between reads when caught up; default the mapping's batching window (1 s). */
  intervalMs?: number;
  log: (line: string) => void;
}

export interface TableStreamPoller {
  /**
   * Resolves once every record written to the stream before the call has been read and every one
   * the filter keeps has been handed over (a complete read of every shard that started after the
   * call); rejects when `signal` aborts or the poller stops first.
   */
  settle(signal?: AbortSignal): Promise<void>;
  /** Stops reading (the read and hand-over under way finish first) and keeps the checkpoint. */
  stop(): Promise<void>;
}

interface Shard {
  id: string;
  parentId: string | undefined;
  /** Where the next GetRecords reads; undefined until asked for (or after it expired). */
  iterator: string | undefined;
  /** GetRecords said there is nothing after what was read (a closed shard). */
  ended: boolean;
  /** The last sequence number read past (handed over, or not kept by the filter). */
  after: string | undefined;
  /** Read to its end (a closed shard whose records are all handed over). */
  done: boolean;
  /** Records kept by the filter, read but not yet handed over, and the sequence number they end at. */
  pending: DynamoDBRecord[];
  pendingTo: string | undefined;
}

interface Checkpoint {
  streamArn: string;
  /** Shard id → the last sequence number read past. */
  shards: Record<string, string>;
  /** Shards read to their end. */
  finished: string[];
}

const CHECKPOINT_PARTITION = 'LOCAL#STREAM';
/** How often the stream's shards are listed again while nothing tells it to (a shard ending does). */
const DESCRIBE_EVERY_MS = 5_000;
const MAX_BACKOFF_MS = 5_000;

export async function startTableStream(options: TableStreamOptions): Promise<TableStreamPoller> {
  const { table, log } = options;
  const intervalMs = options.intervalMs ?? CASE_CHANGE_BATCHING.windowSeconds * 1000;
  const batchSize = options.batchSize ?? CASE_CHANGE_BATCHING.batchSize;
  const checkpointKey = { pk: CHECKPOINT_PARTITION, sk: `CHECKPOINT#${options.functionName}` };
  const streams = new DynamoDBStreamsClient(options.connection);
  const stopped = new AbortController();
  let wake: (() => void) | undefined;

  const described = await options.client.send(new DescribeTableCommand({ TableName: table.name }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${table.name} has no stream`);

  const shards = new Map<string, Shard>();
  const saved = await table.get<Checkpoint>(checkpointKey);
  const resumed = saved?.streamArn === streamArn ? saved : undefined;
  const finished = new Set(resumed?.finished ?? []);
  /** What the checkpoint item says now, to write it only when it would change. */
  let written = JSON.stringify(resumed ? { shards: resumed.shards, finished: resumed.finished } : {});
  let lastDescribed = 0;
  let describeNow = true;

  async function describeShards(): Promise<void> {
    const seen = new Set<string>();
    let start: string | undefined;
    do {
      const out = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId) continue;
        seen.add(shard.ShardId);
        if (shards.has(shard.ShardId)) continue;
        shards.set(shard.ShardId, {
          id: shard.ShardId,
          parentId: shard.ParentShardId,
          iterator: undefined,
          ended: false,
          after: resumed?.shards[shard.ShardId],
          done: finished.has(shard.ShardId),
          pending: [],
          pendingTo: undefined,
        });
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    // Shards the stream no longer lists (trimmed after 24 hours) are forgotten.
    for (const id of shards.keys()) if (!seen.has(id)) shards.delete(id);
    lastDescribed = Date.now();
    describeNow = false;
  }

  /** Shards to read now: not done, and whose parent (if the stream still lists it) is done. */
  const readable = () =>
    [...shards.values()].filter((shard) => {
      if (shard.done) return false;
      const parent = shard.parentId ? shards.get(shard.parentId) : undefined;
      return !parent || parent.done;
    });

  async function iteratorOf(shard: Shard): Promise<string | undefined> {
    const from = async (type: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER') =>
      (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.id,
            ShardIteratorType: type,
            SequenceNumber: type === 'AFTER_SEQUENCE_NUMBER' ? shard.after : undefined,
          }),
        )
      ).ShardIterator;
    if (!shard.after) return from('TRIM_HORIZON');
    try {
      return await from('AFTER_SEQUENCE_NUMBER');
    } catch (error) {
      // The records after the checkpoint were trimmed (older than the stream keeps): read what is left.
      if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
      log(`[stream] ${shard.id}: the checkpoint's records were trimmed; reading the shard from its start`);
      return from('TRIM_HORIZON');
    }
  }

  /** Hands the pending records over; throws when the function failed (they stay pending, from the failure on). */
  async function handOver(shard: Shard): Promise<void> {
    while (shard.pending.length > 0) {
      const batch = shard.pending.slice(0, batchSize);
      let response: unknown;
      try {
        response = await options.handler({ Records: batch });
      } catch (error) {
        throw new Error(`${options.functionName} failed on ${batch.length} records (${describe(error)})`);
      }
      const failures = (response as DynamoDBBatchResponse | undefined)?.batchItemFailures ?? [];
      const failedAt = failures.length
        ? Math.min(
            ...failures.map((failure) =>
              batch.findIndex((record) => record.dynamodb?.SequenceNumber === failure.itemIdentifier),
            ),
          )
        : -1;
      if (failures.length > 0) {
        // An identifier that names no record of the batch fails the whole batch, as on AWS.
        const from = Math.max(failedAt, 0);
        shard.pending = [...batch.slice(from), ...shard.pending.slice(batch.length)];
        throw new Error(`${options.functionName} could not take ${shard.pending.length} records`);
      }
      shard.pending = shard.pending.slice(batch.length);
    }
    if (shard.pendingTo) shard.after = shard.pendingTo;
    shard.pendingTo = undefined;
  }

  /** Reads a shard up to what exists now ('failed': stopped first); throws when a hand-over failed. */
  async function drain(shard: Shard): Promise<'caught-up' | 'finished' | 'failed'> {
    let handed = false;
    for (;;) {
      if (shard.pending.length > 0) {
        await handOver(shard);
        handed = true;
      }
      if (stopped.signal.aborted) return 'failed';
      if (shard.ended) break;
      shard.iterator ??= await iteratorOf(shard);
      if (!shard.iterator) break;
      let out: Awaited<ReturnType<typeof readRecords>>;
      try {
        out = await readRecords(shard.iterator);
      } catch (error) {
        if ((error as Error).name === 'ExpiredIteratorException') {
          shard.iterator = undefined;
          continue;
        }
        if ((error as Error).name === 'ResourceNotFoundException') {
          shards.delete(shard.id);
          return 'finished';
        }
        throw error;
      }
      shard.iterator = out.NextShardIterator;
      if (!out.NextShardIterator) shard.ended = true;
      const records = out.Records ?? [];
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      const kept = records.map(lambdaRecord).filter((record) => matchesPattern(options.filter, record));
      if (kept.length > 0) {
        shard.pending = kept;
        shard.pendingTo = last;
        continue;
      }
      if (last) shard.after = last;
      if (records.length === 0 && !shard.ended) {
        if (handed) await saveCheckpoint();
        return 'caught-up';
      }
    }
    // A closed shard read to its end: its children are read next.
    shard.done = true;
    describeNow = true;
    await saveCheckpoint();
    return 'finished';
  }

  const readRecords = (iterator: string) =>
    streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));

  function lambdaRecord(record: StreamRecord): DynamoDBRecord {
    const { ApproximateCreationDateTime: created, ...change } = record.dynamodb ?? {};
    return {
      eventID: record.eventID,
      eventName: record.eventName as DynamoDBRecord['eventName'],
      eventVersion: record.eventVersion,
      eventSource: record.eventSource,
      awsRegion: record.awsRegion,
      dynamodb: {
        ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
        ...change,
      } as DynamoDBRecord['dynamodb'],
      eventSourceARN: streamArn,
    };
  }

  async function saveCheckpoint(): Promise<void> {
    const state = {
      shards: Object.fromEntries(
        [...shards.values()].flatMap((shard) => (shard.after ? [[shard.id, shard.after]] : [])),
      ),
      finished: [...shards.values()].filter((shard) => shard.done).map((shard) => shard.id),
    };
    const text = JSON.stringify(state);
    if (text === written) return;
    await table.transact([{ put: { ...checkpointKey, streamArn, ...state, version: Date.now() } }]);
    written = text;
  }

  /** One read of every shard; true when each was read to what exists now and handed over. */
  async function poll(): Promise<boolean> {
    if (describeNow || Date.now() - lastDescribed > DESCRIBE_EVERY_MS) await describeShards();
    let complete = true;
    // A shard that ends during the read makes its children readable: list and read again.
    for (let round = 0; round < 20; round++) {
      let ended = false;
      for (const shard of readable()) {
        if (stopped.signal.aborted) return false;
        const result = await drain(shard);
        if (result === 'failed') complete = false;
        if (result === 'finished') ended = true;
      }
      if (!ended) return complete;
      await describeShards();
    }
    return false;
  }

  // Passes: `started` counts reads begun, `completed` the last one that read everything.
  let started = 0;
  let completed = 0;
  const waiters = new Set<{ after: number; resolve: () => void; reject: (error: unknown) => void }>();
  let failures = 0;
  let lastError = '';

  async function run(): Promise<void> {
    while (!stopped.signal.aborted) {
      const pass = ++started;
      let complete = false;
      try {
        complete = await poll();
      } catch (error) {
        const text = describe(error);
        // Once per kind of failure, not at every retry.
        if (text !== lastError && !stopped.signal.aborted)
          log(`[stream] reading the table's stream failed, retrying: ${text}`);
        lastError = text;
      }
      if (complete) {
        completed = pass;
        failures = 0;
        lastError = '';
        for (const waiter of waiters) {
          if (waiter.after < pass) {
            waiters.delete(waiter);
            waiter.resolve();
          }
        }
      } else failures++;
      // A settle waiting for a read that starts after it is not kept waiting for the interval.
      const waited = [...waiters].some((waiter) => waiter.after >= started);
      await pause(!complete ? Math.min(intervalMs * 2 ** failures, MAX_BACKOFF_MS) : waited ? 0 : intervalMs);
    }
  }

  const pause = (ms: number) =>
    new Promise<void>((done) => {
      if (stopped.signal.aborted) return done();
      const finish = () => {
        clearTimeout(timer);
        stopped.signal.removeEventListener('abort', finish);
        wake = undefined;
        done();
      };
      const timer = setTimeout(finish, ms);
      wake = finish;
      stopped.signal.addEventListener('abort', finish);
    });

  const running = run();

  return {
    settle(signal) {
      if (stopped.signal.aborted) return Promise.reject(new Error('the table stream poller has stopped'));
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          // Any pass that starts after this call reads every record written before it.
          after: started,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (error: unknown) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        const onAbort = () => {
          waiters.delete(waiter);
          const behind = [...shards.values()].filter((shard) => shard.pending.length > 0).length;
          reject(
            signal?.reason ??
              new Error(
                `the table stream was not read to its end (last complete read ${completed} of ${started}; ${behind} shards with records not handed over)`,
              ),
          );
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.add(waiter);
        wake?.();
      });
    },
    async stop() {
      stopped.abort();
      wake?.();
      await running;
      for (const waiter of waiters) waiter.reject(new Error('the table stream poller stopped'));
      waiters.clear();
      try {
        await saveCheckpoint();
      } catch (error) {
        log(`[stream] the checkpoint was not kept: ${describe(error)}`);
      }
      streams.destroy();
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
