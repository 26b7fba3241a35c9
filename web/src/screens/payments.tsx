/**
 * The treasurer's payment queue: claims approved by the bureau (and past their public notice)
 * waiting for release (`GET /tasks`, stage PAYMENT), with the amount, the enterprise's registered
 * bank account (masked) and who approved it. Releasing turns the budget reservation into a
 * payment; the reviewer who approved a claim may not release it (four eyes — the API says so).
 */
import { useState } from 'preact/hooks';
import { organisationName, useApp } from '../context.ts';
import { daysUntil, formatDate, formatFen, formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { learnActors, usePeople } from '../people.ts';
import { Link } from '../router.tsx';
import {
  Alert,
  ConfirmDialog,
  ErrorAlert,
  PageHeader,
  Progress,
  ScrollRegion,
  share,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { type ClaimView, claimTitle } from './claim-parts.tsx';
import { type CohortView, caseNumber, type HistoryRecord, type Task } from './cohort-parts.tsx';
import { inBatches } from './inbox.tsx';

interface Row {
  task: Task;
  claim: ClaimView | undefined;
  cohort: CohortView | undefined;
}

export function Payments() {
  const { t, lang } = useI18n();
  const { api, organisations, systemNow } = useApp();
  const person = usePeople();
  const [progress, setProgress] = useState({ done: 0, total: 0 });
  const [releasing, setReleasing] = useState<Row>();
  const [released, setReleased] = useState<string>();
  useFocusHeading('payments');
  const queue = useLoad(
    async () => {
      const tasks = (await api.all<Task>('/tasks')).filter(
        (task) => task.workflow === 'subsidy-claim' && task.stage === 'PAYMENT',
      );
      setProgress({ done: 0, total: tasks.length });
      const rows = await inBatches(
        tasks,
        4,
        async (task): Promise<Row> => {
          const claim = await api.get<ClaimView>(`/claims/${task.caseId}`).catch(() => undefined);
          const [cohort] = await Promise.all([
            claim ? api.get<CohortView>(`/cohorts/${claim.cohortId}`).catch(() => undefined) : undefined,
            // Who approved it, by name: the claim's history names the reviewer behind the user id.
            api.all<HistoryRecord>(`/claims/${task.caseId}/history`).then(learnActors, () => undefined),
          ]);
          return { task, claim, cohort };
        },
        () => setProgress((previous) => ({ ...previous, done: previous.done + 1 })),
      );
      return { rows, now: await systemNow() };
    },
    [],
    { live: true },
  );

  const release = async () => {
    if (!releasing) return;
    await api.post(`/tasks/${releasing.task.taskId}/decision`, { body: { decision: 'approve' } });
    setReleased(
      t('payments.released', {
        amount: formatFen(releasing.claim?.amountFen ?? 0),
        enterprise: releasing.claim ? organisationName(organisations, releasing.claim.enterpriseId) : '',
      }),
    );
    setReleasing(undefined);
    queue.reload();
  };

  const rows = queue.data?.rows ?? [];
  const total = rows.reduce((sum, row) => sum + (row.claim?.amountFen ?? 0), 0);
  return (
    <section data-testid="payments">
      <PageHeader title={t('payments.title')} />
      <p class="hint">{t('payments.intro')}</p>
      {released ? <Alert kind="success">{released}</Alert> : null}
      {queue.loading && !queue.data ? (
        <Progress
          label={t('inbox.loading', { done: progress.done, total: progress.total })}
          value={share(progress.done, progress.total)}
        />
      ) : null}
      {queue.error ? <ErrorAlert error={queue.error} onRetry={queue.reload} /> : null}
      {queue.data && rows.length === 0 ? <p class="empty">{t('payments.empty')}</p> : null}
      {rows.length > 0 ? (
        <>
          <p data-testid="payments-total">
            {t('payments.total', { n: rows.length, amount: formatFen(total) })}
          </p>
          <ScrollRegion label={t('payments.title')}>
            <table class="data" data-testid="payment-queue">
              <thead>
                <tr>
                  <th scope="col" class="key-column">
                    {t('payments.claim')}
                  </th>
                  <th scope="col">{t('claim.amount')}</th>
                  <th scope="col">{t('cohorts.enterprise')}</th>
                  <th scope="col">{t('claim.bank')}</th>
                  <th scope="col">{t('payments.approved')}</th>
                  <th scope="col" class="actions-column">
                    <span class="visually-hidden">{t('col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const { task, claim, cohort } = row;
                  const enterprise = claim ? organisations.get(claim.enterpriseId) : undefined;
                  const days = daysUntil(task.dueAt, queue.data?.now);
                  return (
                    <tr key={task.taskId} data-case={task.caseId}>
                      <td class="wrap key-column">
                        <Link href={`/app/claims/${task.caseId}`}>
                          {claim ? claimTitle(t, claim, cohort) : task.caseId}
                        </Link>
                        {claim ? (
                          <small class="case-ref">{caseNumber(claim, claim.claimId, organisations)}</small>
                        ) : null}
                      </td>
                      <td class="money">{claim ? formatFen(claim.amountFen) : '—'}</td>
                      <td class="wrap">
                        {claim ? organisationName(organisations, claim.enterpriseId) : '—'}
                      </td>
                      <td>
                        {enterprise?.bankName ?? '—'}
                        <br />
                        <span class="mono">{enterprise?.bankAccountMasked ?? ''}</span>
                      </td>
                      <td>
                        {claim?.approvedAt ? formatInstant(claim.approvedAt, lang) : '—'}
                        <br />
                        <small data-testid="approved-by">{person(claim?.reviewedBy)}</small>
                        <br />
                        <small class={days < 0 ? 'overdue' : days <= 3 ? 'due-soon' : ''}>
                          {claim?.paymentDueOn
                            ? t('payments.deadline', { date: formatDate(claim.paymentDueOn, lang) })
                            : t('payments.due', { at: formatInstant(task.dueAt, lang) })}
                        </small>
                        {claim?.paymentLate ? (
                          <>
                            <br />
                            <strong class="overdue-flag" data-testid="payment-late">
                              {t('payments.late')}
                            </strong>
                          </>
                        ) : null}
                      </td>
                      <td class="actions-column">
                        <button
                          type="button"
                          class="button-primary"
                          disabled={!claim}
                          data-testid="release-payment"
                          onClick={() => setReleasing(row)}
                        >
                          {t('payments.release')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollRegion>
        </>
      ) : null}
      <ConfirmDialog
        open={releasing !== undefined}
        title={t('payments.release')}
        onClose={() => setReleasing(undefined)}
        onConfirm={release}
      >
        {releasing?.claim ? (
          <p>
            {t('payments.confirm', {
              amount: formatFen(releasing.claim.amountFen),
              enterprise: organisationName(organisations, releasing.claim.enterpriseId),
              account: organisations.get(releasing.claim.enterpriseId)?.bankAccountMasked ?? '—',
            })}
          </p>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}
