/**
 * The versioned policy record (`GET/PUT /policy`): every number of domain.md that a bureau
 * administrator may change. Money is integer fen; dates are `YYYY-MM-DD`.
 */

import { zodSays } from '../domain/error-codes.ts';
import { Flag, IsoDate, integer, list, text, typeMessage } from './primitives.ts';
import * as z from './zod.ts';

const MAX_FEN = 100_000_000_00; // ¥100,000,000: far above any yearly standard, well inside safe integers

const SubsidyStandard = z.strictObject(
  {
    /** Fen per apprentice per training year. */
    standard: integer(1, MAX_FEN),
    /** Fen per apprentice per training year for occupations on the shortage list. */
    shortage: integer(1, MAX_FEN),
  },
  { error: typeMessage('field.not_object') },
);

/** Levels 4 (中级工) … 1 (高级技师); a level without an entry has no standard yet. */
const StandardsByLevel = z.strictObject(
  {
    '1': z.optional(SubsidyStandard),
    '2': z.optional(SubsidyStandard),
    '3': z.optional(SubsidyStandard),
    '4': z.optional(SubsidyStandard),
  },
  { error: typeMessage('field.not_object') },
);

const TrainingMonths = z.strictObject(
  { min: integer(1, 120), max: integer(1, 120), maxWithJustification: integer(1, 120) },
  { error: typeMessage('field.not_object') },
);

const HolidayList = list(IsoDate, 1000);

const BasisPoints = integer(0, 10_000);

/**
 * How a cohort is settled (domain.md, "Settlement formula"). Every field may be left out and takes
 * the default written here; `settlementRules` (shared/domain/policy.ts) fills them for a policy
 * stored before the block existed.
 */
export const SettlementRules = z.strictObject(
  {
    /** Share earned (basis points) by an apprentice completed but not certified, or certified below the target level. */
    completedRate: z._default(BasisPoints, 0),
    /** What a withdrawn apprentice earns: nothing, or months trained ÷ months planned of the entitlement. */
    withdrawnMode: z._default(z.enum(['none', 'pro_rata']), 'none'),
    /** What is earned is at most this share of the training fee paid to the school; null: no cap. */
    feeCapBasisPoints: z._default(z.nullable(BasisPoints), null),
    /** The advance is a share of the first 12 months' standard (`first_year`) or of the whole entitlement. */
    advanceBasis: z._default(z.enum(['first_year', 'whole_period']), 'first_year'),
    /** Largest advance as a share of its basis, in basis points (5000 = 50%). */
    advanceShareBasisPoints: z._default(BasisPoints, 5000),
    /** A cohort longer than 12 months may claim after each completed training year. */
    interimClaims: z._default(Flag, true),
  },
  { error: typeMessage('field.not_object') },
);

/**
 * Employment verification (社保 check, domain.md): the grace after the contract's start, the
 * months before it a new hire must not have been insured by the enterprise, and the months
 * insured before each payment. Every field may be left out and takes the default written here.
 */
export const EmploymentRules = z.strictObject(
  {
    insuranceGraceDays: z._default(integer(0, 366), 30),
    newHireLookbackMonths: z._default(integer(0, 36), 6),
    insuredMonthsBeforePayment: z._default(integer(1, 36), 3),
  },
  { error: typeMessage('field.not_object') },
);

/**
 * The bureau's promised handling limits (承诺时限, domain.md), in working days of the policy's
 * calendar; each may be left out and takes the default written here.
 */
const workingDays = (fallback: number) => z._default(integer(1, 60), fallback);

export const HandlingLimits = z.strictObject(
  {
    /** The bureau's filing of a cohort (acceptance, 受理: Luohu 5). */
    acceptanceDays: workingDays(5),
    /** The bureau's review of a claim. */
    reviewDays: workingDays(10),
    /** A public objection, from its lodging (Shenzhen 5). */
    objectionDays: workingDays(5),
  },
  { error: typeMessage('field.not_object') },
);

export const PolicySchema = z
  .strictObject(
    {
      /** `<effectiveFrom>.<n>`, e.g. `2026-01-01.1`; a correction on the same day gets `.2`. */
      policyVersion: z
        .string({ error: typeMessage('field.not_text') })
        .check(z.trim(), z.regex(/^\d{4}-\d{2}-\d{2}\.[1-9]\d{0,3}$/, zodSays('policy.version_shape'))),
      effectiveFrom: IsoDate,
      /** Where the figures come from (a rule's document number, a city), for whoever loads or reads it. */
      source: z.optional(text(500)),
      standardsFen: StandardsByLevel,
      /**
       * The advance share as it was before `settlement` existed; kept so stored policies and older
       * clients read as before. When both are given they must agree; `settlement` is what counts.
       */
      advanceShareBasisPoints: z.optional(BasisPoints),
      settlement: z.optional(SettlementRules),
      employment: z.optional(EmploymentRules),
      publicNoticeWorkingDays: integer(1, 60),
      /** The bureau's handling limits in working days (issue 14); absent: the defaults. */
      handling: z.optional(HandlingLimits),
      stageTimeLimitDays: integer(1, 365),
      mentorMaxApprentices: integer(1, 200),
      cohortMinApprentices: integer(1, 10_000),
      cohortMaxApprentices: integer(1, 10_000),
      minPlannedHoursPerYear: integer(0, 8_760),
      minConcentratedHoursPerYear: integer(0, 8_760),
      /** Skill levels run 1 (highest) … 5 (lowest): a mentor's level must be <= this. */
      minMentorSkillLevel: integer(1, 5),
      /** The Labour Law forbids employing anyone under 16, so no policy may go lower. */
      minAgeYears: integer(16, 70),
      contractMinMonths: integer(1, 120),
      contractStartMaxDaysAfterCohortStart: integer(0, 366),
      trainingMonths: TrainingMonths,
      /** Days off that fall on weekdays, from the State Council's yearly notice (放假调休). */
      holidays: HolidayList,
      /** Weekend days the same notice makes working days (调休上班); optional. */
      makeUpWorkingDays: z.optional(HolidayList),
    },
    { error: typeMessage('field.not_object') },
  )
  .check(
    z.superRefine((policy, ctx) => {
      if (!policy.policyVersion.startsWith(`${policy.effectiveFrom}.`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policyVersion'],
          message: zodSays('policy.version_date'),
        });
      }
      for (const level of ['1', '2', '3', '4'] as const) {
        const standard = policy.standardsFen[level];
        if (standard && standard.shortage < standard.standard) {
          ctx.addIssue({
            code: 'custom',
            path: ['standardsFen', level, 'shortage'],
            message: zodSays('policy.shortage_below_standard'),
          });
        }
      }
      const share = policy.settlement?.advanceShareBasisPoints;
      if (
        policy.advanceShareBasisPoints !== undefined &&
        policy.settlement !== undefined &&
        share !== policy.advanceShareBasisPoints
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['settlement', 'advanceShareBasisPoints'],
          message: zodSays('policy.advance_share_conflict'),
        });
      }
      if (policy.cohortMaxApprentices < policy.cohortMinApprentices) {
        ctx.addIssue({
          code: 'custom',
          path: ['cohortMaxApprentices'],
          message: zodSays('policy.max_below_min_apprentices'),
        });
      }
      if (policy.minConcentratedHoursPerYear > policy.minPlannedHoursPerYear) {
        ctx.addIssue({
          code: 'custom',
          path: ['minConcentratedHoursPerYear'],
          message: zodSays('policy.concentrated_over_planned'),
        });
      }
      const { min, max, maxWithJustification } = policy.trainingMonths;
      if (max < min)
        ctx.addIssue({
          code: 'custom',
          path: ['trainingMonths', 'max'],
          message: zodSays('policy.max_months_below_min'),
        });
      if (maxWithJustification < max) {
        ctx.addIssue({
          code: 'custom',
          path: ['trainingMonths', 'maxWithJustification'],
          message: zodSays('policy.justified_months_below_max'),
        });
      }
    }),
  );

export type Policy = z.output<typeof PolicySchema>;
export type SubsidyStandard = z.output<typeof SubsidyStandard>;
export type SettlementRules = z.output<typeof SettlementRules>;
export type HandlingLimits = z.output<typeof HandlingLimits>;
