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
import type { FieldError } from './errors.ts';
import { checkResidentId } from './identifiers.ts';
import type { Occupation } from './occupations.ts';
import {
  isTargetLevel,
  noStandardMessage,
  notATargetLevelMessage,
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
 * hash of the ID number (equal for the same person). Use one form for all rows of a call.
 */
export type ApprenticeForRules = { enterpriseMentorKey: string; contract: ContractForRules } & (
  | { idNumber: string }
  | { birthDate: string; idHash: string }
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
  const add = (path: string, message: string) => errors.push({ path, message });
  const realDate = (path: string, value: string) => {
    if (isRealDate(value)) return true;
    add(path, 'must be a real date in the form YYYY-MM-DD');
    return false;
  };

  if (!ctx.occupation) add('occupationCode', 'unknown occupation code');
  if (!isTargetLevel(cohort.targetLevel)) add('targetLevel', notATargetLevelMessage(cohort.targetLevel));
  else if (ctx.forSubmission && !subsidyStandardFor(policy, cohort.targetLevel)) {
    add('targetLevel', noStandardMessage(cohort.targetLevel));
  }

  // Training period and planned hours.
  const startOk = realDate('startDate', cohort.startDate);
  const endOk = realDate('endDate', cohort.endDate);
  const periodOk = startOk && endOk && compareDates(cohort.endDate, cohort.startDate) > 0;
  if (startOk && endOk && !periodOk) add('endDate', 'must be after the start date');
  const { total, concentrated } = cohort.plannedHours;
  if (concentrated > total) add('plannedHours.concentrated', 'cannot exceed the total planned hours');
  if (periodOk) {
    const { min, max, maxWithJustification } = policy.trainingMonths;
    const endExclusive = addDays(cohort.endDate, 1);
    const months = monthsInPeriod(cohort.startDate, cohort.endDate);
    if (compareDates(endExclusive, addMonths(cohort.startDate, min)) < 0) {
      add('endDate', `the training period must be at least ${min} months (it is ${months})`);
    } else if (compareDates(endExclusive, addMonths(cohort.startDate, maxWithJustification)) > 0) {
      add('endDate', `the training period may not exceed ${maxWithJustification} months`);
    } else if (
      compareDates(endExclusive, addMonths(cohort.startDate, max)) > 0 &&
      !cohort.trainingJustification?.trim()
    ) {
      add(
        'trainingJustification',
        `a training period longer than ${max} months needs a written justification`,
      );
    }

    const needTotal = requiredHours(policy.minPlannedHoursPerYear, months);
    if (total < needTotal) {
      add(
        'plannedHours.total',
        `at least ${needTotal} hours are required for ${months} months of training (${policy.minPlannedHoursPerYear} a year)`,
      );
    }
    const needConcentrated = requiredHours(policy.minConcentratedHoursPerYear, months);
    if (concentrated <= total && concentrated < needConcentrated) {
      add(
        'plannedHours.concentrated',
        `at least ${needConcentrated} hours of concentrated teaching are required for ${months} months of training (${policy.minConcentratedHoursPerYear} a year)`,
      );
    }
    if (ctx.forSubmission && isRealDate(ctx.today) && compareDates(cohort.endDate, ctx.today) < 0) {
      add('endDate', 'the training period has already ended; a finished training period cannot be filed');
    }
  }

  // Enterprise mentors.
  const mentorRow = new Map<string, number>();
  const employeeRow = new Map<string, number>();
  cohort.enterpriseMentors.forEach((mentor, row) => {
    const path = `enterpriseMentors.${row}`;
    const earlierKey = mentorRow.get(mentor.key);
    if (earlierKey !== undefined) add(`${path}.key`, `the same key is already used at row ${earlierKey}`);
    else mentorRow.set(mentor.key, row);
    if (mentor.employeeNo !== undefined) {
      const earlierEmployee = employeeRow.get(mentor.employeeNo);
      if (earlierEmployee !== undefined) {
        add(`${path}.employeeNo`, `the same employee is already a mentor at row ${earlierEmployee}`);
      } else employeeRow.set(mentor.employeeNo, row);
    }
    if (mentor.skillLevel > policy.minMentorSkillLevel) {
      const level = policy.minMentorSkillLevel;
      add(
        `${path}.skillLevel`,
        `an enterprise mentor must hold level ${level} (${skillLevelName(level)}) or higher (1 is the highest)`,
      );
    }
  });

  // Apprentices.
  if (ctx.forSubmission) {
    const count = cohort.apprentices.length;
    if (count < policy.cohortMinApprentices) {
      add(
        'apprentices',
        `a cohort needs at least ${policy.cohortMinApprentices} apprentice${policy.cohortMinApprentices === 1 ? '' : 's'} before submission`,
      );
    } else if (count > policy.cohortMaxApprentices) {
      add('apprentices', `a cohort may have at most ${policy.cohortMaxApprentices} apprentices`);
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
    let personKey: string;
    if ('idNumber' in apprentice) {
      personKey = apprentice.idNumber;
      const check = checkResidentId(apprentice.idNumber);
      if (check.ok) birthDate = check.birthDate;
      else add(`${path}.idNumber`, check.message);
    } else {
      personKey = apprentice.idHash;
      if (isRealDate(apprentice.birthDate)) birthDate = apprentice.birthDate;
    }
    const earlierPerson = personRow.get(personKey);
    if (earlierPerson !== undefined)
      add(`${path}.idNumber`, `the same person is already in this cohort at row ${earlierPerson}`);
    else personRow.set(personKey, row);
    if (birthDate && startOk && ageOn(birthDate, cohort.startDate) < policy.minAgeYears) {
      add(
        `${path}.idNumber`,
        `the apprentice must be at least ${policy.minAgeYears} years old on the cohort start date`,
      );
    }

    const mentorKey = apprentice.enterpriseMentorKey;
    if (!mentorRow.has(mentorKey)) {
      add(`${path}.enterpriseMentorKey`, `no enterprise mentor with key ${mentorKey} in this cohort`);
    } else {
      const taken = (load.get(mentorKey) ?? 0) + 1;
      load.set(mentorKey, taken);
      if (taken > policy.mentorMaxApprentices) {
        add(
          `${path}.enterpriseMentorKey`,
          `enterprise mentor ${mentorKey} already has ${policy.mentorMaxApprentices} apprentices in this cohort (the most one mentor may take)`,
        );
      }
    }

    const { contract } = apprentice;
    if (!realDate(`${path}.contract.startDate`, contract.startDate)) return;
    if (contractDeadline && compareDates(contract.startDate, contractDeadline) > 0) {
      add(
        `${path}.contract.startDate`,
        `the labour contract must start no later than ${policy.contractStartMaxDaysAfterCohortStart} days after the cohort starts (by ${contractDeadline})`,
      );
    }
    if (!isOpenEndedContract(contract) && typeof contract.endDate === 'string') {
      if (!realDate(`${path}.contract.endDate`, contract.endDate)) return;
      if (compareDates(contract.endDate, contract.startDate) <= 0) {
        add(`${path}.contract.endDate`, 'must be after the contract start date');
      } else if (
        compareDates(addDays(contract.endDate, 1), addMonths(contract.startDate, policy.contractMinMonths)) <
        0
      ) {
        add(
          `${path}.contract.endDate`,
          `the labour contract must last at least ${policy.contractMinMonths} months, or be open-ended`,
        );
      }
    }
  });

  return errors;
}
