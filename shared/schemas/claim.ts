import * as z from 'zod';
import { integer, IsoDate, list, ReferenceNo, Ulid } from './primitives.ts';

/** Bodies of the claim routes (architecture.md: binding names `cohortId`, `kind`, `evidence`). */
const Document = z.strictObject({
  key: z.string().trim().min(1).max(512).regex(/^[\w\-./]+$/, 'letters, digits and - _ . / only'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  kind: z.enum(['sign_in_sheet', 'training_video', 'fee_invoice', 'certificate', 'other']).default('other'),
});

const Attendance = z.strictObject({ apprenticeId: Ulid, hours: integer(0, 10_000) });

export const ClaimEvidenceBody = z.strictObject({
  feeInvoiceNo: ReferenceNo,
  attendance: list(Attendance, 10_000).default([]),
  documents: list(Document, 500).default([]),
});

export const CreateClaimBody = z.strictObject({
  cohortId: Ulid,
  kind: z.enum(['advance', 'final']),
  evidence: ClaimEvidenceBody,
});

export const UpdateClaimBody = z.strictObject({ version: integer(0), evidence: ClaimEvidenceBody });

export const ObjectionBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });

export const ClaimListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
  status: z
    .enum(['PREPARED', 'SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT', 'PAID', 'RETURNED', 'REJECTED', 'WITHDRAWN'])
    .optional(),
});

export const ClaimPath = z.strictObject({ claimId: Ulid });

/** School verification of a claim (approve): hours attended per apprentice, outcomes confirmed. */
export const ClaimVerification = z.strictObject({
  attendance: list(Attendance, 10_000, 1),
  outcomesConfirmed: z.literal(true, { error: 'the school confirms the assessment results' }).optional(),
});

export const WithdrawalBody = z.strictObject({
  date: IsoDate,
  reason: z.enum(['resigned', 'dismissed', 'transferred_out', 'other']),
  note: z.string().trim().max(500).optional(),
});

export const OutcomeBody = z
  .strictObject({
    outcome: z.enum(['certified', 'not_certified']),
    certificate: z
      .strictObject({
        kind: z.string().trim().min(1).max(32),
        number: ReferenceNo,
        level: z.literal([1, 2, 3, 4, 5], { error: 'must be a skill level from 1 to 5' }),
        issuedOn: IsoDate,
      })
      .optional(),
  })
  .superRefine((body, ctx) => {
    if (body.outcome === 'certified' && !body.certificate) {
      ctx.addIssue({ code: 'custom', path: ['certificate'], message: 'is required for a certified outcome' });
    }
    if (body.outcome === 'not_certified' && body.certificate) {
      ctx.addIssue({ code: 'custom', path: ['certificate'], message: 'is given only with certified' });
    }
  });

export const MentorsBody = z
  .strictObject({
    enterpriseMentorKey: z.string().trim().min(1).max(32).optional(),
    enterpriseMentor: z
      .strictObject({ key: z.string().trim().min(1).max(32), name: z.string().trim().min(1).max(50), employeeNo: ReferenceNo, skillLevel: z.literal([1, 2, 3, 4, 5]) })
      .optional(),
    schoolMentorKey: z.string().trim().min(1).max(32).optional(),
    schoolMentor: z.strictObject({ key: z.string().trim().min(1).max(32), name: z.string().trim().min(1).max(50), teacherNo: ReferenceNo }).optional(),
    reason: z.string().trim().min(1).max(500),
  })
  .superRefine((body, ctx) => {
    const enterprise = body.enterpriseMentorKey !== undefined || body.enterpriseMentor !== undefined;
    const school = body.schoolMentorKey !== undefined || body.schoolMentor !== undefined;
    if (enterprise === school) {
      ctx.addIssue({ code: 'custom', path: [], message: 'replace either the enterprise mentor or the school mentor' });
    }
  });

export const BudgetPath = z.strictObject({ districtCode: z.string().regex(/^\d{6}$/, 'is a 6-digit division code'), year: z.coerce.number().int().min(2000).max(2100) });
export const BudgetBody = z.strictObject({ budgetFen: integer(0, 1_000_000_000_000), version: integer(0).optional() });

export const ReportQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100),
  format: z.enum(['json', 'csv']).default('json'),
});

export type CreateClaimBody = z.output<typeof CreateClaimBody>;
export type ClaimEvidenceBody = z.output<typeof ClaimEvidenceBody>;
export type ClaimVerification = z.output<typeof ClaimVerification>;
export type WithdrawalBody = z.output<typeof WithdrawalBody>;
export type OutcomeBody = z.output<typeof OutcomeBody>;
export type MentorsBody = z.output<typeof MentorsBody>;
