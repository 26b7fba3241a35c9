import { type AuditDraft, type AuditRecord, chainAuditRecord } from '../../domain/audit.ts';
import { type CohortRecord, type CohortStatus, personHashes, TERMINAL } from '../../domain/cohort.ts';
import { EmploymentRecordsMoved } from '../../domain/employment-ports.ts';
import { says } from '../../domain/error-codes.ts';
import { Conflict } from '../../domain/errors.ts';
import { DuplicateRequest } from '../../domain/idempotency.ts';
import type {
  CohortChange,
  CohortStore,
  CompletionDue,
  IdempotencyRecord,
  MentorLoad,
  MentorRef,
  Page,
  PersonLock,
} from '../../domain/ports.ts';
import { PersonsTaken } from '../../domain/ports.ts';
import type { TaskRecord } from '../../domain/task.ts';
import type { Clock } from '../clock.ts';
import * as settings from '../config.ts';
import { listedRefusal, notListedWrite } from './credit-blacklist-check.ts';
import { employmentWrites } from './employment-checks.ts';
import { indexKeys, keys, mentorNumberOf } from './keys.ts';
import {
  auditItem,
  auditRecordOf,
  cohortItem,
  idempotencyWrite,
  type MentorItem,
  mentorLoadItem,
  mentorLoadOf,
  queryPartyCases,
  stripKeys,
  taskWrite,
} from './rows.ts';
import { type Item, type Table, type Write, WriteConditionFailed } from './table.ts';

/** Writes per transaction, leaving room under DynamoDB's 100 for the cohort, audit, idempotency and task. */
const CLAIMS_PER_CHUNK = 90;

type Tag =
  | 'cohort'
  | 'audit'
  | 'idempotency'
  | 'task'
  | 'mentor'
  | 'completion'
  | 'listing'
  | 'employment'
  | { person: PersonLock };

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
      settings.auditHashAlgorithm(),
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
      const item = mentorLoadItem(load.mentor, load.naming, load.cohorts, load.expectedVersion + 1);
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

    if (change.notListed) add('listing', notListedWrite(change.notListed));
    for (const write of change.employment ? employmentWrites(change.employment) : [])
      add('employment', write);

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
      if (failedTags.includes('listing') && change.notListed)
        throw await listedRefusal(this.table, change.notListed);
      if (contested.length > 0 && failedTags.every((tag) => typeof tag === 'object')) {
        await this.releaseStaleClaims(cohort.cohortId, contested);
        return this.save({ ...change, claimPersons: claims.filter((lock) => !early.includes(lock)) });
      }
      if (failedTags.includes('cohort')) {
        const current = await this.get(cohort.cohortId);
        throw new Conflict(says('cohort.changed_by_someone_else'), {
          status: current?.status,
          version: current?.version,
        });
      }
      if (failedTags.includes('employment')) throw new EmploymentRecordsMoved();
      if (failedTags.includes('task')) throw new Conflict(says('task.already_closed'));
      if (failedTags.includes('mentor')) throw new Conflict(says('mentor.load_changed_meanwhile'));
      throw new Conflict(says('change.conflicts'));
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
    return new PersonsTaken(error.failed.map((index) => locks[index]!.row));
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
      apprentices?: { idHash: string; idHashes?: string[]; status: string }[];
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
      const holds = owner?.apprentices?.some(
        (a) => personHashes(a).includes(lock.idHash) && a.status !== 'withdrawn',
      );
      if (owner && !TERMINAL.includes(owner.status) && holds) live.push(lock);
      else
        stale.push({
          delete: keys.person(lock.idHash),
          condition: 'cohortId = :holder',
          values: { ':holder': holder },
        });
    }
    if (live.length > 0) {
      throw new PersonsTaken(live.map((lock) => lock.row));
    }
    for (let start = 0; start < stale.length; start += 100)
      await this.table.transact(stale.slice(start, start + 100));
  }

  async listForParty(
    party: { kind: 'enterprise' | 'school' | 'bureau'; orgId: string },
    options: { status?: CohortStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<Record<string, unknown>>> {
    const page = await queryPartyCases(this.table, party, 'COHORT', options);
    return {
      items: page.items.map((item) => ({ ...stripKeys<Item>(item), apprenticeCount: item.apprenticeCount })),
      nextCursor: page.nextCursor,
    };
  }

  async listWholeInDistrict(
    districtCode: string,
    options: { statuses: readonly CohortStatus[]; limit: number; cursor?: string | undefined },
  ): Promise<Page<CohortRecord>> {
    const values = Object.fromEntries(options.statuses.map((status, index) => [`:s${index}`, status]));
    const page = await this.table.query<Item>({
      index: indexKeys.partyIndex('bureau'),
      pk: indexKeys.party('bureau', districtCode),
      skPrefix: indexKeys.casePrefix('COHORT'),
      limit: options.limit,
      cursor: options.cursor,
      newestFirst: true,
      filter: {
        expression: `#status IN (${Object.keys(values).join(', ')})`,
        names: { '#status': 'status' },
        values,
      },
    });
    const ids = page.items.map((item) => String(item.cohortId));
    const whole = ids.length > 0 ? await this.table.batchGet<Item>(ids.map((id) => keys.cohort(id))) : [];
    const byId = new Map(whole.map((item) => [String(item.cohortId), stripKeys<CohortRecord>(item)]));
    return {
      items: ids.flatMap((id) => {
        const cohort = byId.get(id);
        return cohort ? [cohort] : [];
      }),
      nextCursor: page.nextCursor,
    };
  }

  async history(
    caseId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditRecord>> {
    const page = await this.table.query<Item>({
      pk: keys.casePartition('COHORT', caseId),
      skPrefix: keys.auditPrefix,
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
      settings.auditHashAlgorithm(),
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
      if (error instanceof WriteConditionFailed) throw new Conflict(says('review.case_changed'));
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
    options: { limit: number; cursor?: string | undefined; dueBy?: string | undefined },
  ): Promise<Page<TaskRecord>> {
    const page = await this.table.query<Item>({
      index: 'GSI1',
      pk: indexKeys.inbox(role, org),
      // The inbox sorts by `<dueAt>#<taskId>`: everything due by an instant is one key range.
      ...(options.dueBy ? { skAtMost: options.dueBy } : {}),
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
      pk: indexKeys.pendingCallbacks,
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

  async mentorLoads(mentors: MentorRef[]): Promise<MentorLoad[]> {
    if (mentors.length === 0) return [];
    const items = await this.table.batchGet<MentorItem>(mentors.map((mentor) => keys.mentor(mentor)));
    // An organisation's mentors share a partition: an item is named by both of its keys.
    const byKey = new Map(items.map((item) => [`${item.pk}|${item.sk}`, item]));
    return mentors.flatMap((mentor) => {
      const key = keys.mentor(mentor);
      const item = byKey.get(`${key.pk}|${key.sk}`);
      return item ? [mentorLoadOf(mentor, item)] : [];
    });
  }

  async mentorsOf(
    side: MentorRef['side'],
    orgId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<MentorLoad>> {
    const page = await this.table.query<MentorItem>({
      ...keys.mentorsOf(side, orgId),
      limit: options.limit,
      cursor: options.cursor,
    });
    return {
      items: page.items.map((item) =>
        mentorLoadOf({ side, orgId, number: item.number ?? mentorNumberOf(item.sk) }, item),
      ),
      nextCursor: page.nextCursor,
    };
  }

  async dueForCompletion(
    lastEndDate: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<CompletionDue>> {
    const page = await this.table.query<Item>({
      ...keys.completionsUpTo(lastEndDate),
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
