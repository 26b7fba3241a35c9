/**
 * The person's inbox (`GET /tasks`): the decisions waiting for its role and organisation, soonest
 * due first, each with its cohort and a link to the screen where it is decided.
 */
import { useState } from 'preact/hooks';
import { organisationName, useApp } from '../context.ts';
import { daysUntil, formatInstant } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { ErrorAlert, PageHeader, Progress, share, useFocusHeading, useLoad } from '../ui.tsx';
import { type CohortSummary, type CohortView, cohortTitle, type Task } from './cohort-parts.tsx';

/** Where each stage is decided. */
export function taskHref(task: Pick<Task, 'stage' | 'caseId' | 'workflow'>): string {
  if (task.workflow !== 'cohort-filing') return '/app/claims';
  switch (task.stage) {
    case 'SCHOOL_REVIEW':
      return `/app/cohorts/${task.caseId}/enrolment`;
    case 'BUREAU_REVIEW':
      return `/app/cohorts/${task.caseId}/review`;
    default:
      return `/app/cohorts/${task.caseId}`;
  }
}

/** Runs `work` over `items`, `width` at a time, reporting each one done. */
async function inBatches<T, R>(
  items: T[],
  width: number,
  work: (item: T) => Promise<R>,
  done: () => void,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
      done();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

export function Inbox() {
  const { t, lang } = useI18n();
  const { api, organisations } = useApp();
  const [progress, setProgress] = useState({ done: 0, total: 0 });
  useFocusHeading('inbox');
  const inbox = useLoad(async () => {
    setProgress({ done: 0, total: 0 });
    const tasks = await api.all<Task>('/tasks');
    setProgress({ done: 0, total: tasks.length });
    const cohorts = await inBatches(
      tasks,
      4,
      (task) =>
        task.workflow === 'cohort-filing'
          ? api.get<CohortView>(`/cohorts/${task.caseId}`).catch(() => undefined)
          : Promise.resolve(undefined),
      () => setProgress((previous) => ({ ...previous, done: previous.done + 1 })),
    );
    return tasks.map((task, index) => ({ task, cohort: cohorts[index] as CohortSummary | undefined }));
  }, []);

  return (
    <section>
      <PageHeader title={t('inbox.title')} />
      {inbox.loading ? (
        <Progress
          label={t('inbox.loading', { done: progress.done, total: progress.total })}
          value={share(progress.done, progress.total)}
        />
      ) : null}
      {inbox.error ? <ErrorAlert error={inbox.error} onRetry={inbox.reload} /> : null}
      {inbox.data && inbox.data.length === 0 ? <p class="empty">{t('inbox.empty')}</p> : null}
      {inbox.data && inbox.data.length > 0 ? (
        <div class="table-scroll">
          <table class="data" data-testid="inbox">
            <thead>
              <tr>
                <th scope="col">{t('inbox.task')}</th>
                <th scope="col">{t('inbox.case')}</th>
                <th scope="col">{t('cohorts.enterprise')}</th>
                <th scope="col">{t('cohorts.count')}</th>
                <th scope="col">{t('inbox.received')}</th>
                <th scope="col">{t('inbox.due')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {inbox.data.map(({ task, cohort }) => {
                const days = daysUntil(task.dueAt);
                return (
                  <tr key={task.taskId} data-case={task.caseId}>
                    <td>{t(`stage.${task.stage}` as MessageKey)}</td>
                    <td>{cohort ? cohortTitle(t, cohort) : task.caseId}</td>
                    <td>{cohort ? organisationName(organisations, cohort.enterpriseId) : '—'}</td>
                    <td class="number">{cohort?.apprenticeCount ?? '—'}</td>
                    <td>{formatInstant(task.createdAt, lang)}</td>
                    <td class={days < 0 ? 'overdue' : days <= 3 ? 'due-soon' : ''}>
                      {formatInstant(task.dueAt, lang)}
                      <br />
                      <small>{days < 0 ? t('inbox.overdue') : t('inbox.dueIn', { n: days })}</small>
                    </td>
                    <td>
                      <Link class="button button-primary" href={taskHref(task)}>
                        {t('inbox.open')}
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
