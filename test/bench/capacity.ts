import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { CountedRequest } from '../../shared/adapters/dynamodb/request-counter.ts';
import { dynamoDbRequests } from '../../shared/adapters/dynamodb/request-counter.ts';

/**
 * Capacity units as AWS bills them. DynamoDB Local reports consumed capacity, and for a single
 * item it reports what AWS would; for a transaction of several items it rounds the items' total
 * size up to 1 KB once (probed: two 100-byte puts in one transaction report 2 units, AWS bills
 * 2 × 2), where AWS rounds each item up. The table's part of every all-Put transaction is
 * therefore recomputed here from the items' sizes by AWS's rules (1 KB per write unit, each item
 * rounded up, ×2 in a transaction); the indexes' part is kept as reported. A GetItem or Query
 * that finds nothing is billed AWS's minimum (1 unit strongly consistent, 0.5 eventually), where
 * DynamoDB Local reports 0.
 */
export interface BilledRequest extends CountedRequest {
  /** Table write units by AWS's rules, when every write of the transaction is a Put. */
  awsTableUnits?: number;
  /** The least a GetItem or Query is billed, even when it finds nothing (DynamoDB Local reports 0). */
  minReadUnits?: number;
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** DynamoDB's size of one attribute value (Developer Guide, "Item sizes and formats"). */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, entry) => sum + utf8(entry), 0);
  if (value.NS) return value.NS.reduce((sum, entry) => sum + numberSize(entry), 0);
  if (value.BS) return value.BS.reduce((sum, entry) => sum + entry.byteLength, 0);
  if (value.M) {
    return Object.entries(value.M).reduce((sum, [name, entry]) => sum + utf8(name) + valueSize(entry) + 1, 3);
  }
  if (value.L) return value.L.reduce((sum, entry) => sum + valueSize(entry) + 1, 3);
  return 0;
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/** Table write units AWS bills for a TransactWriteItems whose writes are all Puts; undefined otherwise. */
export function transactionTableUnits(items: readonly TransactWriteItem[]): number | undefined {
  if (!items.every((item) => item.Put?.Item)) return undefined;
  return items.reduce((sum, item) => sum + 2 * Math.max(1, Math.ceil(itemSize(item.Put!.Item!) / 1024)), 0);
}

/** Notes AWS's table units on every transaction the counter sees from now on. */
export function noteBilledUnits(): void {
  const previous = dynamoDbRequests.onSend;
  dynamoDbRequests.onSend = (request, input) => {
    previous?.(request, input);
    if (request.command === 'TransactWriteItems') {
      const units = transactionTableUnits(input.TransactItems as TransactWriteItem[]);
      if (units !== undefined) (request as BilledRequest).awsTableUnits = units;
    }
    if (request.command === 'GetItem' || request.command === 'Query') {
      (request as BilledRequest).minReadUnits = input.ConsistentRead ? 1 : 0.5;
    }
  };
}

const READS = new Set(['GetItem', 'Query', 'BatchGetItem', 'TransactGetItems', 'Scan']);

export interface DynamoDbWork {
  /** Requests by command. */
  requests: Record<string, number>;
  readRequests: number;
  writeRequests: number;
  /** Read request units as reported (DynamoDB Local sizes items and queries as AWS does), at least AWS's minimum. */
  readUnits: number;
  /** Write request units as DynamoDB Local reported them. */
  writeUnitsReported: number;
  /** Write request units as AWS bills them (see above): what the cost model uses. */
  writeUnits: number;
}

export function dynamoDbWork(requests: readonly BilledRequest[]): DynamoDbWork {
  const work: DynamoDbWork = {
    requests: {},
    readRequests: 0,
    writeRequests: 0,
    readUnits: 0,
    writeUnitsReported: 0,
    writeUnits: 0,
  };
  for (const request of requests) {
    work.requests[request.command] = (work.requests[request.command] ?? 0) + 1;
    if (READS.has(request.command)) {
      work.readRequests += 1;
      work.readUnits += Math.max(request.capacityUnits, request.minReadUnits ?? 0);
    } else {
      work.writeRequests += 1;
      work.writeUnitsReported += request.capacityUnits;
      const indexUnits = request.capacityUnits - request.tableUnits;
      const tableUnits = request.failed ? 0 : (request.awsTableUnits ?? request.tableUnits);
      work.writeUnits += tableUnits + indexUnits;
    }
  }
  return work;
}
