import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { EnterpriseMentor, SchoolMentor } from '../../../domain/cohort.ts';
import type { MentorNaming, MentorRef } from '../../../domain/ports.ts';
import { keys, legacyMentorOf } from '../keys.ts';
import { type MentorItem, mentorLoadItem, mentorLoadOf } from '../rows.ts';
import {
  fromAttributes,
  type Key,
  type Table,
  toAttributes,
  type Write,
  WriteConditionFailed,
} from '../table.ts';

/**
 * Moves mentor load items from where they lived before the mentor register
 * (`keys.legacyMentorLoad`: `MENTOR#<ENT|SCHOOL>#<uscc>#<no>`, `LOAD`) to the organisation's
 * partition (`keys.mentor`). Nothing reads the old items any more, so on a table that holds
 * cohorts the filing rule (at most `mentorMaxApprentices` apprentices per mentor across active
 * cohorts) would count every mentor from zero — it would fail open — until this has run.
 *
 * Idempotent and safe beside a running system: each old item moves in ONE TransactWriteItems —
 * the Put of the new item (`attribute_not_exists(pk)`, or, when a filing since the upgrade already
 * wrote one, conditioned on the version read) and the Delete of the old item conditioned on the
 * version read. A write in between fails the transaction, which is read again and retried; a
 * second run (or two at once) finds nothing left to move.
 *
 * Merging: the new item's cohort counts win for a cohort both name (the later write, counted from
 * the cohort as it is now); a cohort only the old item names is added. A cohort is never counted
 * twice, and nothing the old item counted is lost (over-counting, if anything: fail closed).
 *
 * Name and skill level: the new item's when it has them; else the latest cohort (by `updatedAt`)
 * of the load that names the mentor — one BatchGet of those cohorts' mentor lists — so the
 * register shows names at once; none found leaves them to the next filing that moves the load.
 *
 * Not a request path: the Scan (filtered, paginated, consistent) is one of the two in the code base,
 * both in maintenance commands (the other rebuilds the read models); requests only Query and Get.
 */
export interface MovedLoad {
  mentor: MentorRef;
  from: Key;
  to: Key;
  /** Cohorts the new item counts (the old item's, plus any only the new one had). */
  cohorts: number;
  /** A new item existed (written since the upgrade) and was merged into, not overwritten. */
  merged: boolean;
  /** Name (and level) the new item carries: from the new item, a cohort, or none yet. */
  naming: 'kept' | 'from-cohort' | 'none';
}

export interface MentorLoadMigration {
  /** Old load items the Scan found. */
  found: number;
  moved: MovedLoad[];
  /** Found by the Scan, gone when read again: another run moved them. */
  alreadyMoved: number;
  /** Items under the old key shape that name no mentor (left in place, reported). */
  skipped: { pk: string; reason: string }[];
}

interface LegacyItem {
  pk: string;
  sk: string;
  version?: number;
  cohorts?: Record<string, number>;
}

/** Attempts per item when a concurrent write changes it between the read and the transaction. */
const ATTEMPTS = 8;

export async function migrateMentorLoads(
  table: Table,
  options: { pageSize?: number } = {},
): Promise<MentorLoadMigration> {
  const result: MentorLoadMigration = { found: 0, moved: [], alreadyMoved: 0, skipped: [] };
  for await (const key of legacyLoadKeys(table, options.pageSize)) {
    result.found++;
    const mentor = legacyMentorOf(key);
    if (!mentor) {
      result.skipped.push({ pk: key.pk, reason: 'the key names no mentor (ENT|SCHOOL#<uscc>#<no>)' });
      continue;
    }
    const moved = await moveOne(table, mentor);
    if (moved) result.moved.push(moved);
    else result.alreadyMoved++;
  }
  return result;
}

/** Keys of the old load items, page by page (`begins_with(pk, MENTOR#) AND sk = LOAD`). */
async function* legacyLoadKeys(table: Table, pageSize?: number): AsyncGenerator<Key> {
  const { pkPrefix, sk } = keys.legacyMentorLoads;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: 'begins_with(#pk, :prefix) AND #sk = :sk',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: toAttributes({ ':prefix': pkPrefix, ':sk': sk }),
        ProjectionExpression: '#pk, #sk',
        ConsistentRead: true,
        Limit: pageSize,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) yield fromAttributes(item) as unknown as Key;
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Moves one mentor's old item; undefined when it is gone already (moved by another run). */
async function moveOne(table: Table, mentor: MentorRef): Promise<MovedLoad | undefined> {
  const from = keys.legacyMentorLoad(mentor);
  const to = keys.mentor(mentor);
  for (let attempt = 1; ; attempt++) {
    const old = await table.get<LegacyItem>(from);
    if (!old) return undefined;
    const current = await table.get<MentorItem>(to);
    const cohorts = { ...(old.cohorts ?? {}), ...(current?.cohorts ?? {}) };
    const kept = current ? mentorLoadOf(mentor, current).naming : undefined;
    const naming = kept ?? (await namingFromCohorts(table, mentor, Object.keys(cohorts)));
    const item = mentorLoadItem(mentor, naming, cohorts, (current?.version ?? 0) + 1);
    const writes: Write[] = [
      current
        ? { put: item, condition: 'version = :v', values: { ':v': current.version } }
        : { put: item, condition: 'attribute_not_exists(pk)' },
      old.version === undefined
        ? { delete: from, condition: 'attribute_exists(pk) AND attribute_not_exists(version)' }
        : { delete: from, condition: 'version = :v', values: { ':v': old.version } },
    ];
    try {
      await table.transact(writes);
      return {
        mentor,
        from,
        to,
        cohorts: Object.keys(cohorts).length,
        merged: current !== undefined,
        naming: kept ? 'kept' : naming ? 'from-cohort' : 'none',
      };
    } catch (error) {
      // A filing moved the new item, or another run moved the old one, since the read: read again.
      if (!(error instanceof WriteConditionFailed) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }
}

interface CohortMentors {
  updatedAt?: string;
  enterpriseMentors?: EnterpriseMentor[];
  schoolMentors?: SchoolMentor[];
}

/** How the most recently updated of these cohorts names the mentor, if any does. */
async function namingFromCohorts(
  table: Table,
  mentor: MentorRef,
  cohortIds: string[],
): Promise<MentorNaming | undefined> {
  if (cohortIds.length === 0) return undefined;
  const cohorts = await table.batchGet<CohortMentors>(
    cohortIds.map((cohortId) => keys.cohort(cohortId)),
    ['updatedAt', 'enterpriseMentors', 'schoolMentors'],
  );
  let best: { at: string; naming: MentorNaming } | undefined;
  for (const cohort of cohorts) {
    const naming = namingIn(cohort, mentor);
    const at = cohort.updatedAt ?? '';
    if (naming && (!best || at > best.at)) best = { at, naming };
  }
  return best?.naming;
}

function namingIn(cohort: CohortMentors, mentor: MentorRef): MentorNaming | undefined {
  if (mentor.side === 'enterprise') {
    const named = cohort.enterpriseMentors?.find((m) => m.employeeNo === mentor.number);
    return named ? { name: named.name, skillLevel: named.skillLevel } : undefined;
  }
  const named = cohort.schoolMentors?.find((m) => m.teacherNo === mentor.number);
  return named ? { name: named.name } : undefined;
}

/** One line per moved item and a summary, for the runtime's log and `npm run migrate`. */
export function describeMigration(result: MentorLoadMigration): string[] {
  const lines = result.moved.map(
    (moved) =>
      `moved ${moved.from.pk} ${moved.from.sk} -> ${moved.to.pk} ${moved.to.sk}: ${moved.cohorts} cohort(s)` +
      `${moved.merged ? ', merged into the item written since the upgrade' : ''}` +
      `${moved.naming === 'none' ? ', no name yet (the next filing gives it)' : ''}`,
  );
  for (const skipped of result.skipped) lines.push(`skipped ${skipped.pk}: ${skipped.reason}`);
  lines.push(
    `mentor loads: ${result.found} old item(s) found, ${result.moved.length} moved ` +
      `(${result.moved.filter((moved) => moved.merged).length} merged), ${result.alreadyMoved} already moved, ` +
      `${result.skipped.length} skipped`,
  );
  return lines;
}
