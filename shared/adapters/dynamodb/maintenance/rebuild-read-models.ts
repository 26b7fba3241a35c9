import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { ReferenceData } from '../../../domain/ports.ts';
import { type Cells, sumCells } from '../../../domain/read-models/cells.ts';
import { cellsOf } from '../../../domain/read-models/projection.ts';
import { keys } from '../keys.ts';
import { DynamoReadModelStore } from '../read-models.ts';
import { fromAttributes, type Item, type Table, toAttributes } from '../table.ts';

/**
 * Rebuilds the read models of "what the bureau watches" from the cases themselves (issue 15 item
 * 5): every cohort and claim partition (its record and its audit trail) projected from scratch
 * with the projector's own functions, summed, and compared with what the incremental projection
 * keeps — the aggregate rows (`RM#…`) and each case's kept cells (`PROJ#…`). `write` replaces
 * what differs (run it while nothing writes, or run `check` again after: a case changed during the
 * rebuild is projected again by its own event).
 *
 * A maintenance command, not a request path: it Scans (filtered, paginated, consistent).
 */
export interface RebuildResult {
  cases: number;
  rows: number;
  differences: string[];
  written: number;
}

export async function rebuildReadModels(
  table: Table,
  reference: Pick<ReferenceData, 'policy'>,
  options: { write: boolean },
): Promise<RebuildResult> {
  const store = new DynamoReadModelStore(table);
  const casePks = (
    await scan(table, 'sk IN (:cohort, :claim)', { ':cohort': 'COHORT', ':claim': 'CLAIM' })
  ).map((item) => String(item.pk));
  const rebuilt: Cells = {};
  const perCase = new Map<string, Cells>();
  for (const pk of casePks) {
    const partition = await store.casePartition(pk);
    if (!partition) continue;
    const cells = await cellsOf({ readModels: store, reference }, partition);
    perCase.set(pk, cells);
    sumCells(rebuilt, cells);
  }
  const storedRows = await scan(table, 'begins_with(pk, :rm)', { ':rm': 'RM#' });
  const stored: Cells = {};
  for (const item of storedRows) {
    const { pk, sk, entityType: _type, ...fields } = item;
    const nonZero = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== 0)) as Record<
      string,
      number
    >;
    if (Object.keys(nonZero).length > 0) stored[`${pk}|${sk}`] = nonZero;
  }
  const kept = new Map(
    (await scan(table, 'begins_with(pk, :proj)', { ':proj': 'PROJ#' })).map((item) => [
      String(item.pk).slice('PROJ#'.length),
      item as { cells: Cells; version: number },
    ]),
  );
  const differences: string[] = [];
  for (const key of new Set([...Object.keys(rebuilt), ...Object.keys(stored)])) {
    if (!sameFields(rebuilt[key], stored[key]))
      differences.push(
        `${key}: kept ${JSON.stringify(stored[key] ?? {})}, rebuilt ${JSON.stringify(rebuilt[key] ?? {})}`,
      );
  }
  const staleCases = [...perCase.entries()].filter(
    ([pk, cells]) => !sameCells(cells, kept.get(pk)?.cells ?? {}),
  );
  for (const [pk] of staleCases) differences.push(`${pk}: its kept cells differ from its rebuilt ones`);
  let written = 0;
  if (options.write) {
    for (const key of new Set([...Object.keys(rebuilt), ...Object.keys(stored)])) {
      if (sameFields(rebuilt[key], stored[key])) continue;
      const [pk, sk] = key.split('|') as [string, string];
      await table.transact([{ put: { pk, sk, entityType: 'ReadModel', ...(rebuilt[key] ?? {}) } }]);
      written++;
    }
    for (const [pk, cells] of staleCases) {
      const previous = kept.get(pk);
      await table.transact([
        {
          put: {
            ...keys.projection(pk),
            entityType: 'Projection',
            cells,
            auditSeq: 0,
            version: (previous?.version ?? 0) + 1,
          },
        },
      ]);
      written++;
    }
  }
  return { cases: perCase.size, rows: Object.keys(rebuilt).length, differences, written };
}

function sameFields(a: Record<string, number> | undefined, b: Record<string, number> | undefined): boolean {
  const left = Object.entries(a ?? {}).filter(([, value]) => value !== 0);
  const right = Object.entries(b ?? {}).filter(([, value]) => value !== 0);
  return left.length === right.length && left.every(([field, value]) => (b ?? {})[field] === value);
}

function sameCells(a: Cells, b: Cells): boolean {
  const keysOf = (cells: Cells) =>
    Object.keys(cells).filter((key) => Object.keys(cells[key] ?? {}).length > 0);
  const left = keysOf(a);
  return left.length === keysOf(b).length && left.every((key) => sameFields(a[key], b[key]));
}

async function scan(table: Table, filter: string, values: Item): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await table.client.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: filter,
        ExpressionAttributeValues: toAttributes(values),
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(out.Items ?? []).map(fromAttributes));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
