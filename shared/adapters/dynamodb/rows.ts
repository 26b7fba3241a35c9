import type { AuditRecord } from '../../domain/audit.ts';
import type { CohortRecord } from '../../domain/cohort.ts';
import type { IdempotencyWrite, MentorLoad, MentorNaming, MentorRef } from '../../domain/ports.ts';
import type { TaskRecord } from '../../domain/task.ts';
import { type CaseKind, indexKeys, keys, mentorKeyId } from './keys.ts';
import type { Item, Table, Write } from './table.ts';

/**
 * Rows shared by the stores: how a case, its audit records, its tasks, idempotency records and
 * mentor load items become items of the one table (keys from keys.ts), and back.
 */

/** Idempotency records are kept a day (TTL on AWS; DynamoDB Local never expires them, which is harmless). */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export function cohortItem(cohort: CohortRecord): Item {
  const sortKey = indexKeys.caseSort('COHORT', cohort.createdAt, cohort.cohortId);
  // Schools and bureaus see a cohort once it has been submitted; drafts stay the enterprise's own.
  const submitted = cohort.round > 0;
  return {
    ...keys.cohort(cohort.cohortId),
    entityType: 'Cohort',
    ...cohort,
    apprenticeCount: cohort.apprentices.length,
    ...partyIndexValues(cohort, sortKey, submitted),
  };
}

export function auditItem(record: AuditRecord, kind: CaseKind = 'COHORT'): Item {
  return {
    ...keys.audit(kind, record.caseId, record.seq),
    entityType: 'Audit',
    ...record,
    version: 1,
  };
}

export function taskItem(task: TaskRecord): Item {
  // Only open tasks that ask someone to decide are in an inbox (a public notice waits for no one).
  const open = task.status === 'OPEN' && task.listed !== false;
  // A running notice is listed on the district's public page instead (issue 14).
  const notice = task.status === 'OPEN' && task.listed === false && task.stage === 'PUBLIC_NOTICE';
  // A decision whose callback is not yet acknowledged waits in the reconciler's list instead.
  const pending = task.status === 'DECIDED' && task.callbackPending === true;
  return {
    ...keys.task(task.taskId),
    entityType: 'Task',
    ...task,
    version: (task.version ?? 0) + 1,
    gsi1pk: open
      ? indexKeys.inbox(task.role, task.org)
      : notice
        ? indexKeys.notices(task.org)
        : pending
          ? indexKeys.pendingCallbacks
          : undefined,
    gsi1sk:
      open || notice
        ? indexKeys.inboxSort(task.dueAt, task.taskId)
        : pending
          ? indexKeys.pendingCallbackSort(task.decidedAt ?? '', task.taskId)
          : undefined,
  };
}

const KEY_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'entityType',
  'apprenticeCount',
  'expiresAt',
];

export function stripKeys<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete copy[name];
  return copy as T;
}

/** An audit item as the record that was hashed: without the table's keys and item version. */
export function auditRecordOf(item: Item): AuditRecord {
  const { version: _version, ...record } = stripKeys<AuditRecord & { version?: number }>(item);
  return record;
}

/** The idempotency record of a change: written with it, once (`attribute_not_exists`). */
export function idempotencyWrite(record: IdempotencyWrite, now: Date): Write {
  const { sub, key, fingerprint, reply } = record;
  return {
    put: {
      ...keys.idempotency(sub, key),
      entityType: 'Idempotency',
      fingerprint,
      reply,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
      version: 1,
    },
    condition: 'attribute_not_exists(pk)',
  };
}

/** A task written with a change: new, or conditioned on the status it was read in. */
export function taskWrite(change: {
  record: TaskRecord;
  expectedStatus: TaskRecord['status'] | null;
}): Write {
  const { record, expectedStatus } = change;
  return expectedStatus === null
    ? { put: taskItem(record), condition: 'attribute_not_exists(pk)' }
    : {
        put: taskItem(record),
        condition: '#status = :status',
        names: { '#status': 'status' },
        values: { ':status': expectedStatus },
      };
}

/**
 * The cases (cohorts or claims, by sort-key prefix) of a party, newest first, through the index
 * of its kind: enterprise GSI1, school GSI2, district GSI3. A status filter is applied on the page.
 */
export function queryPartyCases(
  table: Table,
  party: { kind: 'enterprise' | 'school' | 'bureau'; orgId: string },
  kind: 'COHORT' | 'CLAIM',
  options: { status?: string | undefined; limit: number; cursor?: string | undefined },
) {
  return table.query<Item>({
    index: indexKeys.partyIndex(party.kind),
    pk: indexKeys.party(party.kind, party.orgId),
    skPrefix: indexKeys.casePrefix(kind),
    limit: options.limit,
    cursor: options.cursor,
    newestFirst: true,
    filter: options.status
      ? {
          expression: '#status = :status',
          names: { '#status': 'status' },
          values: { ':status': options.status },
        }
      : undefined,
  });
}

/**
 * The index values that list a case for its parties: the enterprise always, the school and the
 * district once it was submitted (drafts stay the enterprise's own).
 */
export function partyIndexValues(
  record: { enterpriseId: string; schoolId: string; districtCode: string },
  sortKey: string,
  submitted: boolean,
): Item {
  return {
    gsi1pk: indexKeys.party('enterprise', record.enterpriseId),
    gsi1sk: sortKey,
    gsi2pk: submitted ? indexKeys.party('school', record.schoolId) : undefined,
    gsi2sk: submitted ? sortKey : undefined,
    gsi3pk: submitted ? indexKeys.party('bureau', record.districtCode) : undefined,
    gsi3sk: submitted ? sortKey : undefined,
  };
}

/** A mentor's load item as stored (`keys.mentor`); items written before the register kept names lack them. */
export interface MentorItem {
  pk: string;
  sk: string;
  version: number;
  cohorts: Record<string, number>;
  number?: string;
  name?: string;
  skillLevel?: number;
}

/** A mentor's load item: the filing rule's writes and the legacy-load migration both build it here. */
export function mentorLoadItem(
  mentor: MentorRef,
  naming: MentorNaming | undefined,
  cohorts: Record<string, number>,
  version: number,
): Item {
  return {
    ...keys.mentor(mentor),
    entityType: 'MentorLoad',
    mentorId: mentorKeyId(mentor),
    side: mentor.side,
    orgId: mentor.orgId,
    number: mentor.number,
    ...(naming ? { name: naming.name } : {}),
    ...(naming?.skillLevel !== undefined ? { skillLevel: naming.skillLevel } : {}),
    cohorts,
    version,
  };
}

/** A stored load item as the domain reads it (`naming` absent on items written before the register kept names). */
export function mentorLoadOf(mentor: MentorRef, item: MentorItem): MentorLoad {
  return {
    mentor,
    version: item.version,
    cohorts: item.cohorts,
    ...(item.name !== undefined
      ? {
          naming: {
            name: item.name,
            ...(item.skillLevel !== undefined ? { skillLevel: item.skillLevel } : {}),
          },
        }
      : {}),
  };
}
