import { type ApprenticeRecord, type CohortRecord, personHashes } from '../cohort.ts';
import {
  type CheckResult,
  employmentRules,
  filingChecks,
  type InsuredMonths,
  overrideHolds,
  paymentCheck,
} from '../employment.ts';
import type { EmploymentChecks, EmploymentGuard } from '../employment-ports.ts';
import { says } from '../error-codes.ts';
import { Conflict, fieldError } from '../errors.ts';
import type { Clock, ReferenceData } from '../ports.ts';
import { todayInChinaOf } from '../time.ts';

export interface EmploymentCheckDeps {
  employment?: EmploymentChecks | undefined;
  reference: Pick<ReferenceData, 'policyInForce'>;
  clock: Clock;
  newId?: (() => string) | undefined;
}

/**
 * The employment check (社保 check) of a decision: at the bureau's filing (`BUREAU_REVIEW`) and
 * before each payment's release (`PAYMENT`), every apprentice of the cohort checked against the
 * contribution months of the imports in force. A district that never imported a file has no
 * register yet: nothing is checked there (and the decision's transaction holds that it still has
 * none). A failed result lets the decision through only under a confirmed, unexpired override of
 * this case; otherwise the run is recorded and the decision refused with 409 naming each row and
 * its months. A passing run is returned as the guard the decision's transaction writes and holds.
 */
export async function checkEmployment(
  deps: EmploymentCheckDeps,
  input: {
    stage: 'BUREAU_REVIEW' | 'PAYMENT';
    caseId: string;
    cohort: CohortRecord;
    at: string;
    /** The decided case as it was read (named in the refusal). */
    current: { status: string; version: number };
  },
): Promise<EmploymentGuard> {
  // Fail closed: a decision wired without the register is not taken unchecked.
  if (!deps.employment || !deps.newId) throw new Error('employment checks are not wired into this decision');
  const { employment, newId } = deps;
  const { cohort, stage, caseId, at } = input;
  const today = todayInChinaOf(new Date(at));
  const state = await employment.register(cohort.districtCode, cohort.enterpriseId);
  const guard: EmploymentGuard = {
    districtCode: cohort.districtCode,
    enterpriseId: cohort.enterpriseId,
    state,
    overrideIds: [],
    today,
  };
  if (!state.active) return guard;
  const rules = employmentRules(await deps.reference.policyInForce(today));
  const inForce = state.pointer?.months ?? {};
  const checked = cohort.apprentices.flatMap((apprentice, row) =>
    stage === 'BUREAU_REVIEW' && apprentice.status === 'withdrawn' ? [] : [{ apprentice, row }],
  );
  const draftsOf = (months: (apprentice: ApprenticeRecord) => InsuredMonths) =>
    checked.flatMap(({ apprentice, row }) =>
      stage === 'BUREAU_REVIEW'
        ? filingChecks(apprentice, row, months(apprentice), rules)
        : [paymentCheck(apprentice, row, months(apprentice), rules, today)],
    );
  // The windows first (they do not depend on the records), then one read of those months.
  const none: InsuredMonths = new Map();
  const needed = [...new Set(draftsOf(() => none).flatMap((draft) => draft.checkedMonths))];
  const people = await employment.insuredMonths(cohort.districtCode, cohort.enterpriseId, inForce, needed);
  const drafts = draftsOf(
    (apprentice) =>
      personHashes(apprentice)
        .map((idHash) => people.get(idHash))
        .find(Boolean) ?? none,
  );
  const overrides = drafts.some((draft) => draft.result === 'fail')
    ? await employment.overridesOf(cohort.districtCode, caseId)
    : [];
  const results: CheckResult[] = drafts.map((draft) => ({
    checkId: newId(),
    at,
    stage,
    caseId,
    ...draft,
    overrideId:
      draft.result === 'fail'
        ? (overrides.find((override) => overrideHolds(override, caseId, draft.apprenticeId, today))
            ?.overrideId ?? null)
        : null,
  }));
  const run = { runId: newId(), cohortId: cohort.cohortId, at, results };
  const refused = results.filter((result) => result.result === 'fail' && !result.overrideId);
  if (refused.length > 0) {
    await employment.recordRun(run);
    throw new Conflict(
      says('employment.check_failed', { count: new Set(refused.map((r) => r.apprenticeId)).size }),
      input.current,
      refused.map((result) =>
        fieldError(
          `apprentices.${result.row}.employment`,
          says(
            result.rule === 'not_insured_before' ? 'employment.insured_before' : 'employment.not_insured',
            {
              enterpriseId: cohort.enterpriseId,
              months: result.months.join(', '),
            },
          ),
        ),
      ),
    );
  }
  const used = new Set(results.flatMap((result) => (result.overrideId ? [result.overrideId] : [])));
  return { ...guard, overrideIds: [...used], run };
}
