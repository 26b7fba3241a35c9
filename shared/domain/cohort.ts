import { type CorrectionNotice, correctionsView } from './corrections.ts';
import type { CohortEntitlement } from './entitlement.ts';
import { districtInCity, type Principal, type Role } from './principal.ts';

/** States of a cohort (domain.md, "Cohort filing workflow"). */
export type CohortStatus =
  | 'DRAFT'
  | 'COMPANY_REVIEW'
  | 'SCHOOL_REVIEW'
  | 'BUREAU_REVIEW'
  | 'RETURNED'
  | 'REJECTED'
  | 'WITHDRAWN'
  | 'FILED'
  | 'COMPLETED';

export type ReviewStage = 'COMPANY_REVIEW' | 'SCHOOL_REVIEW' | 'BUREAU_REVIEW';
export const REVIEW_STAGES: readonly ReviewStage[] = ['COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW'];

/** Whose turn it is at each review. */
export const STAGE_ROLE: Record<ReviewStage, Role> = {
  COMPANY_REVIEW: 'enterprise.signatory',
  SCHOOL_REVIEW: 'school.registrar',
  BUREAU_REVIEW: 'bureau.reviewer',
};

export const NEXT_AFTER_APPROVAL: Record<ReviewStage, CohortStatus> = {
  COMPANY_REVIEW: 'SCHOOL_REVIEW',
  SCHOOL_REVIEW: 'BUREAU_REVIEW',
  BUREAU_REVIEW: 'FILED',
};

export const EDITABLE: readonly CohortStatus[] = ['DRAFT', 'RETURNED'];
export const TERMINAL: readonly CohortStatus[] = ['REJECTED', 'WITHDRAWN', 'COMPLETED'];
export const WITHDRAWABLE: readonly CohortStatus[] = ['DRAFT', 'RETURNED', ...REVIEW_STAGES];

export function isReviewStage(status: string): status is ReviewStage {
  return (REVIEW_STAGES as readonly string[]).includes(status);
}

export type ApprenticeStatus = 'enrolled' | 'withdrawn' | 'completed' | 'certified' | 'not_certified';

export interface EnterpriseMentor {
  key: string;
  name: string;
  employeeNo: string;
  skillLevel: number;
}

export interface SchoolMentor {
  key: string;
  name: string;
  teacherNo: string;
}

export interface ApprenticeRecord {
  apprenticeId: string;
  name: string;
  /** AES-256-GCM ciphertext under the cohort's data key. */
  idCipher: string;
  /** Look-up hash of the ID number under the suite in force when the row was written. */
  idHash: string;
  /**
   * Every look-up hash of the ID number, one per suite, `idHash` first: the person's markers (lock
   * on an active cohort, subsidy marks) are kept under each. Absent on rows written before there
   * were two: read them with `personHashes`.
   */
  idHashes?: string[];
  idMasked: string;
  phoneCipher: string;
  phoneHash: string;
  phoneMasked: string;
  birthDate: string;
  hireType: 'new_hire' | 'transfer';
  contract: { startDate: string; endDate: string | null };
  enterpriseMentorKey: string;
  schoolMentorKey?: string;
  studentNumber?: string;
  status: ApprenticeStatus;
  /** Entitlement once FILED, integer fen. */
  entitlementFen?: number;
  withdrawal?: { date: string; reason: WithdrawalReason; recordedBy: string };
  certificate?: { kind: string; number: string; level: number; issuedOn: string };
  outcomeRecordedBy?: string;
}

/** The look-up hashes a person of a stored row is known by (the row's suite's alone on older rows). */
export function personHashes(apprentice: Pick<ApprenticeRecord, 'idHash' | 'idHashes'>): string[] {
  return apprentice.idHashes ?? [apprentice.idHash];
}

export type WithdrawalReason = 'resigned' | 'dismissed' | 'transferred_out' | 'other';

/** What the subsidy ledger of a cohort holds, in fen (updated when a claim is paid). */
export interface CohortLedger {
  advancePaidFen: number;
  /** Paid by interim claims (absent on ledgers written before they existed). */
  interimPaidFen?: number;
  finalPaidFen: number;
  recoveryOwedFen: number;
  /** Claims of the cohort: at most one active advance, one interim per training year and one final. */
  claims: { claimId: string; kind: 'advance' | 'interim' | 'final'; trainingYear?: number; status: string }[];
}

export interface CohortRecord {
  cohortId: string;
  version: number;
  status: CohortStatus;
  enterpriseId: string;
  schoolId: string;
  districtCode: string;
  occupationCode: string;
  occupationName: string;
  occupationEdition: string;
  shortage: boolean;
  targetLevel: number;
  startDate: string;
  endDate: string;
  trainingJustification?: string;
  plannedHours: { total: number; concentrated: number };
  agreements: { schoolAgreementNo: string; apprenticeAgreementNo: string };
  enterpriseMentors: EnterpriseMentor[];
  schoolMentors: SchoolMentor[];
  apprentices: ApprenticeRecord[];
  /** The cohort's data key, wrapped by the key service (KMS on AWS). */
  wrappedDataKey: string;
  /** Submission round: 0 while never submitted; each (re)submission starts a new round. */
  round: number;
  /** Approvals of the current round (void after a return). */
  approvals: { stage: ReviewStage; by: string; at: string }[];
  /** The waiting stage's task; `dueAt`/`overdueAt` at the bureau's stage (issue 14: handling limits). */
  openTask?: { taskId: string; stage: ReviewStage; dueAt?: string; overdueAt?: string } | undefined;
  returnReason?: string;
  /** The one-time correction notices of its returns, oldest first (issue 14). */
  corrections?: CorrectionNotice[];
  rejectReason?: string;
  entitlementFen?: number;
  /** How the entitlement was computed (standard, months, per apprentice), for the reviewer. */
  entitlement?: CohortEntitlement;
  policyVersion?: string;
  filedAt?: string;
  ledger?: CohortLedger;
  completedAt?: string;
  createdAt: string;
  createdBy: string;
  /** Everyone who created, changed or submitted the cohort (four eyes: none of them approves it). */
  preparers?: string[];
  updatedAt: string;
  /** Sequence number and hash of the last audit record: the head of the case's hash chain. */
  auditSeq: number;
  auditHead: string;
}

/**
 * Deny by default: an enterprise sees its own cohorts, a school those naming it, a bureau those of
 * its district, the municipal bureau those of every district of its city (reading only: the routes
 * it may call are read routes).
 */
export function canSee(
  principal: Principal,
  cohort: Pick<CohortRecord, 'enterpriseId' | 'schoolId' | 'districtCode'>,
) {
  switch (principal.role.split('.')[0]) {
    case 'enterprise':
      return cohort.enterpriseId === principal.orgId;
    case 'school':
      return cohort.schoolId === principal.orgId;
    case 'bureau':
      return cohort.districtCode === principal.orgId;
    case 'city':
      return districtInCity(principal.orgId, cohort.districtCode);
    default:
      return false;
  }
}

/** The cohort as the API shows it: identities masked, keys and ciphertexts never. */
export function cohortView(cohort: CohortRecord) {
  return {
    cohortId: cohort.cohortId,
    status: cohort.status,
    version: cohort.version,
    enterpriseId: cohort.enterpriseId,
    schoolId: cohort.schoolId,
    districtCode: cohort.districtCode,
    occupationCode: cohort.occupationCode,
    occupationName: cohort.occupationName,
    occupationEdition: cohort.occupationEdition,
    targetLevel: cohort.targetLevel,
    startDate: cohort.startDate,
    endDate: cohort.endDate,
    trainingJustification: cohort.trainingJustification,
    plannedHours: cohort.plannedHours,
    agreements: cohort.agreements,
    enterpriseMentors: cohort.enterpriseMentors,
    schoolMentors: cohort.schoolMentors,
    round: cohort.round,
    approvals: cohort.approvals,
    currentTask: cohort.openTask ?? null,
    returnReason: cohort.returnReason,
    rejectReason: cohort.rejectReason,
    entitlementFen: cohort.entitlementFen,
    entitlement: cohort.entitlement,
    policyVersion: cohort.policyVersion,
    filedAt: cohort.filedAt,
    apprenticeCount: cohort.apprentices.length,
    apprentices: cohort.apprentices.map((apprentice) => ({
      apprenticeId: apprentice.apprenticeId,
      name: apprentice.name,
      idNumber: apprentice.idMasked,
      phone: apprentice.phoneMasked,
      hireType: apprentice.hireType,
      contract: apprentice.contract,
      status: apprentice.status,
      studentNumber: apprentice.studentNumber ?? null,
      enterpriseMentorKey: apprentice.enterpriseMentorKey,
      schoolMentorKey: apprentice.schoolMentorKey ?? null,
      entitlementFen: apprentice.entitlementFen,
      withdrawal: apprentice.withdrawal,
      certificate: apprentice.certificate,
    })),
    ledger: cohort.ledger,
    completedAt: cohort.completedAt,
    createdAt: cohort.createdAt,
    updatedAt: cohort.updatedAt,
  };
}

/** A cohort as `GET /cohorts/{cohortId}` answers it (with its latest correction notice). */
export type CohortView = ReturnType<typeof cohortReadView>;

/** A cohort under review holds no documents (evidence is uploaded once it is FILED). */
export const noDocuments = (): undefined => undefined;

/**
 * A cohort as `GET /cohorts/{cohortId}` shows it: with its latest correction notice (issue 14), each
 * item `changed` while the cohort is with the enterprise, and as it stood at the resubmission
 * afterwards (what the reviewers see changed).
 */
export function cohortReadView(cohort: CohortRecord) {
  return {
    ...cohortView(cohort),
    corrections:
      correctionsView(cohort.corrections, cohort, noDocuments, cohort.status === 'RETURNED') ?? null,
  };
}
