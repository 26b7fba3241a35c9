import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as settings from '../config.ts';

/**
 * Counts the DynamoDB requests a client sends, by command, with the capacity each consumed (the
 * middleware asks for `ReturnConsumedCapacity: INDEXES`, which changes nothing else). The request
 * budget test and the benchmarks read it; it is attached only when `COUNT_DYNAMODB_REQUESTS=1`
 * (see client.ts), so a deployed function carries it but never runs it.
 */
export interface CountedRequest {
  /** `GetItem`, `Query`, `TransactWriteItems`… */
  command: string;
  /** Writes of a transaction, keys of a batch; 1 otherwise. */
  items: number;
  /** Capacity units the request consumed, table and indexes; 0 when it failed. */
  capacityUnits: number;
  /** Of which the table's (the rest are its global secondary indexes'). */
  tableUnits: number;
  /** The request was answered with an error (a cancelled transaction, a throttle…). */
  failed: boolean;
  /** Whatever `onSend` wants to note (tests name the handler that sent it). */
  caller?: string | undefined;
}

/** Commands that accept `ReturnConsumedCapacity`. */
const CAPACITY_COMMANDS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
]);

type ConsumedCapacity = { CapacityUnits?: number; Table?: { CapacityUnits?: number } };

export class DynamoDbRequestCounter {
  readonly requests: CountedRequest[] = [];
  /** Called as each request is sent, with its input (tests note the caller, benchmarks item sizes). */
  onSend: ((request: CountedRequest, input: Record<string, unknown>) => void) | undefined;
  private readonly attached = new WeakSet<DynamoDBClient>();

  attachTo(client: DynamoDBClient): DynamoDBClient {
    if (this.attached.has(client)) return client;
    this.attached.add(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'Unknown';
        const input = args.input as Record<string, unknown>;
        if (CAPACITY_COMMANDS.has(name) && input.ReturnConsumedCapacity === undefined) {
          input.ReturnConsumedCapacity = 'INDEXES';
        }
        const request: CountedRequest = {
          command: name.replace(/Command$/, ''),
          items: itemsOf(input),
          capacityUnits: 0,
          tableUnits: 0,
          failed: false,
        };
        this.onSend?.(request, input);
        this.requests.push(request);
        try {
          const result = await next(args);
          const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
            .ConsumedCapacity;
          const all = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
          request.capacityUnits = all.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
          request.tableUnits = all.reduce(
            (sum, entry) => sum + (entry.Table?.CapacityUnits ?? entry.CapacityUnits ?? 0),
            0,
          );
          return result;
        } catch (error) {
          request.failed = true;
          throw error;
        }
      },
      { step: 'initialize', name: 'countDynamoDbRequests', override: true },
    );
    return client;
  }

  /** A position to count from: `since(mark())` are the requests sent after it. */
  mark(): number {
    return this.requests.length;
  }

  since(mark: number): CountedRequest[] {
    return this.requests.slice(mark);
  }
}

function itemsOf(input: Record<string, unknown>): number {
  if (Array.isArray(input.TransactItems)) return input.TransactItems.length;
  const batch = input.RequestItems as Record<string, { Keys?: unknown[] } | unknown[]> | undefined;
  if (batch) {
    return Object.values(batch).reduce<number>(
      (sum, entry) => sum + (Array.isArray(entry) ? entry.length : (entry.Keys?.length ?? 0)),
      0,
    );
  }
  return 1;
}

/** The process's counter: one per process, like the client it counts. */
export const dynamoDbRequests = new DynamoDbRequestCounter();

/** Attaches the process's counter when `COUNT_DYNAMODB_REQUESTS=1`; otherwise leaves the client alone. */
export function countRequestsWhenAsked(client: DynamoDBClient): DynamoDBClient {
  return settings.countDynamoDbRequests() ? dynamoDbRequests.attachTo(client) : client;
}

/** Requests by command, with their capacity units. */
export function tallyRequests(
  requests: readonly CountedRequest[],
): Record<string, { requests: number; capacityUnits: number }> {
  const tally: Record<string, { requests: number; capacityUnits: number }> = {};
  for (const request of requests) {
    const entry = tally[request.command] ?? { requests: 0, capacityUnits: 0 };
    tally[request.command] = entry;
    entry.requests += 1;
    entry.capacityUnits += request.capacityUnits;
  }
  return tally;
}
