/**
 * Policy values: every number of domain.md lives in a versioned record a bureau administrator can
 * change with an effective date, never in code. `DEFAULT_POLICY` is what the system seeds.
 */

import type { HandlingLimits, Policy, SettlementRules, SubsidyStandard } from '../schemas/policy.ts';
import { compareDates } from './dates.ts';
import { type Said, says } from './error-codes.ts';

export type { HandlingLimits, Policy, SettlementRules, SubsidyStandard } from '../schemas/policy.ts';

/** Target levels of a new-type apprenticeship: 4 中级工 … 1 高级技师 (5 初级工 is not a target). */
export type TargetLevel = 1 | 2 | 3 | 4;
/** Skill levels of the national vocational skill standards: 1 is the highest, 5 the lowest. */
export type SkillLevel = 1 | 2 | 3 | 4 | 5;

export const SKILL_LEVEL_NAMES: Readonly<Record<SkillLevel, string>> = {
  1: '高级技师',
  2: '技师',
  3: '高级工',
  4: '中级工',
  5: '初级工',
};

export function isTargetLevel(level: number): level is TargetLevel {
  return level === 1 || level === 2 || level === 3 || level === 4;
}

/** `二级/技师` style name of a skill level, for messages. */
export function skillLevelName(level: number): string {
  const name = SKILL_LEVEL_NAMES[level as SkillLevel];
  return name === undefined ? `level ${level}` : name;
}

/**
 * The standard (fen per apprentice per training year) for a target level, or undefined if none is
 * set (or the level is not a target level at all).
 */
export function subsidyStandardFor(policy: Policy, level: number): SubsidyStandard | undefined {
  return isTargetLevel(level) ? policy.standardsFen[String(level) as '1' | '2' | '3' | '4'] : undefined;
}

export function noStandard(level: number): Said {
  return says('level.no_standard', { level, levelName: skillLevelName(level) });
}

/** Message for a target level outside 1–4 (the schemas give the same). */
export function notATargetLevel(level: number): Said {
  return says(level === 5 ? 'level.entry_not_target' : 'level.not_target');
}

/**
 * 2026 follows the State Council General Office's notice of 2025-11-04 (关于2026年部分节假日安排的通知). 2027 and 2028 are not
 * yet announced: they list the statutory days (全国年节及纪念日放假办法 as revised in 2024, with
 * lunar dates for Beijing) plus the weekday that replaces a statutory day falling on a weekend.
 * An administrator replaces them with the official arrangement each November. Weekend days inside
 * a break are listed too, so each break reads as one block.
 */
// biome-ignore format: one line per break reads like the State Council notice
const HOLIDAYS_2026 = [
  '2026-01-01', '2026-01-02', '2026-01-03', // 元旦
  '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23', // 春节
  '2026-04-04', '2026-04-05', '2026-04-06', // 清明节
  '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05', // 劳动节
  '2026-06-19', '2026-06-20', '2026-06-21', // 端午节
  '2026-09-25', '2026-09-26', '2026-09-27', // 中秋节
  '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', // 国庆节
];
const MAKE_UP_WORKING_DAYS_2026 = [
  '2026-01-04',
  '2026-02-14',
  '2026-02-28',
  '2026-05-09',
  '2026-09-20',
  '2026-10-10',
];

// biome-ignore format: one line per break reads like the State Council notice
const HOLIDAYS_2027 = [
  '2027-01-01', // 元旦 (Friday)
  '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', // 春节: 除夕 2-05 … 初三 2-08, + 2 for the weekend
  '2027-04-05', // 清明节
  '2027-05-01', '2027-05-02', '2027-05-03', '2027-05-04', // 劳动节 on a weekend, replaced Mon–Tue
  '2027-06-09', // 端午节
  '2027-09-15', // 中秋节
  '2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05', // 国庆节, 2 days on a weekend
];

// biome-ignore format: one line per break reads like the State Council notice
const HOLIDAYS_2028 = [
  '2028-01-01', '2028-01-02', '2028-01-03', // 元旦 on Saturday, replaced Monday
  '2028-01-25', '2028-01-26', '2028-01-27', '2028-01-28', // 春节: 除夕 1-25 … 初三 1-28
  '2028-04-04', // 清明节
  '2028-05-01', '2028-05-02', // 劳动节
  '2028-05-28', '2028-05-29', // 端午节 on Sunday, replaced Monday
  '2028-10-01', '2028-10-02', '2028-10-03', '2028-10-04', '2028-10-05', // 国庆节 with 中秋节 on 10-03
];

/**
 * Seeded from domain.md: Beijing's published 2019 standards (中级工 ¥5,000 and 高级工 ¥6,000 a
 * year; shortage occupations ¥7,000 and ¥8,000), none for 技师 and 高级技师, advances of at most
 * 50%, and the limits of 人社部发〔2021〕39号.
 */
// Built in a pure function call, so that a bundle which never reads it (every function: only the
// seed does) leaves it and its holiday lists out.
export const DEFAULT_POLICY: Policy = /* @__PURE__ */ (() =>
  deepFreeze<Policy>({
    policyVersion: '2026-01-01.1',
    effectiveFrom: '2026-01-01',
    source:
      'Seeded default: Beijing 京人社能发〔2019〕128号 standards (since superseded by 〔2022〕11号 and 〔2024〕15号, amounts not known to the seed); settlement rules as domain.md defaults. Replace with the rule in force.',
    standardsFen: {
      '4': { standard: 500_000, shortage: 700_000 },
      '3': { standard: 600_000, shortage: 800_000 },
    },
    advanceShareBasisPoints: 5000,
    settlement: {
      completedRate: 0,
      withdrawnMode: 'none',
      feeCapBasisPoints: null,
      advanceBasis: 'first_year',
      advanceShareBasisPoints: 5000,
      interimClaims: true,
    },
    publicNoticeWorkingDays: 5,
    handling: { acceptanceDays: 5, reviewDays: 10, objectionDays: 5 },
    stageTimeLimitDays: 14,
    mentorMaxApprentices: 8,
    cohortMinApprentices: 1,
    cohortMaxApprentices: 200,
    minPlannedHoursPerYear: 600,
    minConcentratedHoursPerYear: 160,
    minMentorSkillLevel: 3,
    minAgeYears: 16,
    contractMinMonths: 12,
    contractStartMaxDaysAfterCohortStart: 30,
    trainingMonths: { min: 12, max: 24, maxWithJustification: 36 },
    holidays: [...HOLIDAYS_2026, ...HOLIDAYS_2027, ...HOLIDAYS_2028],
    makeUpWorkingDays: MAKE_UP_WORKING_DAYS_2026,
  }))();

/** domain.md's defaults of the settlement formula. */
const SETTLEMENT_DEFAULTS: SettlementRules = Object.freeze({
  completedRate: 0,
  withdrawnMode: 'none',
  feeCapBasisPoints: null,
  advanceBasis: 'first_year',
  advanceShareBasisPoints: 5000,
  interimClaims: true,
});

/**
 * The settlement rules of a policy. A policy stored before the `settlement` block existed reads
 * as domain.md's defaults, with the advance share it had at its top level (the one rule of the
 * advance it could state).
 */
export function settlementRules(policy: Policy): SettlementRules {
  const share = policy.advanceShareBasisPoints ?? SETTLEMENT_DEFAULTS.advanceShareBasisPoints;
  return { ...SETTLEMENT_DEFAULTS, advanceShareBasisPoints: share, ...policy.settlement };
}

/** domain.md's defaults of the bureau's handling limits (working days). */
const HANDLING_DEFAULTS: HandlingLimits = Object.freeze({
  acceptanceDays: 5,
  reviewDays: 10,
  objectionDays: 5,
});

/** The handling limits of a policy; one stored before the `handling` block existed reads as the defaults. */
export function handlingLimits(policy: Policy): HandlingLimits {
  return { ...HANDLING_DEFAULTS, ...policy.handling };
}

/** The policy with its settlement block written out and the top-level share mirroring it (as stored and shown). */
export function withSettlement(policy: Policy): Policy {
  const settlement = settlementRules(policy);
  return { ...policy, advanceShareBasisPoints: settlement.advanceShareBasisPoints, settlement };
}

/** Seed data is shared by every caller; freezing it turns an accidental edit into an error. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function versionSequence(policyVersion: string): number {
  const sequence = Number(policyVersion.slice(policyVersion.lastIndexOf('.') + 1));
  return Number.isSafeInteger(sequence) ? sequence : 0;
}

/** Orders policies by effective date, then by the sequence number of their version. */
export function comparePolicies(a: Policy, b: Policy): number {
  return (
    compareDates(a.effectiveFrom, b.effectiveFrom) ||
    versionSequence(a.policyVersion) - versionSequence(b.policyVersion)
  );
}

/**
 * The policy in force on `onDate`: the latest `effectiveFrom` on or before it (the highest version
 * of that day if it was corrected). Undefined if none had taken effect yet.
 */
export function policyInForce(policies: readonly Policy[], onDate: string): Policy | undefined {
  let best: Policy | undefined;
  for (const policy of policies) {
    if (compareDates(policy.effectiveFrom, onDate) > 0) continue;
    if (!best || comparePolicies(policy, best) > 0) best = policy;
  }
  return best;
}
