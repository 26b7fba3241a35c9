import {
  type AttributeValue,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ActivityMonitor } from './activity.ts';

/**
 * The engine's own table (not the application's): executions, their history, and the callback
 * tasks they wait on. Every read is a GetItem or a Query; nothing scans.
 *
 * | item                                   | pk                     | sk                           |
 * |----------------------------------------|------------------------|------------------------------|
 * | execution                              | EXEC#<executionArn>    | EXECUTION                    |
 * | history event, in order                | EXEC#<executionArn>    | EVENT#<id, 10 digits>        |
 * | execution listed under its machine     | SM#<stateMachineArn>   | EXEC#<startDate>#<name>      |
 * | state machine (creation date)          | SM#<stateMachineArn>   | STATE_MACHINE                |
 * | execution still running (to resume)    | RUNNING                | <executionArn>               |
 * | callback task, by token                | TASK#<token>           | TASK                         |
 */
export const keys = {
  execution: (executionArn: string) => ({ pk: `EXEC#${executionArn}`, sk: 'EXECUTION' }),
  historyEvent: (executionArn: string, id: number) => ({
    pk: `EXEC#${executionArn}`,
    sk: `EVENT#${String(id).padStart(10, '0')}`,
  }),
  executionListing: (stateMachineArn: string, startDate: string, name: string) => ({
    pk: `SM#${stateMachineArn}`,
    sk: `EXEC#${startDate}#${name}`,
  }),
  stateMachine: (stateMachineArn: string) => ({ pk: `SM#${stateMachineArn}`, sk: 'STATE_MACHINE' }),
  running: (executionArn: string) => ({ pk: 'RUNNING', sk: executionArn }),
  callbackTask: (token: string) => ({ pk: `TASK#${token}`, sk: 'TASK' }),
};

type Key = { pk: string; sk: string };

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** JSON text, as the API hands it out. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** ISO instants on the shared clock. */
  startDate: string;
  stopDate?: string;
  /** Absolute deadline of the state machine's own `TimeoutSeconds`, if it has one. */
  timeoutAt?: string;
}

export type CallbackOutcome =
  /** `output` as SendTaskSuccess sent it (JSON text). */
  | { kind: 'succeeded'; output: string }
  | { kind: 'failed'; error: string; cause: string }
  | { kind: 'timedOut'; cause: string }
  | { kind: 'aborted' };

/** A `.waitForTaskToken` task: what a new process needs to re-attach it after a restart. */
export interface CallbackTaskRecord {
  token: string;
  executionArn: string;
  stateName: string;
  /** The state's raw input as its `StateEntered` event shows it (JSON text). */
  rawInput: string;
  /** Id of that `StateEntered` event. */
  enteredEventId: number;
  status: 'WAITING' | 'CLOSED';
  /** Whether the function that receives the token has been called (never call it twice). */
  functionInvoked: boolean;
  createdAt: string;
  /** Absolute deadline from TimeoutSeconds(Path); absent means the AWS default (effectively none). */
  timeoutAt?: string;
  heartbeatSeconds?: number;
  /** Absolute deadline for the next heartbeat. */
  heartbeatAt?: string;
  outcome?: CallbackOutcome;
  closedAt?: string;
}

export interface RunningRecord {
  executionArn: string;
  /** The execution's latest callback task, waiting or just closed. */
  currentToken?: string;
}

/** A history event as stored: the API's shape with the timestamp as an ISO instant. */
export type StoredHistoryEvent = Omit<HistoryEvent, 'timestamp'> & { timestamp: string; id: number };

export class EngineTable {
  readonly writer: SerialWriter;

  constructor(
    readonly dynamodb: DynamoDBClient,
    readonly tableName: string,
    activity: ActivityMonitor,
  ) {
    this.writer = new SerialWriter(dynamodb, tableName, activity);
  }

  /** Creates the table if it is missing (pk/sk strings, on demand). */
  async ensureExists(): Promise<void> {
    try {
      await this.dynamodb.send(new DescribeTableCommand({ TableName: this.tableName }));
      return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    try {
      await this.dynamodb.send(
        new CreateTableCommand({
          TableName: this.tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      );
    } catch (error) {
      // Another engine created it meanwhile.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }

  async getExecution(executionArn: string): Promise<ExecutionRecord | undefined> {
    return this.#get<ExecutionRecord>(keys.execution(executionArn));
  }

  /** Writes a new execution unless one with that ARN exists; answers whether it wrote. */
  async createExecution(execution: ExecutionRecord): Promise<boolean> {
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(keys.execution(execution.executionArn), execution),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  putExecution(execution: ExecutionRecord): Promise<void> {
    return this.writer.put(toItem(keys.execution(execution.executionArn), execution));
  }

  /** The listing item carries what ListExecutions shows, so listing never reads executions. */
  putExecutionListing(execution: ExecutionRecord): Promise<void> {
    const { executionArn, stateMachineArn, name, status, startDate, stopDate } = execution;
    return this.writer.put(
      toItem(keys.executionListing(stateMachineArn, startDate, name), {
        executionArn,
        stateMachineArn,
        name,
        status,
        startDate,
        stopDate,
      }),
    );
  }

  putHistoryEvent(executionArn: string, event: StoredHistoryEvent): Promise<void> {
    return this.writer.put({
      ...marshall(keys.historyEvent(executionArn, event.id)),
      type: { S: String(event.type) },
      // JSON text: history details are deep, sparse objects; no need to map them attribute by attribute.
      event: { S: JSON.stringify(event) },
    });
  }

  async getCallbackTask(token: string): Promise<CallbackTaskRecord | undefined> {
    return this.#get<CallbackTaskRecord>(keys.callbackTask(token));
  }

  putCallbackTask(task: CallbackTaskRecord): Promise<void> {
    return this.writer.put(toItem(keys.callbackTask(task.token), task));
  }

  async getRunning(executionArn: string): Promise<RunningRecord | undefined> {
    return this.#get<RunningRecord>(keys.running(executionArn));
  }

  putRunning(running: RunningRecord): Promise<void> {
    return this.writer.put(toItem(keys.running(running.executionArn), running));
  }

  deleteRunning(executionArn: string): Promise<void> {
    return this.writer.delete(keys.running(executionArn));
  }

  /** Every execution marked running (what a new process resumes). */
  async listRunning(): Promise<RunningRecord[]> {
    const running: RunningRecord[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamodb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'RUNNING' } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) running.push(fromItem<RunningRecord>(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return running;
  }

  /** One page of history, oldest first unless `newestFirst`. */
  async queryHistory(
    executionArn: string,
    options: { limit: number; newestFirst: boolean; startKey?: Key },
  ): Promise<{ events: StoredHistoryEvent[]; lastKey?: Key }> {
    const page = await this.dynamodb.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
        ExpressionAttributeValues: { ':pk': { S: `EXEC#${executionArn}` }, ':event': { S: 'EVENT#' } },
        ScanIndexForward: !options.newestFirst,
        Limit: options.limit,
        ExclusiveStartKey: options.startKey ? marshall(options.startKey) : undefined,
      }),
    );
    return {
      events: (page.Items ?? []).map((item) => JSON.parse(item.event?.S ?? '{}') as StoredHistoryEvent),
      lastKey: page.LastEvaluatedKey ? (unmarshall(page.LastEvaluatedKey) as Key) : undefined,
    };
  }

  /** Walks the history newest first until `accept` returns true for an event. */
  async findLatestEvent(
    executionArn: string,
    accept: (event: StoredHistoryEvent) => boolean,
  ): Promise<StoredHistoryEvent | undefined> {
    let startKey: Key | undefined;
    do {
      const page = await this.queryHistory(executionArn, { limit: 50, newestFirst: true, startKey });
      const found = page.events.find(accept);
      if (found) return found;
      startKey = page.lastKey;
    } while (startKey);
    return undefined;
  }

  /** Executions of a state machine, newest first, optionally only those in one status. */
  async queryExecutionListings(
    stateMachineArn: string,
    options: { limit: number; status?: ExecutionStatus; startKey?: Key },
  ): Promise<{ executions: ExecutionRecord[]; lastKey?: Key }> {
    const executions: (ExecutionRecord & Key)[] = [];
    let startKey = options.startKey;
    // A status filter applies after Limit, so keep reading until the page is full.
    do {
      const page = await this.dynamodb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :exec)',
          ExpressionAttributeValues: {
            ':pk': { S: `SM#${stateMachineArn}` },
            ':exec': { S: 'EXEC#' },
            ...(options.status ? { ':status': { S: options.status } } : {}),
          },
          FilterExpression: options.status ? '#status = :status' : undefined,
          ExpressionAttributeNames: options.status ? { '#status': 'status' } : undefined,
          ScanIndexForward: false,
          Limit: options.limit - executions.length,
          ExclusiveStartKey: startKey ? marshall(startKey) : undefined,
        }),
      );
      for (const item of page.Items ?? []) executions.push(unmarshall(item) as ExecutionRecord & Key);
      startKey = page.LastEvaluatedKey ? (unmarshall(page.LastEvaluatedKey) as Key) : undefined;
    } while (startKey && executions.length < options.limit);
    const last = executions.at(-1);
    return {
      executions: executions.map(({ pk: _pk, sk: _sk, ...execution }) => execution),
      // Resume after the last row shown, not after the last row read.
      lastKey: startKey && last ? { pk: last.pk, sk: last.sk } : undefined,
    };
  }

  /** The state machine's creation date: the first time any engine registered it on this table. */
  async registerStateMachine(stateMachineArn: string, name: string, now: Date): Promise<Date> {
    const key = keys.stateMachine(stateMachineArn);
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(key, { stateMachineArn, name, creationDate: now.toISOString() }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return now;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.#get<{ creationDate: string }>(key);
      return existing ? new Date(existing.creationDate) : now;
    }
  }

  async #get<T>(key: Key): Promise<T | undefined> {
    const result = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }),
    );
    return result.Item ? fromItem<T>(result.Item) : undefined;
  }
}

function toItem(key: Key, record: object): Record<string, AttributeValue> {
  return marshall({ ...record, ...key }, { removeUndefinedValues: true, convertClassInstanceToMap: true });
}

function fromItem<T>(item: Record<string, AttributeValue>): T {
  const { pk: _pk, sk: _sk, ...record } = unmarshall(item);
  return record as T;
}

type WriteOperation = { kind: 'put'; item: Record<string, AttributeValue> } | { kind: 'delete'; key: Key };

interface QueuedWrite {
  operation: WriteOperation;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * All of the engine's writes, one after another in the order they were made: a callback task is
 * on the table before its function is called, an execution's final status before it leaves the
 * running set. Runs of consecutive puts to distinct items go out as one BatchWriteItem (history
 * comes in bursts). After `close()` writes are dropped: a closed engine's stragglers must not
 * overwrite what the next engine on the same table writes.
 */
export class SerialWriter {
  readonly #queue: QueuedWrite[] = [];
  #draining = false;
  #closed = false;
  #drained: (() => void)[] = [];

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly activity: ActivityMonitor,
  ) {}

  put(item: Record<string, AttributeValue>): Promise<void> {
    return this.#enqueue({ kind: 'put', item });
  }

  delete(key: Key): Promise<void> {
    return this.#enqueue({ kind: 'delete', key });
  }

  /** Resolves once every write made so far has been attempted. */
  flushed(): Promise<void> {
    if (!this.#draining && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  close(): void {
    this.#closed = true;
    for (const write of this.#queue.splice(0)) write.resolve();
  }

  #enqueue(operation: WriteOperation): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => this.#queue.push({ operation, resolve, reject }));
    if (!this.#draining) void this.#drain();
    return promise;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    this.activity.begin();
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const batch = this.#takeBatch();
        try {
          await this.#write(batch.map((write) => write.operation));
          for (const write of batch) write.resolve();
        } catch (error) {
          console.error('[step-functions] a write to the engine table failed', error);
          for (const write of batch) write.reject(error);
        }
      }
    } finally {
      this.#draining = false;
      this.activity.end();
      for (const resolve of this.#drained.splice(0)) resolve();
    }
  }

  #takeBatch(): QueuedWrite[] {
    const batch: QueuedWrite[] = [];
    const seen = new Set<string>();
    while (batch.length < 25) {
      const next = this.#queue[0];
      if (!next) break;
      if (next.operation.kind === 'delete') {
        if (batch.length === 0) batch.push(this.#queue.shift()!);
        break;
      }
      const id = `${next.operation.item.pk?.S}\u0000${next.operation.item.sk?.S}`;
      if (seen.has(id)) break; // a batch may not touch one item twice
      seen.add(id);
      batch.push(this.#queue.shift()!);
    }
    return batch;
  }

  async #write(operations: WriteOperation[]): Promise<void> {
    const [only] = operations;
    if (operations.length === 1 && only) {
      if (only.kind === 'put') {
        await this.dynamodb.send(new PutItemCommand({ TableName: this.tableName, Item: only.item }));
      } else {
        await this.dynamodb.send(
          new DeleteItemCommand({ TableName: this.tableName, Key: marshall(only.key) }),
        );
      }
      return;
    }
    let requests: WriteRequest[] = operations.map((operation) =>
      operation.kind === 'put'
        ? { PutRequest: { Item: operation.item } }
        : { DeleteRequest: { Key: marshall(operation.key) } },
    );
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
      const result = await this.dynamodb.send(
        new BatchWriteItemCommand({ RequestItems: { [this.tableName]: requests } }),
      );
      requests = result.UnprocessedItems?.[this.tableName] ?? [];
    }
  }
}
