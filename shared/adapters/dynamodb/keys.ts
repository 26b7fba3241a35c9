import type { MentorRef } from '../../domain/ports.ts';

/**
 * Every key and index value of the one table, built by named functions in one place — next to
 * `table-definition.ts`, whose access-pattern table they implement. Stores and use cases never
 * type a key string; a new entity adds its builders here.
 */

const pad = (seq: number) => String(seq).padStart(10, '0');

const MENTOR_SORT_PREFIX = 'MENTOR#';
const LEGACY_MENTOR_PREFIX = 'MENTOR#';
const LEGACY_LOAD = 'LOAD';

/** Case partitions: a case item and its audit trail share the partition. */
export type CaseKind = 'COHORT' | 'CLAIM' | 'DOCUMENT' | 'CREDIT' | 'EMPLOYMENT' | 'OVERRIDE' | 'DEMAND';

export const keys = {
  cohort: (cohortId: string) => ({ pk: `COHORT#${cohortId}`, sk: 'COHORT' }),
  claim: (claimId: string) => ({ pk: `CLAIM#${claimId}`, sk: 'CLAIM' }),
  document: (documentId: string) => ({ pk: `DOCUMENT#${documentId}`, sk: 'DOCUMENT' }),
  /** The partition of a case (its item and its audit records). */
  casePartition: (kind: CaseKind, caseId: string) => `${kind}#${caseId}`,
  audit: (kind: CaseKind, caseId: string, seq: number) => ({
    pk: `${kind}#${caseId}`,
    sk: `AUDIT#${pad(seq)}`,
  }),
  auditPrefix: 'AUDIT#',
  task: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'TASK' }),
  /** Public objections from one address (keyed hash) in one hour (`YYYY-MM-DDTHH`, UTC); TTL'd. */
  objectionThrottle: (addressHash: string, hour: string) => ({
    pk: `THROTTLE#${addressHash}`,
    sk: `OBJECTIONS#${hour}`,
  }),
  /**
   * One active cohort per person (a keyed hash of the ID number, never the number). A person has
   * one look-up hash per crypto suite and holds this item, and each subsidy mark, under every one.
   */
  person: (idHash: string) => ({ pk: `PERSON#${idHash}`, sk: 'ACTIVE' }),
  /** A person subsidised for an occupation (written by the payment). */
  subsidised: (idHash: string, occupationCode: string) => ({
    pk: `PERSON#${idHash}`,
    sk: `SUBSIDISED#${occupationCode}`,
  }),
  /**
   * A mentor's load item, in its organisation's partition: one Query lists an organisation's
   * mentors with their loads (`GET /organisations/{orgId}/mentors`), one GetItem reads one.
   */
  mentor: (mentor: MentorRef) => ({
    pk: mentorsPartition(mentor.side, mentor.orgId),
    sk: `${MENTOR_SORT_PREFIX}${mentor.number}`,
  }),
  /** The partition of an organisation's mentors (enterprise: by employee number; school: by teacher number). */
  mentorsOf: (side: MentorRef['side'], orgId: string) => ({
    pk: mentorsPartition(side, orgId),
    skPrefix: MENTOR_SORT_PREFIX,
  }),
  /**
   * MIGRATION ONLY (`migrations/mentor-loads.ts`): where a mentor's load item lived before the
   * register moved it into its organisation's partition (`pk = MENTOR#<ENT|SCHOOL>#<uscc>#<no>`,
   * `sk = LOAD`). Nothing on a request path reads or writes it; the migration moves each one to
   * `keys.mentor` and deletes it.
   */
  legacyMentorLoad: (mentor: MentorRef) => ({
    pk: `${LEGACY_MENTOR_PREFIX}${mentorKeyId(mentor)}`,
    sk: LEGACY_LOAD,
  }),
  /** MIGRATION ONLY: what the migration's Scan keeps (`begins_with(pk, pkPrefix) AND sk = :sk`). */
  legacyMentorLoads: { pkPrefix: LEGACY_MENTOR_PREFIX, sk: LEGACY_LOAD },
  idempotency: (sub: string, key: string) => ({ pk: `IDEM#${sub}#${key}`, sk: 'IDEM' }),
  /** Filed cohorts by end date, for the scheduled completion (one partition, sorted by date). */
  completionDue: (endDate: string, cohortId: string) => ({ pk: COMPLETIONS, sk: `${endDate}#${cohortId}` }),
  completionsUpTo: (lastEndDate: string) => ({ pk: COMPLETIONS, skAtMost: `${lastEndDate}#~` }),
  payment: (payment: { districtCode: string; year: number; paidAt: string; claimId: string }) => ({
    pk: paymentsPartition(payment.districtCode, payment.year),
    sk: `${payment.paidAt}#${payment.claimId}`,
  }),
  paymentsPartition: (districtCode: string, year: number) => paymentsPartition(districtCode, year),
  organisation: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' }),
  occupation: (code: string) => ({ pk: `OCC#${code}`, sk: 'OCC' }),
  policy: (policy: { effectiveFrom: string; policyVersion: string }) => ({
    pk: POLICY,
    sk: `VERSION#${policy.effectiveFrom}#${policy.policyVersion.split('.').pop()!.padStart(4, '0')}`,
  }),
  /** The latest policy version in force on `date` (sort keys at most this). */
  policiesUpTo: (date: string) => ({ pk: POLICY, skAtMost: `VERSION#${date}#9999` }),
  budget: (districtCode: string, year: number) => ({ pk: `BUDGET#${districtCode}#${year}`, sk: 'BUDGET' }),
  /**
   * A district's credit blacklist (失信名单) is one partition: a listing per enterprise, the audit
   * records of the list (`audit('CREDIT', districtCode, seq)`) and the head of their chain. A
   * submission's transaction checks the listing item by key.
   */
  creditListing: (districtCode: string, enterpriseId: string) => ({
    pk: `CREDIT#${districtCode}`,
    sk: `${CREDIT_LISTING_PREFIX}${enterpriseId}`,
  }),
  creditListings: (districtCode: string) => ({
    pk: `CREDIT#${districtCode}`,
    skPrefix: CREDIT_LISTING_PREFIX,
  }),
  creditHead: (districtCode: string) => ({ pk: `CREDIT#${districtCode}`, sk: 'HEAD' }),
  /**
   * Social-insurance contribution records (社保缴费记录) of one enterprise in one month, as one import
   * had them: persons by their look-up hash (each under every crypto suite's hash, never the ID
   * number) → insured, in chunks of a few thousand. A check reads the months it needs of one
   * enterprise at once; only the import the enterprise's pointer names for a month counts.
   */
  contributionChunk: (chunk: {
    districtCode: string;
    enterpriseId: string;
    month: string;
    importId: string;
    index: number;
  }) => ({
    pk: `CONTRIB#${chunk.districtCode}#${chunk.enterpriseId}#${chunk.month}`,
    sk: `IMPORT#${chunk.importId}#${String(chunk.index).padStart(4, '0')}`,
  }),
  /**
   * A district's employment register is one partition: the head (its version moves with every
   * import; its audit chain), one pointer per enterprise naming the import in force for each month,
   * the imports themselves and their audit records (`audit('EMPLOYMENT', districtCode, seq)`).
   */
  employmentHead: (districtCode: string) => ({ pk: `EMPLOYMENT#${districtCode}`, sk: 'HEAD' }),
  employmentPointer: (districtCode: string, enterpriseId: string) => ({
    pk: `EMPLOYMENT#${districtCode}`,
    sk: `ENT#${enterpriseId}`,
  }),
  employmentImport: (districtCode: string, importId: string) => ({
    pk: `EMPLOYMENT#${districtCode}`,
    sk: `IMPORT#${importId}`,
  }),
  /** The employment checks run for a cohort, in its partition, oldest first. */
  employmentCheck: (cohortId: string, at: string, runId: string) => ({
    pk: `COHORT#${cohortId}`,
    sk: `${EMPLOYMENT_CHECK_PREFIX}${at}#${runId}`,
  }),
  employmentChecks: (cohortId: string) => ({ pk: `COHORT#${cohortId}`, skPrefix: EMPLOYMENT_CHECK_PREFIX }),
  /** A district's overrides of failed checks: one partition with their audit chain and its head. */
  override: (districtCode: string, overrideId: string) => ({
    pk: `OVERRIDE#${districtCode}`,
    sk: `${OVERRIDE_PREFIX}${overrideId}`,
  }),
  overrides: (districtCode: string) => ({ pk: `OVERRIDE#${districtCode}`, skPrefix: OVERRIDE_PREFIX }),
  overrideHead: (districtCode: string) => ({ pk: `OVERRIDE#${districtCode}`, sk: 'HEAD' }),
  /**
   * The read models of "what the bureau watches" (issue 15): a case's cells as last projected, kept
   * beside nothing else so no case Query reads them. The aggregate rows (`RM#…`) are keyed in
   * `domain/read-models/cells.ts` (`cellKeys`), which computes them.
   */
  projection: (casePk: string) => ({ pk: `PROJ#${casePk}`, sk: 'PROJ' }),
  /** A district's demand lists (需求目录, e.g. the quarterly 最缺工 list): one item per period, an audit chain. */
  demandList: (districtCode: string, period: string) => ({
    pk: `DEMAND#${districtCode}`,
    sk: `PERIOD#${period}`,
  }),
  demandHead: (districtCode: string) => ({ pk: `DEMAND#${districtCode}`, sk: 'HEAD' }),
};

const EMPLOYMENT_CHECK_PREFIX = 'EMPCHECK#';
const OVERRIDE_PREFIX = 'ITEM#';

const CREDIT_LISTING_PREFIX = 'LISTING#';

const COMPLETIONS = 'COMPLETIONS';
const POLICY = 'POLICY';
const paymentsPartition = (districtCode: string, year: number) => `PAYMENTS#${districtCode}#${year}`;

const mentorsPartition = (side: MentorRef['side'], orgId: string) =>
  `MENTORS#${side === 'enterprise' ? 'ENT' : 'SCHOOL'}#${orgId}`;

/** A mentor's id on its load item (`ENT#<uscc>#<employeeNo>` or `SCHOOL#<uscc>#<teacherNo>`). */
export function mentorKeyId(mentor: MentorRef): string {
  return `${mentor.side === 'enterprise' ? 'ENT' : 'SCHOOL'}#${mentor.orgId}#${mentor.number}`;
}

/** The mentor a load item's sort key names in its organisation's partition (`MENTOR#<no>` → `<no>`). */
export function mentorNumberOf(sk: string): string {
  return sk.slice(MENTOR_SORT_PREFIX.length);
}

/**
 * MIGRATION ONLY: the mentor a legacy load item's key names (`MENTOR#ENT#<uscc>#<no>`, `LOAD`),
 * or undefined for a key that is not one (the exact inverse of `keys.legacyMentorLoad`).
 */
export function legacyMentorOf(key: { pk: string; sk: string }): MentorRef | undefined {
  if (key.sk !== LEGACY_LOAD || !key.pk.startsWith(LEGACY_MENTOR_PREFIX)) return undefined;
  const [sideCode, orgId, ...number] = key.pk.slice(LEGACY_MENTOR_PREFIX.length).split('#');
  const side = sideCode === 'ENT' ? 'enterprise' : sideCode === 'SCHOOL' ? 'school' : undefined;
  if (!side || !orgId || number.length === 0 || number.join('#') === '') return undefined;
  const mentor: MentorRef = { side, orgId, number: number.join('#') };
  return keys.legacyMentorLoad(mentor).pk === key.pk ? mentor : undefined;
}

/** Index values: which party lists a case, newest first (GSI1 enterprise, GSI2 school, GSI3 district). */
export const indexKeys = {
  partyIndex: (kind: 'enterprise' | 'school' | 'bureau') =>
    kind === 'enterprise' ? ('GSI1' as const) : kind === 'school' ? ('GSI2' as const) : ('GSI3' as const),
  party: (kind: 'enterprise' | 'school' | 'bureau', orgId: string) =>
    `${kind === 'enterprise' ? 'ENT' : kind === 'school' ? 'SCHOOL' : 'DISTRICT'}#${orgId}`,
  /** Sort key of a case in its parties' lists, and the prefix that lists one kind of case. */
  caseSort: (kind: 'COHORT' | 'CLAIM', createdAt: string, caseId: string) => `${kind}#${createdAt}#${caseId}`,
  casePrefix: (kind: 'COHORT' | 'CLAIM') => `${kind}#`,
  /** Open tasks in a role's inbox, soonest due first. */
  inbox: (role: string, org: string) => `INBOX#${role}#${org}`,
  inboxSort: (dueAt: string, taskId: string) => `${dueAt}#${taskId}`,
  /** Claims on public notice in a district (their notice's wait task), soonest ending first. */
  notices: (districtCode: string) => `NOTICES#${districtCode}`,
  /** Decisions whose callback is not yet acknowledged (the reconciler's list). */
  pendingCallbacks: 'CALLBACKS#PENDING',
  pendingCallbackSort: (decidedAt: string, taskId: string) => `${decidedAt}#${taskId}`,
  organisations: 'ORGS',
  organisationSort: (kind: string, orgId: string) => `${kind}#${orgId}`,
  occupations: 'OCCUPATIONS',
};

/** The case id in a case partition key (`CLAIM#<id>` → `<id>`). */
export function caseIdOf(kind: CaseKind, pk: string): string {
  return pk.slice(kind.length + 1);
}
