/**
 * The cohort rules that need the policy, the occupation catalogue or several fields at once
 * (domain.md, "Cohort" and "Apprentice"). Applied at creation, at every edit and at submission,
 * after the body passed its schema. Paths are relative to the cohort body
 * (`apprentices.3.contract.startDate`); "row N" in a message means the same index as the path.
 *
 * Checked elsewhere: one mentor's load across active cohorts, one person in one active cohort,
 * and earlier subsidies for the same occupation — those need the database.
 */

import { addDays, addMonths, ageOn, compareDates, isRealDate, monthsInPeriod } from './dates.ts';
import { type Said, says } from './error-codes.ts';
import { type FieldError, fieldError } from './errors.ts';
import { checkResidentId } from './identifiers.ts';
import type { Occupation } from './occupations.ts';
import {
  isTargetLevel,
  noStandard,
  notATargetLevel,
  type Policy,
  skillLevelName,
  subsidyStandardFor,
} from './policy.ts';

export interface ContractForRules {
  startDate: string;
  /** Inclusive last day; null or absent for an open-ended contract. */
  endDate?: string | null;
  openEnded?: boolean;
}

/**
 * An apprentice row as the rules need it: either as submitted (`idNumber`), or as stored, where
 * the full ID number is encrypted and the row carries the birth date read from it and the keyed
 * hash of the ID number (equal for the same person under one suite) and, on rows written since
 * look-ups are kept under every suite, all of its hashes: two rows are one person when any hash
 * is shared, so a row added after a switch of suite still meets its earlier twin. Use one form
 * for all rows of a call.
 */
export type ApprenticeForRules = { enterpriseMentorKey: string; contract: ContractForRules } & (
  | { idNumber: string }
  | { birthDate: string; idHash: string; idHashes?: string[] | undefined }
);

export interface CohortForRules {
  occupationCode: string;
  /** 1–4; stored records may type it as a plain number, so it is checked again here. */
  targetLevel: number;
  startDate: string;
  /** Inclusive last day of training. */
  endDate: string;
  trainingJustification?: string | null;
  plannedHours: { total: number; concentrated: number };
  enterpriseMentors: readonly { key: string; employeeNo?: string; skillLevel: number }[];
  apprentices: readonly ApprenticeForRules[];
}

export interface CohortRulesContext {
  policy: Policy;
  /** The catalogue entry of `occupationCode`; undefined when the catalogue has no such code. */
  occupation?: Occupation | undefined;
  /** Today in China (`YYYY-MM-DD`). */
  today: string;
  /** Adds the rules that apply only when the clerk submits (apprentice count, subsidy standard). */
  forSubmission: boolean;
}

export function isOpenEndedContract(contract: ContractForRules): boolean {
  return contract.openEnded === true || typeof contract.endDate !== 'string';
}

/** Integer ceiling of a / b for non-negative integers. */
function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** Hours the policy requires for a training period of `months` whole months (pro rata). */
export function requiredHours(perYear: number, months: number): number {
  return ceilDiv(perYear * months, 12);
}

export function checkCohortRules(cohort: CohortForRules, ctx: CohortRulesContext): FieldError[] {
  const { policy } = ctx;
  const errors: FieldError[] = [];
  const add = (path: string, said: Said) => errors.push(fieldError(path, said));
  const realDate = (path: string, value: string) => {
    if (isRealDate(value)) return true;
    add(path, says('date.not_real'));
    return false;
  };

  if (!ctx.occupation) add('occupationCode', says('occupation.unknown'));
  if (!isTargetLevel(cohort.targetLevel)) add('targetLevel', notATargetLevel(cohort.targetLevel));
  else if (ctx.forSubmission && !subsidyStandardFor(policy, cohort.targetLevel)) {
    add('targetLevel', noStandard(cohort.targetLevel));
  }

  // Training period and planned hours.
  const startOk = realDate('startDate', cohort.startDate);
  const endOk = realDate('endDate', cohort.endDate);
  const periodOk = startOk && endOk && compareDates(cohort.endDate, cohort.startDate) > 0;
  if (startOk && endOk && !periodOk) add('endDate', says('period.end_before_start'));
  const { total, concentrated } = cohort.plannedHours;
  if (concentrated > total) add('plannedHours.concentrated', says('hours.concentrated_over_total'));
  if (periodOk) {
    const { min, max, maxWithJustification } = policy.trainingMonths;
    const endExclusive = addDays(cohort.endDate, 1);
    const months = monthsInPeriod(cohort.startDate, cohort.endDate);
    if (compareDates(endExclusive, addMonths(cohort.startDate, min)) < 0) {
      add('endDate', says('period.too_short', { min, months }));
    } else if (compareDates(endExclusive, addMonths(cohort.startDate, maxWithJustification)) > 0) {
      add('endDate', says('period.too_long', { max: maxWithJustification }));
    } else if (
      compareDates(endExclusive, addMonths(cohort.startDate, max)) > 0 &&
      !cohort.trainingJustification?.trim()
    ) {
      add('trainingJustification', says('period.justification_required', { max }));
    }

    const needTotal = requiredHours(policy.minPlannedHoursPerYear, months);
    if (total < needTotal) {
      add(
        'plannedHours.total',
        says('hours.too_few', { hours: needTotal, months, perYear: policy.minPlannedHoursPerYear }),
      );
    }
    const needConcentrated = requiredHours(policy.minConcentratedHoursPerYear, months);
    if (concentrated <= total && concentrated < needConcentrated) {
      add(
        'plannedHours.concentrated',
        says('hours.too_few_concentrated', {
          hours: needConcentrated,
          months,
          perYear: policy.minConcentratedHoursPerYear,
        }),
      );
    }
    if (ctx.forSubmission && isRealDate(ctx.today) && compareDates(cohort.endDate, ctx.today) < 0) {
      add('endDate', says('period.already_ended'));
    }
  }

  // Enterprise mentors.
  const mentorRow = new Map<string, number>();
  const employeeRow = new Map<string, number>();
  cohort.enterpriseMentors.forEach((mentor, row) => {
    const path = `enterpriseMentors.${row}`;
    const earlierKey = mentorRow.get(mentor.key);
    if (earlierKey !== undefined) add(`${path}.key`, says('row.key_repeated', { row: earlierKey }));
    else mentorRow.set(mentor.key, row);
    if (mentor.employeeNo !== undefined) {
      const earlierEmployee = employeeRow.get(mentor.employeeNo);
      if (earlierEmployee !== undefined) {
        add(`${path}.employeeNo`, says('mentor.employee_repeated', { row: earlierEmployee }));
      } else employeeRow.set(mentor.employeeNo, row);
    }
    if (mentor.skillLevel > policy.minMentorSkillLevel) {
      const level = policy.minMentorSkillLevel;
      add(`${path}.skillLevel`, says('mentor.skill_too_low', { level, levelName: skillLevelName(level) }));
    }
  });

  // Apprentices.
  if (ctx.forSubmission) {
    const count = cohort.apprentices.length;
    if (count < policy.cohortMinApprentices) {
      const min = policy.cohortMinApprentices;
      add(
        'apprentices',
        min === 1 ? says('cohort.needs_an_apprentice') : says('cohort.too_few_apprentices', { min }),
      );
    } else if (count > policy.cohortMaxApprentices) {
      add('apprentices', says('cohort.too_many_apprentices', { max: policy.cohortMaxApprentices }));
    }
  }
  const load = new Map<string, number>();
  const personRow = new Map<string, number>();
  const contractDeadline = startOk
    ? addDays(cohort.startDate, policy.contractStartMaxDaysAfterCohortStart)
    : undefined;
  cohort.apprentices.forEach((apprentice, row) => {
    const path = `apprentices.${row}`;

    let birthDate: string | undefined;
    let personKeys: string[];
    if ('idNumber' in apprentice) {
      personKeys = [apprentice.idNumber];
      const check = checkResidentId(apprentice.idNumber);
      if (check.ok) birthDate = check.birthDate;
      else add(`${path}.idNumber`, check);
    } else {
      personKeys = apprentice.idHashes ?? [apprentice.idHash];
      if (isRealDate(apprentice.birthDate)) birthDate = apprentice.birthDate;
    }
    const earlierPerson = personKeys.map((key) => personRow.get(key)).find((found) => found !== undefined);
    if (earlierPerson !== undefined)
      add(`${path}.idNumber`, says('apprentice.person_repeated', { row: earlierPerson }));
    else for (const key of personKeys) personRow.set(key, row);
    if (birthDate && startOk && ageOn(birthDate, cohort.startDate) < policy.minAgeYears) {
      add(`${path}.idNumber`, says('apprentice.too_young', { years: policy.minAgeYears }));
    }

    const mentorKey = apprentice.enterpriseMentorKey;
    if (!mentorRow.has(mentorKey)) {
      add(`${path}.enterpriseMentorKey`, says('mentor.no_such_key', { key: mentorKey }));
    } else {
      const taken = (load.get(mentorKey) ?? 0) + 1;
      load.set(mentorKey, taken);
      if (taken > policy.mentorMaxApprentices) {
        add(
          `${path}.enterpriseMentorKey`,
          says('mentor.cohort_load_exceeded', { key: mentorKey, max: policy.mentorMaxApprentices }),
        );
      }
    }

    const { contract } = apprentice;
    if (!realDate(`${path}.contract.startDate`, contract.startDate)) return;
    if (contractDeadline && compareDates(contract.startDate, contractDeadline) > 0) {
      add(
        `${path}.contract.startDate`,
        says('contract.starts_too_late', {
          days: policy.contractStartMaxDaysAfterCohortStart,
          by: contractDeadline,
        }),
      );
    }
    if (!isOpenEndedContract(contract) && typeof contract.endDate === 'string') {
      if (!realDate(`${path}.contract.endDate`, contract.endDate)) return;
      if (compareDates(contract.endDate, contract.startDate) <= 0) {
        add(`${path}.contract.endDate`, says('contract.end_before_start'));
      } else if (
        compareDates(addDays(contract.endDate, 1), addMonths(contract.startDate, policy.contractMinMonths)) <
        0
      ) {
        add(`${path}.contract.endDate`, says('contract.too_short', { months: policy.contractMinMonths }));
      }
    }
  });

  return errors;
}
