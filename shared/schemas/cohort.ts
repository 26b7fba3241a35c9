/**
 * Request bodies of the cohort routes (architecture.md, "HTTP API contract": field names are
 * binding). These check shape and each field on its own; the rules that need the policy, the
 * occupation catalogue or several fields at once are in `shared/domain/cohort-rules.ts`.
 */

import { zodSays } from '../domain/error-codes.ts';
import { checkResidentId, isMainlandMobile } from '../domain/identifiers.ts';
import { OCCUPATION_CODE_PATTERN } from '../domain/occupations.ts';
import { notATargetLevel } from '../domain/policy.ts';
import {
  Flag,
  IsoDate,
  integer,
  Key,
  list,
  longText,
  MAX_ROWS_PER_REQUEST,
  PersonName,
  ReferenceNo,
  requiredOr,
  typeMessage,
  Uscc,
} from './primitives.ts';
import * as z from './zod.ts';

const objectError = { error: typeMessage('field.not_object') };

export const OccupationCode = z
  .string({ error: typeMessage('field.not_text') })
  .check(z.trim(), z.regex(OCCUPATION_CODE_PATTERN, zodSays('occupation.code_shape')));

/** 4 四级/中级工, 3 三级/高级工, 2 二级/技师, 1 一级/高级技师. */
export const TargetLevel = z.literal([1, 2, 3, 4], {
  error: (issue) => {
    if (issue.input === undefined) return zodSays('field.required');
    const said = notATargetLevel(typeof issue.input === 'number' ? issue.input : Number.NaN);
    return zodSays(said.code, said.params);
  },
});

/** Skill level of a mentor: 1 (高级技师, highest) … 5 (初级工, lowest). */
export const SkillLevel = z.literal([1, 2, 3, 4, 5], {
  error: requiredOr('level.not_skill_level'),
});

export const ResidentIdNumber = z.string({ error: typeMessage('field.not_text') }).check(
  z.trim(),
  z.toUpperCase(),
  z.superRefine((value, ctx) => {
    const check = checkResidentId(value);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: zodSays(check.code, check.params) });
  }),
);

export const MobileNumber = z
  .string({ error: typeMessage('field.not_text') })
  .check(z.trim(), z.refine(isMainlandMobile, zodSays('phone.not_mobile')));

export const PlannedHours = z.strictObject(
  {
    total: integer(1, 20_000),
    /** Concentrated teaching at the school, part of `total`. */
    concentrated: integer(0, 20_000),
  },
  objectError,
);

export const Agreements = z.strictObject(
  {
    /** Enterprise–school cooperation agreement. */
    schoolAgreementNo: ReferenceNo,
    /** Enterprise–apprentice training agreement. */
    apprenticeAgreementNo: ReferenceNo,
  },
  objectError,
);

export const EnterpriseMentorInput = z.strictObject(
  { key: Key, name: PersonName, employeeNo: ReferenceNo, skillLevel: SkillLevel },
  objectError,
);

/**
 * A labour contract: `endDate` null (or `openEnded: true`, endDate left out) for an open-ended
 * contract (无固定期限). The term and start rules need the cohort and policy: cohort-rules.
 */
export const ContractInput = z
  .strictObject(
    { startDate: IsoDate, endDate: z.optional(z.nullable(IsoDate)), openEnded: z.optional(Flag) },
    objectError,
  )
  .check(
    z.superRefine((contract, ctx) => {
      const openEnded = contract.openEnded ?? contract.endDate === null;
      if (openEnded && typeof contract.endDate === 'string') {
        ctx.addIssue({
          code: 'custom',
          path: ['endDate'],
          message: zodSays('contract.open_ended_has_end'),
        });
      } else if (!openEnded && typeof contract.endDate !== 'string') {
        ctx.addIssue({
          code: 'custom',
          path: ['endDate'],
          message: zodSays('contract.end_required'),
        });
      }
    }),
  );

export const ApprenticeInput = z.strictObject(
  {
    name: PersonName,
    idNumber: ResidentIdNumber,
    phone: MobileNumber,
    hireType: z.enum(['new_hire', 'transfer'], {
      error: requiredOr('hire_type.unknown'),
    }),
    contract: ContractInput,
    enterpriseMentorKey: Key,
  },
  objectError,
);

const cohortFields = {
  /** The school's unified social credit code. */
  schoolId: Uscc,
  occupationCode: OccupationCode,
  targetLevel: TargetLevel,
  startDate: IsoDate,
  /** Last day of training (inclusive). */
  endDate: IsoDate,
  /** Required by the rules when the training period exceeds the policy's maximum (24 months). */
  trainingJustification: z.optional(z.nullable(longText(2000))),
  plannedHours: PlannedHours,
  agreements: Agreements,
  enterpriseMentors: list(EnterpriseMentorInput, MAX_ROWS_PER_REQUEST),
};

/** `POST /cohorts`: the enterprise comes from the token, never from the body. */
export const CreateCohortBody = z.strictObject(
  {
    ...cohortFields,
    /** May be empty in a draft; rows can also be added later through the apprentices route. */
    apprentices: z._default(list(ApprenticeInput, MAX_ROWS_PER_REQUEST), []),
  },
  objectError,
);

/** `PATCH /cohorts/{cohortId}`: any cohort field, conditioned on the version the client read. */
export const UpdateCohortBody = z.strictObject(
  {
    schoolId: z.optional(cohortFields.schoolId),
    occupationCode: z.optional(cohortFields.occupationCode),
    targetLevel: z.optional(cohortFields.targetLevel),
    startDate: z.optional(cohortFields.startDate),
    endDate: z.optional(cohortFields.endDate),
    trainingJustification: cohortFields.trainingJustification,
    plannedHours: z.optional(cohortFields.plannedHours),
    agreements: z.optional(cohortFields.agreements),
    enterpriseMentors: z.optional(cohortFields.enterpriseMentors),
    /** Optimistic locking: the `version` of the cohort the edit is based on. */
    version: integer(0),
    // Named here (rather than left to "unknown field") to say where apprentices are changed.
    apprentices: z.optional(z.never({ error: zodSays('cohort.apprentices_own_route') })),
  },
  objectError,
);

/** `POST /cohorts/{cohortId}/apprentices` (JSON): all rows are added, or none. */
export const AddApprenticesBody = list(ApprenticeInput, MAX_ROWS_PER_REQUEST, 1);

export type PlannedHours = z.output<typeof PlannedHours>;
export type Agreements = z.output<typeof Agreements>;
export type EnterpriseMentorInput = z.output<typeof EnterpriseMentorInput>;
export type ContractInput = z.output<typeof ContractInput>;
export type ApprenticeInput = z.output<typeof ApprenticeInput>;
export type CreateCohortBody = z.output<typeof CreateCohortBody>;
export type UpdateCohortBody = z.output<typeof UpdateCohortBody>;
export type AddApprenticesBody = z.output<typeof AddApprenticesBody>;

export type { DecisionBody, EnrolmentInput, SchoolMentorInput } from './decision.ts';
