import { zodSays } from '../domain/error-codes.ts';
import { IsoDate, integer, list, ReferenceNo, Ulid } from './primitives.ts';
import * as z from './zod.ts';

/** Bodies of the claim routes (architecture.md: binding names `cohortId`, `kind`, `evidence`). */
const trimmed = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
const year = z.coerce.number().check(z.int(), z.gte(2000), z.lte(2100));

const Document = z.strictObject({
  key: z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(512),
      z.regex(/^[\w\-./]+$/, zodSays('document.key_characters')),
    ),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, zodSays('document.sha256_shape'))),
  kind: z._default(
    z.enum(['sign_in_sheet', 'training_video', 'fee_invoice', 'certificate', 'other']),
    'other',
  ),
});

const Attendance = z.strictObject({ apprenticeId: Ulid, hours: integer(0, 10_000) });

export const ClaimEvidenceBody = z.strictObject({
  feeInvoiceNo: ReferenceNo,
  /** The training fee paid to the school so far, integer fen; required when the policy caps by it. */
  feeInvoiceAmountFen: z.optional(integer(0, 1_000_000_000_000)),
  attendance: z._default(list(Attendance, 10_000), []),
  documents: z._default(list(Document, 500), []),
});

export const CreateClaimBody = z
  .strictObject({
    cohortId: Ulid,
    kind: z.enum(['advance', 'interim', 'final']),
    /** Interim claims only: the completed training year (1 or 2) claimed for. */
    trainingYear: z.optional(z.literal([1, 2], { error: zodSays('claim.training_year_shape') })),
    evidence: ClaimEvidenceBody,
  })
  .check(
    z.superRefine((body, ctx) => {
      if (body.kind === 'interim' && body.trainingYear === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['trainingYear'],
          message: zodSays('claim.training_year_required'),
        });
      if (body.kind !== 'interim' && body.trainingYear !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['trainingYear'],
          message: zodSays('claim.training_year_interim_only'),
        });
    }),
  );

export const UpdateClaimBody = z.strictObject({ version: integer(0), evidence: ClaimEvidenceBody });

export const ObjectionBody = z.strictObject({ reason: trimmed(1, 500) });

export const ClaimListQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
  status: z.optional(
    z.enum([
      'PREPARED',
      'SCHOOL_VERIFICATION',
      'BUREAU_REVIEW',
      'PUBLIC_NOTICE',
      'PAYMENT',
      'PAID',
      'RETURNED',
      'REJECTED',
      'WITHDRAWN',
    ]),
  ),
});

export const ClaimPath = z.strictObject({ claimId: Ulid });

/** School verification of a claim (approve): hours attended per apprentice, outcomes confirmed. */
export const ClaimVerification = z.strictObject({
  attendance: list(Attendance, 10_000, 1),
  outcomesConfirmed: z.optional(z.literal(true, { error: zodSays('outcome.confirmation_required') })),
});

export const WithdrawalBody = z.strictObject({
  date: IsoDate,
  reason: z.enum(['resigned', 'dismissed', 'transferred_out', 'other']),
  note: z.optional(z.string().check(z.trim(), z.maxLength(500))),
});

export const OutcomeBody = z
  .strictObject({
    outcome: z.enum(['certified', 'not_certified']),
    certificate: z.optional(
      z.strictObject({
        kind: trimmed(1, 32),
        number: ReferenceNo,
        level: z.literal([1, 2, 3, 4, 5], { error: zodSays('level.not_certificate_level') }),
        issuedOn: IsoDate,
      }),
    ),
  })
  .check(
    z.superRefine((body, ctx) => {
      if (body.outcome === 'certified' && !body.certificate) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificate'],
          message: zodSays('outcome.certificate_required'),
        });
      }
      if (body.outcome === 'not_certified' && body.certificate) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificate'],
          message: zodSays('outcome.certificate_only_certified'),
        });
      }
    }),
  );

export const MentorsBody = z
  .strictObject({
    enterpriseMentorKey: z.optional(trimmed(1, 32)),
    enterpriseMentor: z.optional(
      z.strictObject({
        key: trimmed(1, 32),
        name: trimmed(1, 50),
        employeeNo: ReferenceNo,
        skillLevel: z.literal([1, 2, 3, 4, 5]),
      }),
    ),
    schoolMentorKey: z.optional(trimmed(1, 32)),
    schoolMentor: z.optional(
      z.strictObject({ key: trimmed(1, 32), name: trimmed(1, 50), teacherNo: ReferenceNo }),
    ),
    reason: trimmed(1, 500),
  })
  .check(
    z.superRefine((body, ctx) => {
      const enterprise = body.enterpriseMentorKey !== undefined || body.enterpriseMentor !== undefined;
      const school = body.schoolMentorKey !== undefined || body.schoolMentor !== undefined;
      if (enterprise === school) {
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: zodSays('mentors.replace_one'),
        });
      }
    }),
  );

export const BudgetPath = z.strictObject({
  districtCode: z.string().check(z.regex(/^\d{6}$/, zodSays('district.code_shape'))),
  year,
});
export const BudgetBody = z.strictObject({
  budgetFen: integer(0, 1_000_000_000_000),
  version: z.optional(integer(0)),
});

export const ReportQuery = z.strictObject({
  year,
  format: z._default(z.enum(['json', 'csv']), 'json'),
  // The municipal bureau picks one district of its city; without it, the whole city.
  districtCode: z.optional(z.string().check(z.regex(/^\d{6}$/, zodSays('district.code_shape')))),
});

export type CreateClaimBody = z.output<typeof CreateClaimBody>;
export type ClaimEvidenceBody = z.output<typeof ClaimEvidenceBody>;
export type ClaimVerification = z.output<typeof ClaimVerification>;
export type WithdrawalBody = z.output<typeof WithdrawalBody>;
export type OutcomeBody = z.output<typeof OutcomeBody>;
export type MentorsBody = z.output<typeof MentorsBody>;
