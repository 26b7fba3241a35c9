import { type AuditRecord, chainAuditRecord } from '../../domain/audit.ts';
import type { ClaimRecord, ClaimStatus } from '../../domain/claim.ts';
import {
  type Budget,
  BudgetDoesNotFit,
  type ClaimChange,
  type ClaimStore,
  ObjectionsThrottled,
  type PaymentRecord,
  type SubsidyMark,
  SubsidyMarksContested,
} from '../../domain/claim-ports.ts';
import { EmploymentRecordsMoved } from '../../domain/employment-ports.ts';
import { says } from '../../domain/error-codes.ts';
import { Conflict } from '../../domain/errors.ts';
import { DuplicateRequest } from '../../domain/idempotency.ts';
import type { Page } from '../../domain/ports.ts';
import type { Clock } from '../clock.ts';
import * as settings from '../config.ts';
import { listedRefusal, notListedWrite } from './credit-blacklist-check.ts';
import { employmentWrites } from './employment-checks.ts';
import { caseIdOf, indexKeys, keys } from './keys.ts';
import {
  auditItem,
  auditRecordOf,
  cohortItem,
  idempotencyWrite,
  partyIndexValues,
  queryPartyCases,
  stripKeys,
  taskWrite,
} from './rows.ts';
import { type Item, type Table, type Write, WriteConditionFailed } from './table.ts';

type Tag =
  | 'claim'
  | 'audit'
  | 'idempotency'
  | 'task'
  | 'cohort'
  | 'budget'
  | 'payment'
  | 'listing'
  | 'employment'
  | 'throttle'
  | { mark: SubsidyMark };

/** Marks held in their own transactions when a payment's persons do not fit beside it. */
const MARKS_PER_CHUNK = 90;

/** Claims, budgets and subsidy marks on the one table; every change is one transaction with its audit record. */
export class DynamoClaimStore implements ClaimStore {
  constructor(
    private readonly table: Table,
    private readonly clock: Clock,
  ) {}

  async get(claimId: string): Promise<ClaimRecord | undefined> {
    const item = await this.table.get<Item>(keys.claim(claimId));
    return item ? stripKeys<ClaimRecord>(item) : undefined;
  }

  async save(change: ClaimChange): Promise<void> {
    const now = this.clock.now();
    const { claim } = change;
    const record = chainAuditRecord(
      claim.claimId,
      { seq: claim.auditSeq, hash: claim.auditHead },
      change.audit,
      now.toISOString(),
      settings.auditHashAlgorithm(),
    );
    const stored: ClaimRecord = { ...claim, auditSeq: record.seq, auditHead: record.hash };
    const writes: Write[] = [];
    const tags: Tag[] = [];
    const add = (tag: Tag, write: Write) => {
      tags.push(tag);
      writes.push(write);
    };
    add(
      'claim',
      change.expectedVersion === null
        ? { put: claimItem(stored), condition: 'attribute_not_exists(pk)' }
        : { put: claimItem(stored), condition: 'version = :v', values: { ':v': change.expectedVersion } },
    );
    add('audit', { put: auditItem(record, 'CLAIM'), condition: 'attribute_not_exists(pk)' });
    if (change.idempotency) add('idempotency', idempotencyWrite(change.idempotency, now));
    if (change.task) add('task', taskWrite(change.task));
    for (const other of change.otherTasks ?? []) add('task', taskWrite(other));
    if (change.throttle) {
      const { addressHash, hour, max, expiresAt } = change.throttle;
      // Counted in the objection's own transaction: an objection refused for any reason is not counted.
      add('throttle', {
        update: keys.objectionThrottle(addressHash, hour),
        set: 'ADD objections :one SET expiresAt = :ttl',
        condition: 'attribute_not_exists(objections) OR objections < :max',
        values: { ':one': 1, ':ttl': expiresAt, ':max': max },
      });
    }
    if (change.cohort) {
      add('cohort', {
        put: cohortItem(change.cohort.record),
        condition: 'version = :v',
        values: { ':v': change.cohort.expectedVersion },
      });
    }
    if (change.payment) {
      const payment = change.payment;
      add('payment', {
        put: {
          ...keys.payment(payment),
          entityType: 'Payment',
          ...payment,
          version: 1,
        },
        condition: 'attribute_not_exists(pk)',
      });
    }
    if (change.budget) {
      const { districtCode, year, operation, amountFen } = change.budget;
      const key = keys.budget(districtCode, year);
      const values = { ':a': amountFen, ':one': 1 };
      if (operation === 'reserve') {
        // Reserved + paid never exceeds the budget: the condition holds it, also under concurrency.
        add('budget', {
          update: key,
          set: 'SET availableFen = availableFen - :a, reservedFen = reservedFen + :a, version = version + :one',
          condition: 'availableFen >= :a',
          values,
        });
      } else if (operation === 'release') {
        // What was reserved beyond what is paid (a lower amount at release) returns to available.
        const reserved = Math.max(amountFen, change.budget.reservedFen ?? amountFen);
        add('budget', {
          update: key,
          set: 'SET reservedFen = reservedFen - :r, paidFen = paidFen + :a, availableFen = availableFen + :back, version = version + :one',
          condition: 'reservedFen >= :r',
          values: { ...values, ':r': reserved, ':back': reserved - amountFen },
        });
      } else {
        add('budget', {
          update: key,
          set: 'SET reservedFen = reservedFen - :a, availableFen = availableFen + :a, version = version + :one',
          condition: 'reservedFen >= :a',
          values,
        });
      }
    }
    if (change.notListed) add('listing', notListedWrite(change.notListed));
    for (const write of change.employment ? employmentWrites(change.employment) : [])
      add('employment', write);
    // Marks beyond what fits beside the payment are held first, in transactions of their own. A
    // held mark names this claim's cohort, which is at PAYMENT and will be paid (a retry holds it again).
    const marks = change.marks ?? [];
    const room = 100 - writes.length;
    const early = marks.length > room ? marks.slice(0, marks.length - Math.min(room, MARKS_PER_CHUNK)) : [];
    for (let start = 0; start < early.length; start += MARKS_PER_CHUNK) {
      const chunk = early.slice(start, start + MARKS_PER_CHUNK);
      try {
        await this.table.transact(chunk.map((mark) => markWrite(mark)));
      } catch (error) {
        if (!(error instanceof WriteConditionFailed)) throw error;
        throw new SubsidyMarksContested(error.failed.map((index) => chunk[index]!.idHash));
      }
    }
    for (const mark of marks.slice(early.length)) add({ mark }, markWrite(mark));
    try {
      await this.table.transact(writes);
    } catch (error) {
      if (!(error instanceof WriteConditionFailed)) throw error;
      const failed = error.failed.map((index) => tags[index]!);
      if (failed.includes('idempotency')) throw new DuplicateRequest();
      if (failed.includes('throttle')) throw new ObjectionsThrottled();
      if (failed.includes('listing') && change.notListed)
        throw await listedRefusal(this.table, change.notListed);
      const contested = failed.flatMap((tag) => (typeof tag === 'object' ? [tag.mark.idHash] : []));
      if (contested.length > 0 && !failed.includes('claim')) throw new SubsidyMarksContested(contested);
      if (failed.includes('claim')) {
        const current = await this.get(claim.claimId);
        throw new Conflict(says('claim.changed_by_someone_else'), {
          status: current?.status,
          version: current?.version,
        });
      }
      if (failed.includes('budget')) {
        const budget = change.budget
          ? await this.budget(change.budget.districtCode, change.budget.year)
          : undefined;
        throw new BudgetDoesNotFit(change.budget?.amountFen ?? 0, budget);
      }
      if (failed.includes('employment')) throw new EmploymentRecordsMoved();
      if (failed.includes('task')) throw new Conflict(says('task.already_closed'));
      if (failed.includes('cohort')) throw new Conflict(says('cohort.changed_meanwhile'));
      throw new Conflict(says('change.conflicts'));
    }
  }

  async history(
    claimId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditRecord>> {
    const page = await this.table.query<Item>({
      pk: keys.casePartition('CLAIM', claimId),
      skPrefix: keys.auditPrefix,
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map(auditRecordOf), nextCursor: page.nextCursor };
  }

  async listForParty(
    party: { kind: 'enterprise' | 'school' | 'bureau'; orgId: string },
    options: { status?: ClaimStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<ClaimRecord>> {
    const page = await queryPartyCases(this.table, party, 'CLAIM', options);
    // The indexes project what cohort lists show; a claim's page is read whole by key (one BatchGetItem).
    const full = await this.table.batchGet<Item>(
      page.items.map((item) => keys.claim(String(item.claimId ?? caseIdOf('CLAIM', String(item.pk))))),
    );
    const byId = new Map(full.map((item) => [item.claimId as string, item]));
    return {
      items: page.items.flatMap((item) => {
        const claim = byId.get(caseIdOf('CLAIM', String(item.pk)));
        return claim ? [stripKeys<ClaimRecord>(claim)] : [];
      }),
      nextCursor: page.nextCursor,
    };
  }

  /** Payments of a district in a year (China calendar), oldest first: the report's one partition. */
  async payments(
    districtCode: string,
    year: number,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<PaymentRecord>> {
    const page = await this.table.query<Item>({
      pk: keys.paymentsPartition(districtCode, year),
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map((item) => stripKeys<PaymentRecord>(item)), nextCursor: page.nextCursor };
  }

  async budget(districtCode: string, year: number): Promise<Budget | undefined> {
    const item = await this.table.get<Budget>(keys.budget(districtCode, year));
    return item
      ? {
          districtCode: item.districtCode,
          year: item.year,
          budgetFen: item.budgetFen,
          reservedFen: item.reservedFen,
          paidFen: item.paidFen,
          availableFen: item.availableFen,
          version: item.version,
        }
      : undefined;
  }

  async setBudget(
    districtCode: string,
    year: number,
    budgetFen: number,
    expected: Budget | undefined,
  ): Promise<void> {
    const key = keys.budget(districtCode, year);
    try {
      if (!expected) {
        await this.table.transact([
          {
            put: {
              ...key,
              entityType: 'Budget',
              districtCode,
              year,
              budgetFen,
              reservedFen: 0,
              paidFen: 0,
              availableFen: budgetFen,
              version: 1,
            },
            condition: 'attribute_not_exists(pk)',
          },
        ]);
        return;
      }
      const delta = budgetFen - expected.budgetFen;
      // Lowering the budget below what is reserved and paid is refused by the condition.
      await this.table.transact([
        {
          update: key,
          set: 'SET budgetFen = :budget, availableFen = availableFen + :delta, version = version + :one',
          condition: 'version = :v AND availableFen >= :minus',
          values: {
            ':budget': budgetFen,
            ':delta': delta,
            ':one': 1,
            ':v': expected.version,
            ':minus': Math.max(0, -delta),
          },
        },
      ]);
    } catch (error) {
      if (error instanceof WriteConditionFailed) {
        throw new Conflict(says('budget.changed_meanwhile'));
      }
      throw error;
    }
  }

  async subsidyMarks(idHashes: string[], occupationCode: string): Promise<SubsidyMark[]> {
    if (idHashes.length === 0) return [];
    const marks = await this.table.batchGet<SubsidyMark>(
      idHashes.map((hash) => keys.subsidised(hash, occupationCode)),
    );
    if (marks.length === 0) return [];
    const claims = await this.table.batchGet<{ claimId: string; status: string }>(
      [...new Set(marks.map((mark) => mark.claimId))].map((id) => keys.claim(id)),
      ['claimId', 'status'],
    );
    const paying = new Set(
      claims
        .filter((claim) => claim.status === 'PAID' || claim.status === 'PAYMENT')
        .map((claim) => claim.claimId),
    );
    return marks.filter((mark) => paying.has(mark.claimId));
  }
}

/**
 * A person's subsidy mark for an occupation, written by the payment that subsidises them: only
 * when no other cohort holds the person for it at this level or higher (levels run 1, highest, to 4).
 * A mark of a lower level is replaced; the cohort's own mark (a retried payment) is written again.
 */
function markWrite(mark: SubsidyMark): Write {
  return {
    put: {
      ...keys.subsidised(mark.idHash, mark.occupationCode),
      entityType: 'SubsidyMark',
      ...mark,
      version: 1,
    },
    condition: 'attribute_not_exists(pk) OR cohortId = :cohort OR #level > :level',
    names: { '#level': 'level' },
    values: { ':cohort': mark.cohortId, ':level': mark.level },
  };
}

function claimItem(claim: ClaimRecord): Item {
  const sortKey = indexKeys.caseSort('CLAIM', claim.createdAt, claim.claimId);
  const submitted = claim.round > 0;
  return {
    ...keys.claim(claim.claimId),
    entityType: 'Claim',
    ...claim,
    ...partyIndexValues(claim, sortKey, submitted),
  };
}
