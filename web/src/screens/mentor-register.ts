/**
 * The organisation's mentors, kept from its cohorts (the API has no mentor register of its own):
 * every enterprise mentor (by employee number) or school mentor (by teacher number) the party's
 * cohorts name, with the apprentices each takes across the cohorts still active — as the API
 * counts a mentor's load (domain.md: at most `mentorMaxApprentices` across active cohorts; cohorts
 * REJECTED, WITHDRAWN or COMPLETED no longer count). Read once per screen: one page of the list,
 * then each cohort. The server change that would replace this: `GET /organisations/{orgId}/mentors`.
 */
import { useApp } from '../context.ts';
import { useLoad } from '../ui.tsx';
import type { CohortSummary, CohortView } from './cohort-parts.tsx';
import { inBatches } from './inbox.tsx';

const NOT_COUNTED = ['REJECTED', 'WITHDRAWN', 'COMPLETED'];

export interface RegisteredMentor {
  /** Employee number (enterprise) or teacher number (school): who the mentor is across cohorts. */
  number: string;
  name: string;
  skillLevel?: number;
  /** Apprentices taken in the other active cohorts. */
  load: number;
}

export function useMentorRegister(side: 'enterprise' | 'school', exceptCohortId?: string) {
  const { api } = useApp();
  return useLoad(async () => {
    const cohorts = (await api.all<CohortSummary>('/cohorts')).filter(
      (cohort) => cohort.cohortId !== exceptCohortId,
    );
    const views = await inBatches(
      cohorts,
      4,
      (cohort) => api.get<CohortView>(`/cohorts/${cohort.cohortId}`).catch(() => undefined),
      () => undefined,
    );
    const register = new Map<string, RegisteredMentor>();
    for (const cohort of views) {
      if (!cohort) continue;
      const counted = !NOT_COUNTED.includes(cohort.status);
      const mentors =
        side === 'school'
          ? cohort.schoolMentors.map((mentor) => ({
              key: mentor.key,
              number: mentor.teacherNo,
              name: mentor.name,
            }))
          : cohort.enterpriseMentors.map((mentor) => ({
              key: mentor.key,
              number: mentor.employeeNo,
              name: mentor.name,
              skillLevel: mentor.skillLevel,
            }));
      for (const mentor of mentors) {
        const entry = register.get(mentor.number) ?? { ...mentor, load: 0 };
        if (counted)
          entry.load += cohort.apprentices.filter(
            (apprentice) =>
              apprentice.status !== 'withdrawn' &&
              (side === 'school' ? apprentice.schoolMentorKey : apprentice.enterpriseMentorKey) ===
                mentor.key,
          ).length;
        register.set(mentor.number, {
          number: entry.number,
          name: entry.name,
          skillLevel: entry.skillLevel,
          load: entry.load,
        });
      }
    }
    return [...register.values()].sort((a, b) => a.number.localeCompare(b.number));
  }, [side, exceptCohortId]);
}
