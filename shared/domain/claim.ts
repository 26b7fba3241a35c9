import type { AcceptedCommitment } from './commitment.ts';
import { type CorrectionNotice, correctionsView } from './corrections.ts';
import { paymentDueOn as paymentDueOn_ } from './handling.ts';
import { districtInCity, type Principal } from './principal.ts';
import type { SettlementSteps } from './settlement.ts';
import { todayInChinaOf } from './time.ts';

/**
 * A training-fund claim (domain.md, "Claim workflow"): an advance once the cohort is FILED, an
 * interim claim after each completed training year of a cohort longer than 12 months, or the final
 * settlement after the end date once every apprentice has an outcome.
 */
export type ClaimKind = 'advance' | 'interim' | 'final';
export type ClaimStatus =
  | 'PREPARED'
  | 'SCHOOL_VERIFICATION'
  | 'BUREAU_REVIEW'
  | 'PUBLIC_NOTICE'
  | 'PAYMENT'
  | 'PAID'
  | 'RETURNED'
  | 'REJECTED'
  | 'WITHDRAWN';

export type ClaimStage = 'SCHOOL_VERIFICATION' | 'BUREAU_REVIEW' | 'PAYMENT';

export const CLAIM_STAGE_ROLE = {
  SCHOOL_VERIFICATION: 'school.registrar',
  BUREAU_REVIEW: 'bureau.reviewer',
  PAYMENT: 'bureau.treasurer',
} as const;

/** Claims that still count against "one advance, one final": everything but the dead ends. */
export const ACTIVE_CLAIM: readonly ClaimStatus[] = [
  'PREPARED',
  'SCHOOL_VERIFICATION',
  'BUREAU_REVIEW',
  'PUBLIC_NOTICE',
  'PAYMENT',
  'PAID',
  'RETURNED',
];

export interface ClaimEvidence {
  feeInvoiceNo: string;
  /** The training fee paid to the school so far, integer fen (required when the policy caps by it). */
  feeInvoiceAmountFen?: number | undefined;
  attendance: { apprenticeId: string; hours: number }[];
  documents: {
    key: string;
    sha256: string;
    kind: 'sign_in_sheet' | 'training_video' | 'fee_invoice' | 'certificate' | 'other';
  }[];
}

export interface ClaimComputation {
  policyVersion: string;
  /** Advance: entitlement of apprentices in training × share. Final: earned and advanced. */
  entitlementFen: number;
  advanceShareBasisPoints?: number;
  earnedFen?: number;
  advancedFen?: number;
  earners?: number;
  apprentices: number;
  /** Apprentices the claim does not count, and why (already subsidised by another cohort). */
  excluded?: { apprenticeId: string; reason: string }[];
  /** Every step of the settlement formula (claims prepared before issue 12 have none). */
  settlement?: SettlementSteps;
}

export interface ClaimRecord {
  claimId: string;
  cohortId: string;
  kind: ClaimKind;
  /** Interim claims: the training year (1 or 2) they are for. */
  trainingYear?: number;
  status: ClaimStatus;
  version: number;
  enterpriseId: string;
  schoolId: string;
  districtCode: string;
  occupationCode: string;
  targetLevel: number;
  /** What the rules allow (computed). */
  computedAmountFen: number;
  /** What is claimed and, after review, approved (≤ computed). */
  amountFen: number;
  /** Final claims: what the enterprise owes back when it was advanced more than it earned. */
  recoveryFen: number;
  computation: ClaimComputation;
  evidence: ClaimEvidence;
  schoolVerification?: {
    attendance: { apprenticeId: string; hours: number }[];
    outcomesConfirmed: boolean;
    by: string;
    at: string;
  };
  reduction?: { fromFen: number; toFen: number; reason: string };
  /** The amount computed when the claim was submitted (what the signatory signed). */
  preparedAmountFen?: number;
  /** The bureau's approval recomputed the amount, and it differs from the prepared one: why. */
  recomputation?: { preparedFen: number; atApprovalFen: number; reason: string } | undefined;
  /** The release paid less than approved (the rules allowed less at that moment): why. */
  releaseAdjustment?: { approvedFen: number; releasedFen: number; reason: string };
  preparedBy: string;
  /** Everyone who prepared or corrected the claim (four eyes: none of them submits or approves it). */
  preparers?: string[];
  submittedBy?: string;
  /** The commitment (承诺书) the signatory accepted at the last submission: its version, when, by whom. */
  commitment?: AcceptedCommitment;
  reviewedBy?: string;
  releasedBy?: string;
  round: number;
  openTask?:
    | { taskId: string; stage: ClaimStage | 'PUBLIC_NOTICE'; dueAt?: string; overdueAt?: string }
    | undefined;
  /** The budget year the reservation was charged to (the year the bureau approved it). */
  budgetYear?: number;
  reservedFen?: number;
  /** When the bureau approved (the notice planned for that approval names it). */
  approvedAt?: string;
  notice?: {
    startsAt: string;
    endsAt: string;
    lastDay?: string;
    forApprovalAt?: string | undefined;
    objections: { by: string; at: string; reason: string }[];
  };
  /** Objections lodged by the public through the notice page (their tasks hold what was written). */
  publicObjections?: {
    objectionId: string;
    taskId: string;
    lodgedAt: string;
    status: 'OPEN' | 'UPHELD' | 'DISMISSED';
    reason?: string;
  }[];
  returnReason?: string;
  /** The one-time correction notices of its returns, oldest first (issue 14). */
  corrections?: CorrectionNotice[];
  rejectReason?: string;
  /** Why an approval could not be completed (e.g. the budget does not fit); shown at review. */
  pendingReason?: string;
  paidAt?: string;
  createdAt: string;
  updatedAt: string;
  auditSeq: number;
  auditHead: string;
}

export function canSeeClaim(
  principal: Principal,
  claim: Pick<ClaimRecord, 'enterpriseId' | 'schoolId' | 'districtCode' | 'round'>,
): boolean {
  const kind = principal.role.split('.')[0];
  if (kind === 'enterprise') return claim.enterpriseId === principal.orgId;
  if (claim.round === 0) return false; // not submitted yet: the enterprise's own
  if (kind === 'school') return claim.schoolId === principal.orgId;
  if (kind === 'city') return districtInCity(principal.orgId, claim.districtCode);
  return claim.districtCode === principal.orgId;
}

export function claimView(claim: ClaimRecord) {
  const { auditHead: _head, auditSeq: _seq, openTask, ...rest } = claim;
  return { ...rest, currentTask: openTask ?? null };
}

/**
 * A claim as the reads show it (issue 14): with its payment deadline, late or not today, and its
 * latest correction notice (each item `changed` while it is with the enterprise, as it stood at
 * the resubmission afterwards).
 */
export function claimReadView(claim: ClaimRecord, now?: Date) {
  return {
    ...claimView(claim),
    ...paymentDeadline(claim, now),
    corrections:
      correctionsView(claim.corrections, claim, claimDocuments(claim), claim.status === 'RETURNED') ?? null,
  };
}

/** A claim's evidence documents of a kind, by checksum: a correction of that kind is ticked off when they change. */
export function claimDocuments(claim: Pick<ClaimRecord, 'evidence'>) {
  return (kind: string) =>
    claim.evidence.documents.filter((document) => document.kind === kind).map((document) => document.sha256);
}

/**
 * Payment is due by the end of the month after the notice ends (domain.md; an advance, which has
 * no notice: after the month of its approval). `paymentLate`: not paid by then (or paid after).
 */
export function paymentDeadline(
  claim: Pick<ClaimRecord, 'status' | 'notice' | 'approvedAt' | 'paidAt'>,
  now?: Date,
): { paymentDueOn?: string; paymentLate?: boolean } {
  if (!['PAYMENT', 'PAID'].includes(claim.status)) return {};
  const from =
    claim.notice?.lastDay ?? (claim.approvedAt ? todayInChinaOf(new Date(claim.approvedAt)) : undefined);
  if (!from) return {};
  const paymentDueOn = paymentDueOn_(from);
  const day = claim.paidAt ? todayInChinaOf(new Date(claim.paidAt)) : now ? todayInChinaOf(now) : undefined;
  return { paymentDueOn, ...(day ? { paymentLate: day > paymentDueOn } : {}) };
}
