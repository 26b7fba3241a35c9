/**
 * The organisation's mentors from the API's register (`GET /organisations/{orgId}/mentors`): every
 * enterprise mentor (by employee number) or school mentor (by teacher number) a cohort gave
 * apprentices, with the apprentices each takes across the cohorts still active — the load as the
 * API counts it for the rule (domain.md: at most `mentorMaxApprentices` across active cohorts).
 * The form beside it adds what it is about to change; the cohort being edited or enrolled is left
 * out of the register's count (`activeCohorts` says what each cohort takes), so it is not counted
 * twice. Read once per screen, every page.
 */
import { useApp } from '../context.ts';
import { useLoad } from '../ui.tsx';

interface MentorEntry {
  employeeNo?: string;
  teacherNo?: string;
  name: string | null;
  skillLevel?: number | null;
  load: number;
  activeCohorts: { cohortId: string; apprentices: number }[];
}

export interface RegisteredMentor {
  /** Employee number (enterprise) or teacher number (school): who the mentor is across cohorts. */
  number: string;
  name: string;
  skillLevel?: number;
  /** Apprentices taken in the other active cohorts. */
  load: number;
}

export function useMentorRegister(side: 'enterprise' | 'school', exceptCohortId?: string) {
  const { api, session } = useApp();
  return useLoad(async () => {
    const entries = await api.all<MentorEntry>(`/organisations/${encodeURIComponent(session.orgId)}/mentors`);
    return entries.map((entry): RegisteredMentor => {
      const number = (side === 'school' ? entry.teacherNo : entry.employeeNo) ?? '';
      const own = entry.activeCohorts.find((cohort) => cohort.cohortId === exceptCohortId)?.apprentices ?? 0;
      return {
        number,
        name: entry.name ?? number,
        ...(typeof entry.skillLevel === 'number' ? { skillLevel: entry.skillLevel } : {}),
        load: entry.load - own,
      };
    });
  }, [side, exceptCohortId, session.orgId]);
}
