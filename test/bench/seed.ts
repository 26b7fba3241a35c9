import { type AttributeValue, BatchWriteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { toAttributes } from '../../shared/adapters/dynamodb/table.ts';
import type { BenchRuntime } from './embedded.ts';

/**
 * Cases "already in the table", written directly with BatchWriteItem (the bench may; through the
 * API 10,000 cases would take most of an hour): each is a copy, under a fresh id, of the cohort
 * item of a case the bench filed through the API — its largest item, the one every read, list
 * index and decision touches — so partitions, list indexes and item sizes are what filed cases
 * make. Its audit records, person claims and mentor loads (small items keyed by case or person,
 * which no read of another case touches) are left out to keep seeding within the bench's time.
 */
export async function seedCopiesOfCase(
  bench: BenchRuntime,
  templateCohortId: string,
  copies: number,
): Promise<{ cases: number; ms: number }> {
  const started = performance.now();
  const { client, name } = bench.table;
  const out = await client.send(
    new GetItemCommand({ TableName: name, Key: toAttributes(keys.cohort(templateCohortId)) }),
  );
  if (!out.Item) throw new Error(`No cohort ${templateCohortId} to copy`);
  const text = JSON.stringify(out.Item);

  const batches: { PutRequest: { Item: Record<string, AttributeValue> } }[][] = [];
  for (let copy = 0; copy < copies; copy += 25) {
    batches.push(
      Array.from({ length: Math.min(25, copies - copy) }, () => ({
        PutRequest: { Item: JSON.parse(text.replaceAll(templateCohortId, ulid())) },
      })),
    );
  }
  // Several writers at once: DynamoDB Local keeps up better than with one request at a time.
  let next = 0;
  const writer = async () => {
    while (next < batches.length) {
      let request = batches[next++]!;
      for (let attempt = 0; request.length > 0; attempt++) {
        if (attempt > 10) throw new Error('DynamoDB Local kept items unprocessed');
        const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [name]: request } }));
        request = (answer.UnprocessedItems?.[name] ?? []) as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  return { cases: copies, ms: performance.now() - started };
}
