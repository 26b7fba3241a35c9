import { hasOutcome } from '../claim-money.ts';
import type { CohortRecord } from '../cohort.ts';
import { addDays, compareDates } from '../dates.ts';
import { Conflict } from '../errors.ts';
import type { CohortDeps } from '../ports.ts';
import { todayInChinaOf } from '../time.ts';

const SYSTEM = { system: 'cohort-completion' };

/**
 * The cohort the clock completes (domain.md: FILED → COMPLETED once the end date has passed and
 * every apprentice has an outcome), or undefined while it may not complete yet.
 */
export function completedByClock(cohort: CohortRecord, today: string, at: string): CohortRecord | undefined {
  if (cohort.status !== 'FILED') return undefined;
  if (compareDates(today, cohort.endDate) <= 0 || !cohort.apprentices.every(hasOutcome)) return undefined;
  return { ...cohort, status: 'COMPLETED', completedAt: at, version: cohort.version + 1, updatedAt: at };
}

/**
 * Scheduled (hourly on AWS, every few seconds in the embedded runtime): completes the filed cohorts
 * whose end date has passed and whose apprentices all have an outcome, so that their persons are
 * free for another cohort and their mentors' load is released even when the last outcome was
 * recorded before the end date. Idempotent: each completion is conditioned on the version read,
 * and a cohort completed meanwhile (or no longer FILED) only leaves the list.
 */
export async function completeDueCohorts(
  deps: Pick<CohortDeps, 'store' | 'clock'>,
  options: { limit?: number } = {},
): Promise<{ completed: number; waiting: number; cleared: number }> {
  const result = { completed: 0, waiting: 0, cleared: 0 };
  const now = deps.clock.now();
  const today = todayInChinaOf(now);
  let cursor: string | undefined;
  let budget = options.limit ?? 500;
  do {
    const page = await deps.store.dueForCompletion(addDays(today, -1), {
      limit: Math.min(100, budget),
      cursor,
    });
    budget -= page.items.length;
    for (const entry of page.items) {
      const cohort = await deps.store.get(entry.cohortId);
      if (cohort?.status !== 'FILED' || cohort.endDate !== entry.endDate) {
        await deps.store.clearCompletionDue(entry);
        result.cleared++;
        continue;
      }
      const completed = completedByClock(cohort, today, now.toISOString());
      if (!completed) {
        result.waiting++; // outcomes still missing: the outcome that completes it removes the entry
        continue;
      }
      try {
        await deps.store.save({
          cohort: completed,
          expectedVersion: cohort.version,
          audit: {
            action: 'cohort.completed',
            actor: SYSTEM,
            from: 'FILED',
            to: 'COMPLETED',
            reason: `the end date ${cohort.endDate} has passed and every apprentice has an outcome`,
          },
          completionDue: { endDate: cohort.endDate, due: false },
        });
        result.completed++;
      } catch (error) {
        // Changed meanwhile (an outcome, a withdrawal): the next run reads it again.
        if (!(error instanceof Conflict)) throw error;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor && budget > 0);
  return result;
}
