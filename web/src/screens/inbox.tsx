/**
 * The person's inbox (`GET /tasks`): the decisions waiting for its role and organisation — cohort
 * filings and claims — each with its cohort and a link to the screen where it is decided. The
 * signatory's claims to sign have no workflow task yet (the workflow starts when it signs): they
 * are listed from `GET /claims` by status.
 */
import { useState } from 'preact/hooks';
import type { Api } from '../api.ts';
import { organisationName, useApp } from '../context.ts';
import { daysUntil, formatFen, formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import {
  ErrorAlert,
  PageHeader,
  Progress,
  ScrollRegion,
  StatusBadge,
  share,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { type ClaimView, claimHeadline, claimTitle, useOccupationNames } from './claim-names.ts';
import {
  type CohortSummary,
  type CohortView,
  caseNumber,
  cohortTitle,
  stageName,
  type Task,
} from './cohort-parts.tsx';
import { PendingOverridesNotice } from './pending-overrides.tsx';

/** Where each stage is decided. */
export function taskHref(task: Pick<Task, 'stage' | 'caseId' | 'workflow'>): string {
  if (task.workflow === 'subsidy-claim') {
    switch (task.stage) {
      case 'SCHOOL_VERIFICATION':
        return `/app/claims/${task.caseId}/verify`;
      case 'BUREAU_REVIEW':
        return `/app/claims/${task.caseId}/review`;
      case 'PAYMENT':
        return '/app/payments';
      default:
        return `/app/claims/${task.caseId}`;
    }
  }
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
export async function inBatches<T, R>(
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

interface Entry {
  task: Task;
  cohort: CohortSummary | undefined;
  claim: ClaimView | undefined;
}

export function Inbox() {
  const { t, lang } = useI18n();
  const { api, organisations, session, systemNow, features } = useApp();
  const names = useOccupationNames();
  const [progress, setProgress] = useState({ done: 0, total: 0 });
  useFocusHeading('inbox');
  const signatory = session.role === 'enterprise.signatory';
  // One read for everything the person has to do, so "nothing to do" is said from one answer.
  const inbox = useLoad(
    async () => {
      const [tasks, toSign] = await Promise.all([
        api.all<Task>('/tasks'),
        signatory && features.claims ? claimsToSign(api) : Promise.resolve([]),
      ]);
      setProgress({ done: 0, total: tasks.length });
      const entries = await inBatches(
        tasks,
        4,
        async (task): Promise<Entry> => {
          if (task.workflow === 'cohort-filing') {
            const cohort = await api.get<CohortView>(`/cohorts/${task.caseId}`).catch(() => undefined);
            return { task, cohort, claim: undefined };
          }
          const claim = await api.get<ClaimView>(`/claims/${task.caseId}`).catch(() => undefined);
          const cohort = claim
            ? await api.get<CohortView>(`/cohorts/${claim.cohortId}`).catch(() => undefined)
            : undefined;
          return { task, cohort, claim };
        },
        () => setProgress((previous) => ({ ...previous, done: previous.done + 1 })),
      );
      return { entries, toSign, now: await systemNow() };
    },
    [],
    { live: true },
  );
  const data = inbox.data;

  return (
    <section>
      <PageHeader title={t('inbox.title')} />
      {session.role === 'bureau.reviewer' || session.role === 'bureau.admin' ? (
        <PendingOverridesNotice />
      ) : null}
      {inbox.loading && !data ? (
        <Progress
          label={t('inbox.loading', { done: progress.done, total: progress.total })}
          value={share(progress.done, progress.total)}
        />
      ) : null}
      {inbox.error ? <ErrorAlert error={inbox.error} onRetry={inbox.reload} /> : null}
      {data && data.entries.length === 0 && data.toSign.length === 0 ? (
        <p class="empty" data-testid="inbox-empty">
          {t('inbox.empty')}
        </p>
      ) : null}
      {data && data.toSign.length > 0 ? <ClaimsToSign claims={data.toSign} names={names} /> : null}
      {data && data.entries.length > 0 ? (
        <ScrollRegion label={t('inbox.title')}>
          <table class="data" data-testid="inbox">
            <thead>
              <tr>
                <th scope="col" class="key-column">
                  {t('inbox.task')}
                </th>
                <th scope="col">{t('inbox.case')}</th>
                <th scope="col">{t('inbox.due')}</th>
                <th scope="col">{t('claim.amount')}</th>
                <th scope="col">{t('cohorts.enterprise')}</th>
                <th scope="col">{t('cohorts.count')}</th>
                <th scope="col">{t('inbox.received')}</th>
                <th scope="col" class="actions-column">
                  <span class="visually-hidden">{t('col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map(({ task, cohort, claim }) => {
                const days = daysUntil(task.dueAt, data.now);
                // The server says when a task is overdue (working days at the bureau's stages).
                const late = task.overdue ?? days < 0;
                const enterpriseId = claim?.enterpriseId ?? cohort?.enterpriseId;
                return (
                  <tr key={task.taskId} data-case={task.caseId} data-workflow={task.workflow}>
                    <td class="key-column">{stageName(t, task.stage, task.workflow)}</td>
                    <td class="wrap">
                      {claim ? claimTitle(t, claim, cohort) : cohort ? cohortTitle(t, cohort) : task.caseId}
                      {claim || cohort ? (
                        <small class="case-ref" data-testid="case-number">
                          {caseNumber((claim ?? cohort)!, task.caseId, organisations)}
                        </small>
                      ) : null}
                    </td>
                    <td
                      class={late ? 'overdue' : days <= 3 ? 'due-soon' : ''}
                      data-testid="task-due"
                      data-overdue={late ? 'true' : 'false'}
                    >
                      {formatInstant(task.dueAt, lang)}
                      <br />
                      <small>
                        {task.escalated
                          ? t('inbox.escalated')
                          : late
                            ? t('inbox.overdue')
                            : t('inbox.dueIn', { n: Math.max(0, days) })}
                      </small>
                    </td>
                    <td class="money">{claim ? formatFen(claim.amountFen) : '—'}</td>
                    <td>{enterpriseId ? organisationName(organisations, enterpriseId) : '—'}</td>
                    <td class="number">{cohort?.apprenticeCount ?? '—'}</td>
                    <td>{formatInstant(task.createdAt, lang)}</td>
                    <td class="actions-column">
                      <Link class="button button-primary" href={taskHref(task)}>
                        {t('inbox.open')}
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      ) : null}
    </section>
  );
}

/** The signatory's claims prepared by the clerk (or returned): no workflow task yet, read by status. */
async function claimsToSign(api: Api): Promise<ClaimView[]> {
  const [prepared, returned] = await Promise.all([
    api.all<ClaimView>('/claims?status=PREPARED'),
    api.all<ClaimView>('/claims?status=RETURNED'),
  ]);
  return [...prepared, ...returned];
}

/** The claims waiting for the signatory's signature. */
function ClaimsToSign(props: { claims: ClaimView[]; names: ReadonlyMap<string, string> }) {
  const { t, lang } = useI18n();
  const { organisations } = useApp();
  return (
    <section aria-labelledby="to-sign-title">
      <h2 id="to-sign-title">{t('inbox.toSign')}</h2>
      <ScrollRegion label={t('inbox.toSign')}>
        <table class="data" data-testid="claims-to-sign">
          <thead>
            <tr>
              <th scope="col" class="key-column">
                {t('payments.claim')}
              </th>
              <th scope="col">{t('col.status')}</th>
              <th scope="col">{t('claim.amount')}</th>
              <th scope="col">{t('claim.prepared')}</th>
              <th scope="col" class="actions-column">
                <span class="visually-hidden">{t('col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.claims.map((claim) => (
              <tr key={claim.claimId} data-case={claim.claimId}>
                <td class="key-column wrap">
                  {claimHeadline(t, claim, props.names)}
                  <small class="case-ref">{caseNumber(claim, claim.claimId, organisations)}</small>
                </td>
                <td>
                  <StatusBadge status={claim.status} />
                </td>
                <td class="money">{formatFen(claim.amountFen)}</td>
                <td>{formatInstant(claim.updatedAt, lang)}</td>
                <td class="actions-column">
                  <Link class="button button-primary" href={`/app/claims/${claim.claimId}`}>
                    {t('inbox.open')}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}
