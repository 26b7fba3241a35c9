import type { AuditDraft, AuditRecord } from './audit.ts';
import type { CohortRecord, CohortStatus } from './cohort.ts';
import type { NotListedCheck } from './credit-blacklist.ts';
import type { EmploymentGuard } from './employment-ports.ts';
import type { Occupation } from './occupations.ts';
import type { Organisation } from './organisation.ts';
import type { Policy } from './policy.ts';
import type { Reply } from './reply.ts';
import type { TaskRecord, TaskStatus } from './task.ts';

/**
 * What the use cases need from the outside world. Adapters in `shared/adapters` implement these
 * on DynamoDB, Step Functions, KMS and EventBridge; nothing here names an SDK.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface DataKey {
  readonly bytes: Uint8Array;
}

export interface PersonalDataProtector {
  /** Keyed hash under the suite in force (HMAC-SHA256, or HMAC-SM3 under the gm suite). */
  hash(value: string): Promise<string>;
  /**
   * Every look-up hash of a value, one per suite the deployment can have hashed it under, the
   * suite in force first (= `hash`). The markers that protect money (a person's lock on an
   * active cohort, the subsidy marks) are written and checked under all of them, so a switch of
   * suite never hides a person from the rules.
   */
  lookupHashes(value: string): Promise<string[]>;
  newDataKey(): Promise<{ key: DataKey; wrapped: string }>;
  openDataKey(wrapped: string): Promise<DataKey>;
  encrypt(key: DataKey, plaintext: string): string;
  decrypt(key: DataKey, ciphertext: string): string;
}

export interface IdempotencyRecord {
  fingerprint: string;
  reply: Reply;
  createdAt: string;
}

export interface IdempotencyWrite {
  sub: string;
  key: string;
  fingerprint: string;
  reply: Reply;
}

/** A mentor whose load is counted: the enterprise's employee or the school's teacher, by number. */
export interface MentorRef {
  side: 'enterprise' | 'school';
  /** USCC of the enterprise or school. */
  orgId: string;
  /** Employee number or teacher number. */
  number: string;
}

/** One mentor's identity as a map key in memory (the keys module builds the item's key). */
export function mentorKey(mentor: MentorRef): string {
  return `${mentor.side}:${mentor.orgId}:${mentor.number}`;
}

/** What the organisation's mentor register shows beside the number (the latest cohort naming them says it). */
export interface MentorNaming {
  name: string;
  /** Enterprise mentors only. */
  skillLevel?: number | undefined;
}

export interface MentorLoadWrite {
  mentor: MentorRef;
  /** Name (and level) as the cohort that moves the load names the mentor. */
  naming: MentorNaming;
  /** The whole new map of cohort → apprentices this mentor takes there. */
  cohorts: Record<string, number>;
  /** Version of the load item read (0 when there was none). */
  expectedVersion: number;
}

export interface MentorLoad {
  mentor: MentorRef;
  version: number;
  /** Cohort → apprentices taken there, as last written: cohorts since ended still appear (counted lazily). */
  cohorts: Record<string, number>;
  /** Absent on load items written before the register kept names. */
  naming?: MentorNaming | undefined;
}

/** A lock on one of a person's look-up hashes (a person takes one lock per hash: see `personHashes`). */
export interface PersonLock {
  idHash: string;
  /** Row of the cohort, to name it in an error. */
  row: number;
}

/** Persons of a change are in another active cohort (the rows of their person claims). */
export class PersonsTaken extends Error {
  override name = 'PersonsTaken';
  /** Each row once, though several of its person's locks were refused. */
  readonly rows: number[];
  constructor(rows: number[]) {
    const distinct = [...new Set(rows)];
    super(`${distinct.length} person(s) are already in another active cohort`);
    this.rows = distinct;
  }
}

export interface CohortChange {
  /** The new state; `version` already advanced by one. */
  cohort: CohortRecord;
  /** Version read; null for a new cohort. */
  expectedVersion: number | null;
  audit: AuditDraft;
  idempotency?: IdempotencyWrite | undefined;
  /** Task writes: a new or changed task, conditioned on the status it was read in. */
  task?: { record: TaskRecord; expectedStatus: TaskStatus | null } | undefined;
  /** Persons this cohort claims (one active cohort per person). */
  claimPersons?: PersonLock[] | undefined;
  mentorLoads?: MentorLoadWrite[] | undefined;
  /**
   * The cohort's entry in the list of filed cohorts waiting to complete after their end date:
   * added when it is FILED, removed when it is COMPLETED (same transaction).
   */
  completionDue?: { endDate: string; due: boolean } | undefined;
  /** A submission: the enterprise is not on its district's credit blacklist today (ConditionCheck). */
  notListed?: NotListedCheck | undefined;
  /** The bureau's filing: the employment check it passed still holds, and its run is recorded. */
  employment?: EmploymentGuard | undefined;
}

/** A filed cohort whose end date has passed, waiting for the scheduled completion. */
export interface CompletionDue {
  cohortId: string;
  endDate: string;
}

export interface CohortStore {
  get(cohortId: string): Promise<CohortRecord | undefined>;
  /**
   * One transaction: cohort, audit record, idempotency record, task, person claims, mentor loads.
   * A person claimed by another active cohort raises PersonsTaken with the rows of their claims.
   */
  save(change: CohortChange): Promise<void>;
  listForParty(
    party: { kind: 'enterprise' | 'school' | 'bureau'; orgId: string },
    options: { status?: CohortStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<Record<string, unknown>>>;
  /**
   * Whole cohorts of a district in these states, newest first: one Query of the district's index
   * (filtered by state) and one BatchGetItem of the page's cohorts (the index projects a summary).
   */
  listWholeInDistrict(
    districtCode: string,
    options: { statuses: readonly CohortStatus[]; limit: number; cursor?: string | undefined },
  ): Promise<Page<CohortRecord>>;
  history(
    caseId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditRecord>>;
  /** Appends an audit record on its own (reads of a full ID number), chained to the case's head. */
  appendAudit(cohort: CohortRecord, audit: AuditDraft): Promise<void>;
  task(taskId: string): Promise<TaskRecord | undefined>;
  inbox(
    role: string,
    org: string,
    /** `dueBy`: only the tasks due at or before this instant (the overdue ones: escalations). */
    options: { limit: number; cursor?: string | undefined; dueBy?: string | undefined },
  ): Promise<Page<TaskRecord>>;
  /** Marks a decided task's callback as delivered. */
  closeTask(taskId: string): Promise<void>;
  /** Decisions stored whose callback was not acknowledged yet (the reconciler's work list). */
  pendingCallbacks(options: { limit: number; cursor?: string | undefined }): Promise<Page<TaskRecord>>;
  idempotency(sub: string, key: string): Promise<IdempotencyRecord | undefined>;
  mentorLoads(mentors: MentorRef[]): Promise<MentorLoad[]>;
  /** An organisation's mentors (one side: its employees or its teachers) by number, by cursor. */
  mentorsOf(
    side: MentorRef['side'],
    orgId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<MentorLoad>>;
  /** Filed cohorts whose end date is on or before `lastEndDate`, oldest first (the completion job's list). */
  dueForCompletion(
    lastEndDate: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<CompletionDue>>;
  /** Drops a cohort from that list (it completed, or is no longer FILED). */
  clearCompletionDue(entry: CompletionDue): Promise<void>;
  /** Statuses of cohorts (for verifying mentor loads and person claims lazily). */
  statuses(cohortIds: string[]): Promise<Record<string, CohortStatus>>;
}

export interface ReferenceData {
  organisation(orgId: string): Promise<Organisation | undefined>;
  listOrganisations(options: { limit: number; cursor?: string | undefined }): Promise<Page<Organisation>>;
  /** The division codes of the district bureaus registered in a city (the municipal bureau's reads). */
  districtsOf(cityCode: string): Promise<string[]>;
  occupation(code: string): Promise<Occupation | undefined>;
  /** A policy by its version (a filed cohort keeps the version it was filed under). */
  policy(version: string): Promise<Policy | undefined>;
  listOccupations(options: { limit: number; cursor?: string | undefined }): Promise<Page<Occupation>>;
  policyInForce(date: string): Promise<Policy>;
}

/** The token is closed (timed out, finished): the workflow moved on without this callback. */
export class CallbackNotAccepted extends Error {
  override name = 'CallbackNotAccepted';
}

export type WorkflowName = 'cohort-filing' | 'subsidy-claim';

export interface Workflows {
  /** Idempotent by name: the same name and input start one execution. */
  start(workflow: WorkflowName, executionName: string, input: Record<string, unknown>): Promise<void>;
  sendSuccess(token: string, output: Record<string, unknown>): Promise<void>;
  sendFailure(token: string, error: string, cause: string): Promise<void>;
}

export interface DomainEvents {
  publish(type: string, detail: Record<string, unknown>): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface CohortDeps {
  store: CohortStore;
  reference: ReferenceData;
  pii: PersonalDataProtector;
  workflows: Workflows;
  events: DomainEvents;
  clock: Clock;
  newId(): string;
}
