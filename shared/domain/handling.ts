/**
 * The bureau's handling limits (承诺时限, domain.md "The bureau's handling limits"): a bureau stage is
 * due by the end of its N-th working day of the policy's calendar (weekends, listed holidays and
 * make-up working days, the calendar the public notice runs on), counted from the day it reaches the
 * bureau; past that it is OVERDUE and escalated, never returned. The payment is due by the end of
 * the month after the notice ends.
 */
import { addDays, addWorkingDays, daysInMonth } from './dates.ts';
import { handlingLimits, type Policy } from './policy.ts';
import { todayInChinaOf } from './time.ts';

/** The instant a China calendar day ends (midnight China time after it). */
export function endOfChinaDay(day: string): string {
  return new Date(`${addDays(day, 1)}T00:00:00+08:00`).toISOString();
}

/** The last day and the end instant of `days` working days counted after the day of `now`. */
export function workingDaysDue(
  now: Date,
  days: number,
  policy: Pick<Policy, 'holidays' | 'makeUpWorkingDays'>,
): { lastDay: string; dueAt: string } {
  const lastDay = addWorkingDays(todayInChinaOf(now), days, policy.holidays, policy.makeUpWorkingDays ?? []);
  return { lastDay, dueAt: endOfChinaDay(lastDay) };
}

/** Which handling limit a waiting stage keeps; undefined for the stages that are not the bureau's. */
export function handlingDaysOf(
  policy: Policy,
  stage: string,
  workflow: 'cohort-filing' | 'subsidy-claim',
): number | undefined {
  const limits = handlingLimits(policy);
  if (stage === 'PUBLIC_OBJECTION') return limits.objectionDays;
  if (stage !== 'BUREAU_REVIEW') return undefined;
  // Filing a cohort is the bureau's acceptance (受理); a claim's review is its review (审核).
  return workflow === 'cohort-filing' ? limits.acceptanceDays : limits.reviewDays;
}

/** Payment is due by the end of the month after the notice's last day (an advance: after its approval). */
export function paymentDueOn(lastDay: string): string {
  const year = Number(lastDay.slice(0, 4));
  const month = Number(lastDay.slice(5, 7));
  const dueYear = month === 12 ? year + 1 : year;
  const dueMonth = month === 12 ? 1 : month + 1;
  return `${String(dueYear).padStart(4, '0')}-${String(dueMonth).padStart(2, '0')}-${String(daysInMonth(dueYear, dueMonth)).padStart(2, '0')}`;
}

/**
 * Step `plan-handling-limit`, before a bureau stage's wait: the seconds until the stage's handling
 * limit ends (its working days from today under the policy in force), which the wait takes as its
 * time limit — when it runs out the stage is marked OVERDUE, never returned.
 */
export async function planHandlingLimit(
  deps: { reference: { policyInForce(date: string): Promise<Policy> }; clock: { now(): Date } },
  input: { workflow: 'cohort-filing' | 'subsidy-claim'; stage: string },
): Promise<number> {
  const now = deps.clock.now();
  const policy = await deps.reference.policyInForce(todayInChinaOf(now));
  const days = handlingDaysOf(policy, input.stage, input.workflow) ?? policy.stageTimeLimitDays;
  const { dueAt } = workingDaysDue(now, days, policy);
  return Math.max(1, Math.ceil((Date.parse(dueAt) - now.getTime()) / 1000));
}

/** When a bureau stage opened now is due: the end of its handling limit's last working day. */
export async function bureauDueAt(
  deps: { reference: { policyInForce(date: string): Promise<Policy> } },
  workflow: 'cohort-filing' | 'subsidy-claim',
  stage: string,
  now: Date,
): Promise<string | undefined> {
  if (stage !== 'BUREAU_REVIEW') return undefined;
  const policy = await deps.reference.policyInForce(todayInChinaOf(now));
  return workingDaysDue(now, handlingDaysOf(policy, stage, workflow)!, policy).dueAt;
}
