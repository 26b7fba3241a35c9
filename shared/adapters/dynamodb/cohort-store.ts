import { type AuditDraft, type AuditRecord, chainAuditRecord } from '../../domain/audit.ts';
import { type CohortRecord, type CohortStatus, TERMINAL } from '../../domain/cohort.ts';
import { Conflict, ValidationFailed } from '../../domain/errors.ts';
import { DuplicateRequest } from '../../domain/idempotency.ts';
import type {
  CohortChange,
  CohortStore,
  CompletionDue,
  IdempotencyRecord,
  IdempotencyWrite,
  MentorLoad,
  Page,
  PersonLock,
} from '../../domain/ports.ts';
import type { TaskRecord } from '../../domain/task.ts';
import type { Clock } from '../clock.ts';
import { type Item, type Table, type Write, WriteConditionFailed } from './table.ts';

/** Key builders: one place that knows how entities map onto pk/sk and the indexes. */
export const keys = {
  cohort: (cohortId: string) => ({ pk: `COHORT#${cohortId}`, sk: 'COHORT' }),
  audit: (caseId: string, seq: number) => ({
    pk: `COHORT#${caseId}`,
    sk: `AUDIT#${String(seq).padStart(10, '0')}`,
  }),
  task: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'TASK' }),
  person: (idHash: string) => ({ pk: `PERSON#${idHash}`, sk: 'ACTIVE' }),
  mentor: (mentorId: string) => ({ pk: `MENTOR#${mentorId}`, sk: 'LOAD' }),
  idempotency: (sub: string, key: string) => ({ pk: `IDEM#${sub}#${key}`, sk: 'IDEM' }),
  /** Filed cohorts by end date, for the scheduled completion (one partition, sorted by date). */
  completionDue: (endDate: string, cohortId: string) => ({ pk: 'COMPLETIONS', sk: `${endDate}#${cohortId}` }),
};

const PENDING_CALLBACKS = 'CALLBACKS#PENDING';

/** Idempotency records are kept a day (TTL on AWS; DynamoDB Local never expires them, which is harmless). */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** Writes per transaction, leaving room under DynamoDB's 100 for the cohort, audit, idempotency and task. */
const CLAIMS_PER_CHUNK = 90;

type Tag = 'cohort' | 'audit' | 'idempotency' | 'task' | 'mentor' | 'completion' | { person: PersonLock };

export class DynamoCohortStore implements CohortStore {
  constructor(
    private readonly table: Table,
    private readonly clock: Clock,
  ) {}

  async get(cohortId: string): Promise<CohortRecord | undefined> {
    const item = await this.table.get<Item>(keys.cohort(cohortId));
    return item ? stripKeys<CohortRecord>(item) : undefined;
  }

  async save(change: CohortChange): Promise<void> {
    const { cohort } = change;
    const now = this.clock.now().toISOString();
    const record = chainAuditRecord(
      cohort.cohortId,
      { seq: cohort.auditSeq, hash: cohort.auditHead },
      change.audit,
      now,
    );
    const stored: CohortRecord = { ...cohort, auditSeq: record.seq, auditHead: record.hash };

    const writes: Write[] = [];
    const tags: Tag[] = [];
    const add = (tag: Tag, write: Write) => {
      tags.push(tag);
      writes.push(write);
    };
    add(
      'cohort',
      change.expectedVersion === null
        ? { put: cohortItem(stored), condition: 'attribute_not_exists(pk)' }
        : { put: cohortItem(stored), condition: 'version = :v', values: { ':v': change.expectedVersion } },
    );
    add('audit', { put: auditItem(record), condition: 'attribute_not_exists(pk)' });
    if (change.idempotency) add('idempotency', idempotencyWrite(change.idempotency, this.clock.now()));
    if (change.task) add('task', taskWrite(change.task));
    for (const load of change.mentorLoads ?? []) {
      const item = {
        ...keys.mentor(load.mentorId),
        entityType: 'MentorLoad',
        mentorId: load.mentorId,
        cohorts: load.cohorts,
        version: load.expectedVersion + 1,
      };
      add(
        'mentor',
        load.expectedVersion === 0
          ? { put: item, condition: 'attribute_not_exists(pk)' }
          : { put: item, condition: 'version = :v', values: { ':v': load.expectedVersion } },
      );
    }

    if (change.completionDue) {
      const key = keys.completionDue(change.completionDue.endDate, cohort.cohortId);
      add(
        'completion',
        change.completionDue.due
          ? {
              put: {
                ...key,
                entityType: 'CompletionDue',
                cohortId: cohort.cohortId,
                endDate: change.completionDue.endDate,
                version: 1,
              },
            }
          : { delete: key },
      );
    }

    // Person claims beyond what fits beside the cohort go first, in their own transactions. They
    // are harmless if the cohort write then fails: a claim counts only while the cohort it names
    // exists, is active and holds the person (checked whenever a claim is contested).
    const claims = change.claimPersons ?? [];
    const room = 100 - writes.length;
    const early =
      claims.length > room ? claims.slice(0, claims.length - Math.min(room, CLAIMS_PER_CHUNK)) : [];
    const inline = claims.slice(early.length);
    const claimed: PersonLock[] = [];
    try {
      for (let start = 0; start < early.length; start += CLAIMS_PER_CHUNK) {
        const chunk = early.slice(start, start + CLAIMS_PER_CHUNK);
        await this.claim(cohort.cohortId, chunk);
        claimed.push(...chunk);
      }
      for (const lock of inline) add({ person: lock }, claimWrite(cohort.cohortId, lock));
      return await this.commit(change, writes, tags, claims, early);
    } catch (error) {
      // Nothing of a refused change stays behind: not even the keyed hashes of its people.
      if (claimed.length > 0) await this.releaseOwnClaims(cohort.cohortId, claimed).catch(() => undefined);
      throw error;
    }
  }

  private async releaseOwnClaims(cohortId: string, locks: PersonLock[]): Promise<void> {
    const deletes: Write[] = locks.map((lock) => ({
      delete: keys.person(lock.idHash),
      condition: 'cohortId = :me',
      values: { ':me': cohortId },
    }));
    for (let start = 0; start < deletes.length; start += 100) {
      await this.table.transact(deletes.slice(start, start + 100)).catch(() => undefined);
    }
  }

  private async commit(
    change: CohortChange,
    writes: Write[],
    tags: Tag[],
    claims: PersonLock[],
    early: PersonLock[],
  ): Promise<void> {
    const { cohort } = change;
    try {
      await this.table.transact(writes);
    } catch (error) {
      if (!(error instanceof WriteConditionFailed)) throw error;
      const failedTags = error.failed.map((index) => tags[index]!);
      const contested = failedTags.flatMap((tag) => (typeof tag === 'object' ? [tag.person] : []));
      if (failedTags.includes('idempotency')) throw new DuplicateRequest();
      if (contested.length > 0 && failedTags.every((tag) => typeof tag === 'object')) {
        await this.releaseStaleClaims(cohort.cohortId, contested);
        return this.save({ ...change, claimPersons: claims.filter((lock) => !early.includes(lock)) });
      }
      if (failedTags.includes('cohort')) {
        const current = await this.get(cohort.cohortId);
        throw new Conflict('The cohort was changed by someone else; reload it and try again', {
          status: current?.status,
          version: current?.version,
        });
      }
      if (failedTags.includes('task')) throw new Conflict('This task was already decided or closed');
      if (failedTags.includes('mentor')) throw new Conflict('A mentor’s load changed meanwhile; try again');
      throw new Conflict('The change conflicts with another one; try again');
    }
  }

  /** Claims persons in one transaction of its own (large cohorts), settling stale claims once. */
  private async claim(cohortId: string, locks: PersonLock[], retried = false): Promise<void> {
    try {
      await this.table.transact(locks.map((lock) => claimWrite(cohortId, lock)));
    } catch (error) {
      if (!(error instanceof WriteConditionFailed) || retried) throw this.asTaken(error, locks);
      await this.releaseStaleClaims(
        cohortId,
        error.failed.map((index) => locks[index]!),
      );
      await this.claim(cohortId, locks, true);
    }
  }

  private asTaken(error: unknown, locks: PersonLock[]): unknown {
    if (!(error instanceof WriteConditionFailed)) return error;
    return new ValidationFailed(
      error.failed.map((index) => ({
        path: `apprentices.${locks[index]!.row}.idNumber`,
        message: 'this person is already in another active cohort',
      })),
    );
  }

  /**
   * A contested claim is stale when the cohort it names is gone, finished, or no longer holds the
   * person: delete those (conditioned on still naming that cohort). Live ones are an error naming the row.
   */
  private async releaseStaleClaims(cohortId: string, contested: PersonLock[]): Promise<void> {
    const held = await this.table.batchGet<{ pk: string; cohortId: string }>(
      contested.map((lock) => keys.person(lock.idHash)),
    );
    const holders = new Map(held.map((item) => [item.pk, item.cohortId]));
    const cohortIds = [...new Set([...holders.values()].filter((id) => id !== cohortId))];
    const owners = await this.table.batchGet<{
      cohortId: string;
      status: CohortStatus;
      apprentices?: { idHash: string; status: string }[];
    }>(
      cohortIds.map((id) => keys.cohort(id)),
      ['cohortId', 'status', 'apprentices'],
    );
    const byId = new Map(owners.map((owner) => [owner.cohortId, owner]));
    const live: PersonLock[] = [];
    const stale: Write[] = [];
    for (const lock of contested) {
      const holder = holders.get(keys.person(lock.idHash).pk);
      if (!holder || holder === cohortId) continue;
      const owner = byId.get(holder);
      const holds = owner?.apprentices?.some((a) => a.idHash === lock.idHash && a.status !== 'withdrawn');
      if (owner && !TERMINAL.includes(owner.status) && holds) live.push(lock);
      else
        stale.push({
          delete: keys.person(lock.idHash),
          condition: 'cohortId = :holder',
          values: { ':holder': holder },
        });
    }
    if (live.length > 0) {
      throw new ValidationFailed(
        live.map((lock) => ({
          path: `apprentices.${lock.row}.idNumber`,
          message: 'this person is already in another active cohort',
        })),
      );
    }
    for (let start = 0; start < stale.length; start += 100)
      await this.table.transact(stale.slice(start, start + 100));
  }

  async listForParty(
    party: { kind: 'enterprise' | 'school' | 'bureau'; orgId: string },
    options: { status?: CohortStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<Record<string, unknown>>> {
    const page = await queryPartyCases(this.table, party, 'COHORT#', options);
    return {
      items: page.items.map((item) => ({ ...stripKeys<Item>(item), apprenticeCount: item.apprenticeCount })),
      nextCursor: page.nextCursor,
    };
  }

  async history(
    caseId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditRecord>> {
    const page = await this.table.query<Item>({
      pk: `COHORT#${caseId}`,
      skPrefix: 'AUDIT#',
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map(auditRecordOf), nextCursor: page.nextCursor };
  }

  async appendAudit(cohort: CohortRecord, audit: AuditDraft): Promise<void> {
    const record = chainAuditRecord(
      cohort.cohortId,
      { seq: cohort.auditSeq, hash: cohort.auditHead },
      audit,
      this.clock.now().toISOString(),
    );
    try {
      await this.table.transact([
        {
          update: keys.cohort(cohort.cohortId),
          set: 'SET auditSeq = :seq, auditHead = :head',
          condition: 'auditSeq = :previous',
          values: { ':seq': record.seq, ':head': record.hash, ':previous': cohort.auditSeq },
        },
        { put: auditItem(record), condition: 'attribute_not_exists(pk)' },
      ]);
    } catch (error) {
      if (error instanceof WriteConditionFailed) throw new Conflict('The case changed meanwhile; try again');
      throw error;
    }
  }

  async task(taskId: string): Promise<TaskRecord | undefined> {
    const item = await this.table.get<Item>(keys.task(taskId));
    return item ? stripKeys<TaskRecord>(item) : undefined;
  }

  async inbox(
    role: string,
    org: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<TaskRecord>> {
    const page = await this.table.query<Item>({
      index: 'GSI1',
      pk: `INBOX#${role}#${org}`,
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map((item) => stripKeys<TaskRecord>(item)), nextCursor: page.nextCursor };
  }

  async closeTask(taskId: string): Promise<void> {
    try {
      await this.table.transact([
        {
          update: keys.task(taskId),
          set: 'SET #status = :closed, callbackPending = :no, version = version + :one REMOVE gsi1pk, gsi1sk',
          condition: '#status = :decided',
          names: { '#status': 'status' },
          values: { ':closed': 'CLOSED', ':decided': 'DECIDED', ':no': false, ':one': 1 },
        },
      ]);
    } catch (error) {
      if (!(error instanceof WriteConditionFailed)) throw error; // already closed: nothing to do
    }
  }

  /** Decisions stored whose callback was not acknowledged, oldest first (GSI1, sparse). */
  async pendingCallbacks(options: { limit: number; cursor?: string | undefined }): Promise<Page<TaskRecord>> {
    const page = await this.table.query<Item>({
      index: 'GSI1',
      pk: PENDING_CALLBACKS,
      limit: options.limit,
      cursor: options.cursor,
    });
    // The index projects a task's summary; the token is read from the task itself.
    const tasks = await this.table.batchGet<Item>(page.items.map((item) => keys.task(String(item.taskId))));
    return { items: tasks.map((item) => stripKeys<TaskRecord>(item)), nextCursor: page.nextCursor };
  }

  async idempotency(sub: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.table.get<IdempotencyRecord>(keys.idempotency(sub, key));
  }

  async mentorLoads(mentorIds: string[]): Promise<MentorLoad[]> {
    if (mentorIds.length === 0) return [];
    return this.table.batchGet<MentorLoad>(mentorIds.map((id) => keys.mentor(id)));
  }

  async dueForCompletion(
    lastEndDate: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<CompletionDue>> {
    const page = await this.table.query<Item>({
      pk: 'COMPLETIONS',
      skAtMost: `${lastEndDate}#~`,
      limit: options.limit,
      cursor: options.cursor,
    });
    return {
      items: page.items.map((item) => ({ cohortId: String(item.cohortId), endDate: String(item.endDate) })),
      nextCursor: page.nextCursor,
    };
  }

  async clearCompletionDue(entry: CompletionDue): Promise<void> {
    await this.table.transact([{ delete: keys.completionDue(entry.endDate, entry.cohortId) }]);
  }

  async statuses(cohortIds: string[]): Promise<Record<string, CohortStatus>> {
    if (cohortIds.length === 0) return {};
    const found = await this.table.batchGet<{ cohortId: string; status: CohortStatus }>(
      cohortIds.map((id) => keys.cohort(id)),
      ['cohortId', 'status'],
    );
    return Object.fromEntries(found.map((item) => [item.cohortId, item.status]));
  }
}

function claimWrite(cohortId: string, lock: PersonLock): Write {
  return {
    put: { ...keys.person(lock.idHash), entityType: 'PersonClaim', cohortId, version: 1 },
    condition: 'attribute_not_exists(pk) OR cohortId = :me',
    values: { ':me': cohortId },
  };
}

export function cohortItem(cohort: CohortRecord): Item {
  const sortKey = `COHORT#${cohort.createdAt}#${cohort.cohortId}`;
  // Schools and bureaus see a cohort once it has been submitted; drafts stay the enterprise's own.
  const submitted = cohort.round > 0;
  return {
    ...keys.cohort(cohort.cohortId),
    entityType: 'Cohort',
    ...cohort,
    apprenticeCount: cohort.apprentices.length,
    gsi1pk: `ENT#${cohort.enterpriseId}`,
    gsi1sk: sortKey,
    gsi2pk: submitted ? `SCHOOL#${cohort.schoolId}` : undefined,
    gsi2sk: submitted ? sortKey : undefined,
    gsi3pk: submitted ? `DISTRICT#${cohort.districtCode}` : undefined,
    gsi3sk: submitted ? sortKey : undefined,
  };
}

export function auditItem(record: AuditRecord, casePrefix: 'COHORT' | 'CLAIM' | 'DOCUMENT' = 'COHORT'): Item {
  return {
    pk: `${casePrefix}#${record.caseId}`,
    sk: keys.audit(record.caseId, record.seq).sk,
    entityType: 'Audit',
    ...record,
    version: 1,
  };
}

export function taskItem(task: TaskRecord): Item {
  // Only open tasks that ask someone to decide are in an inbox (a public notice waits for no one).
  const open = task.status === 'OPEN' && task.listed !== false;
  // A decision whose callback is not yet acknowledged waits in the reconciler's list instead.
  const pending = task.status === 'DECIDED' && task.callbackPending === true;
  return {
    ...keys.task(task.taskId),
    entityType: 'Task',
    ...task,
    version: (task.version ?? 0) + 1,
    gsi1pk: open ? `INBOX#${task.role}#${task.org}` : pending ? PENDING_CALLBACKS : undefined,
    gsi1sk: open ? `${task.dueAt}#${task.taskId}` : pending ? `${task.decidedAt}#${task.taskId}` : undefined,
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
  casePrefix: 'COHORT#' | 'CLAIM#',
  options: { status?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const index = party.kind === 'enterprise' ? 'GSI1' : party.kind === 'school' ? 'GSI2' : 'GSI3';
  const prefix = party.kind === 'enterprise' ? 'ENT#' : party.kind === 'school' ? 'SCHOOL#' : 'DISTRICT#';
  return table.query<Item>({
    index,
    pk: `${prefix}${party.orgId}`,
    skPrefix: casePrefix,
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
