import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { says } from '../../domain/error-codes.ts';
import { fieldError, ValidationFailed } from '../../domain/errors.ts';

export type Item = Record<string, unknown>;
export interface Key {
  pk: string;
  sk: string;
}

/** Raised when a transaction's condition failed; `failed` holds the indexes of the failed writes. */
export class WriteConditionFailed extends Error {
  override name = 'WriteConditionFailed';
  constructor(
    readonly failed: number[],
    readonly reasons: (string | undefined)[],
  ) {
    super(`Condition failed at write ${failed.join(', ')}`);
  }
}

export const toAttributes = (value: Item) =>
  marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: true });
export const fromAttributes = (value: Record<string, AttributeValue>) => unmarshall(value) as Item;

/** A write of a transaction, in the SDK's own shape but with plain JS values. */
export type Write =
  | { put: Item; condition?: string; names?: Record<string, string>; values?: Item }
  | { update: Key; set: string; condition?: string; names?: Record<string, string>; values?: Item }
  | { delete: Key; condition?: string; names?: Record<string, string>; values?: Item }
  | { check: Key; condition: string; names?: Record<string, string>; values?: Item };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Thin, typed access to the one table: GetItem, Query and TransactWriteItems — nothing else on request paths. */
export class Table {
  constructor(
    readonly client: DynamoDBClient,
    readonly name: string,
  ) {}

  async get<T = Item>(key: Key): Promise<T | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.name,
        Key: toAttributes(key as unknown as Item),
        ConsistentRead: true,
      }),
    );
    return out.Item ? (fromAttributes(out.Item) as T) : undefined;
  }

  async batchGet<T = Item>(keys: Key[], projection?: string[]): Promise<T[]> {
    const names = projection
      ? Object.fromEntries(projection.map((name, index) => [`#p${index}`, name]))
      : undefined;
    const found: T[] = [];
    for (let start = 0; start < keys.length; start += 100) {
      let request: Record<string, AttributeValue>[] | undefined = keys
        .slice(start, start + 100)
        .map((key) => toAttributes(key as unknown as Item));
      for (let attempt = 0; request && request.length > 0 && attempt < 6; attempt++) {
        const out = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.name]: {
                Keys: request,
                ConsistentRead: true,
                ProjectionExpression: names ? Object.keys(names).join(', ') : undefined,
                ExpressionAttributeNames: names,
              },
            },
          }),
        );
        for (const item of out.Responses?.[this.name] ?? []) found.push(fromAttributes(item) as T);
        request = out.UnprocessedKeys?.[this.name]?.Keys as Record<string, AttributeValue>[] | undefined;
      }
    }
    return found;
  }

  async query<T = Item>(options: {
    index?: 'GSI1' | 'GSI2' | 'GSI3';
    pk: string;
    skPrefix?: string;
    /** Sort key at most this (with newestFirst: the latest entry not after a date). */
    skAtMost?: string;
    limit: number;
    cursor?: string | undefined;
    newestFirst?: boolean;
    filter?: { expression: string; names?: Record<string, string>; values?: Item };
  }): Promise<Page<T>> {
    const pkName = options.index ? `${options.index.toLowerCase()}pk` : 'pk';
    const skName = options.index ? `${options.index.toLowerCase()}sk` : 'sk';
    const names: Record<string, string> = { '#pk': pkName, ...options.filter?.names };
    const values: Item = { ':pk': options.pk, ...options.filter?.values };
    let condition = '#pk = :pk';
    if (options.skPrefix) {
      names['#sk'] = skName;
      values[':sk'] = options.skPrefix;
      condition += ' AND begins_with(#sk, :sk)';
    } else if (options.skAtMost) {
      names['#sk'] = skName;
      values[':sk'] = options.skAtMost;
      condition += ' AND #sk <= :sk';
    }
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.name,
        IndexName: options.index,
        KeyConditionExpression: condition,
        FilterExpression: options.filter?.expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toAttributes(values),
        Limit: options.limit,
        ScanIndexForward: !options.newestFirst,
        ExclusiveStartKey: cursorFor(options.cursor, {
          pkName,
          skName,
          pk: options.pk,
          skPrefix: options.skPrefix,
          skAtMost: options.skAtMost,
        }),
        ConsistentRead: options.index ? undefined : true,
      }),
    );
    return {
      items: (out.Items ?? []).map((item) => fromAttributes(item) as T),
      nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null,
    };
  }

  /**
   * One TransactWriteItems (at most 100 writes). A failed condition raises WriteConditionFailed.
   * A conflict with a concurrent transaction on the same items (`TransactionConflict`) is retried
   * a few times with jitter: every write is conditioned, so a retry never applies a change twice.
   */
  async transact(writes: Write[], token?: string): Promise<void> {
    if (writes.length === 0) return;
    if (writes.length > 100) throw new Error(`A transaction holds at most 100 writes (got ${writes.length})`);
    const items: TransactWriteItem[] = writes.map((write) => this.toTransactItem(write));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }),
        );
        return;
      } catch (error) {
        if (
          !(
            error instanceof TransactionCanceledException ||
            (error as Error).name === 'TransactionCanceledException'
          )
        )
          throw error;
        const reasons = ((error as TransactionCanceledException).CancellationReasons ?? []).map(
          (reason) => reason.Code,
        );
        const failed = reasons.flatMap((code, index) => (code === 'ConditionalCheckFailed' ? [index] : []));
        if (failed.length > 0) throw new WriteConditionFailed(failed, reasons);
        if (!reasons.includes('TransactionConflict') || attempt >= 8) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
      }
    }
  }

  private toTransactItem(write: Write): TransactWriteItem {
    const common = {
      TableName: this.name,
      ConditionExpression: write.condition,
      ExpressionAttributeNames: write.names && Object.keys(write.names).length > 0 ? write.names : undefined,
      ExpressionAttributeValues:
        write.values && Object.keys(write.values).length > 0 ? toAttributes(write.values) : undefined,
    };
    if ('put' in write) return { Put: { ...common, Item: toAttributes(write.put) } };
    if ('update' in write) {
      return {
        Update: {
          ...common,
          Key: toAttributes(write.update as unknown as Item),
          UpdateExpression: write.set,
        },
      };
    }
    if ('delete' in write)
      return { Delete: { ...common, Key: toAttributes(write.delete as unknown as Item) } };
    return {
      ConditionCheck: {
        ...common,
        ConditionExpression: write.condition,
        Key: toAttributes(write.check as unknown as Item),
      },
    };
  }
}

export function encodeCursor(key: Record<string, AttributeValue>): string {
  return Buffer.from(JSON.stringify(unmarshall(key))).toString('base64url');
}

/**
 * A cursor is accepted only for the query that gave it out, in its exact shape: the key attributes
 * of that table or index and nothing else, every one a string, the same partition, and a sort key
 * the query's own condition admits (a `/claims` cursor is refused on `/cohorts`). Anything else is
 * 400 before it reaches DynamoDB, which would fail on it.
 */
function cursorFor(
  cursor: string | undefined,
  query: {
    pkName: string;
    skName: string;
    pk: string;
    skPrefix?: string | undefined;
    skAtMost?: string | undefined;
  },
): Record<string, AttributeValue> | undefined {
  const key = decodeCursor(cursor);
  if (!key) return undefined;
  const expected = new Set(['pk', 'sk', query.pkName, query.skName]);
  const names = Object.keys(key);
  const sortKey = key[query.skName]?.S;
  const fits =
    names.length === expected.size &&
    names.every((name) => expected.has(name) && typeof key[name]?.S === 'string' && key[name].S !== '') &&
    key[query.pkName]?.S === query.pk &&
    sortKey !== undefined &&
    (query.skPrefix === undefined || sortKey.startsWith(query.skPrefix)) &&
    (query.skAtMost === undefined || sortKey <= query.skAtMost);
  if (!fits) throw badCursor();
  return key;
}

const badCursor = () => new ValidationFailed([fieldError('query.cursor', says('cursor.invalid'))]);

export function decodeCursor(cursor: string | undefined): Record<string, AttributeValue> | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    for (const part of Object.values(value)) if (typeof part !== 'string') throw new Error('not a key');
    return marshall(value as Item);
  } catch {
    throw badCursor();
  }
}
