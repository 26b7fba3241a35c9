/** The person's cohorts (its party's: its enterprise, its school, its district), newest first, page by page. */
import { useEffect, useState } from 'preact/hooks';
import type { Page } from '../api.ts';
import { organisationName, useApp } from '../context.ts';
import { formatDate, formatInstant } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { ErrorAlert, PageHeader, Progress, StatusBadge, useFocusHeading } from '../ui.tsx';
import { type CohortSummary, cohortTitle } from './cohort-parts.tsx';

const STATUSES = [
  'DRAFT',
  'COMPANY_REVIEW',
  'SCHOOL_REVIEW',
  'BUREAU_REVIEW',
  'RETURNED',
  'FILED',
  'REJECTED',
  'WITHDRAWN',
  'COMPLETED',
];

const PAGE_SIZE = 25;

export function CohortList() {
  const { t, lang } = useI18n();
  const { api, organisations, session } = useApp();
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<CohortSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  useFocusHeading('cohorts');

  const fetchPage = (after: string | null, replace: boolean) => {
    setLoading(true);
    setError(undefined);
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status) query.set('status', status);
    if (after) query.set('cursor', after);
    api.get<Page<CohortSummary>>(`/cohorts?${query}`).then(
      (page) => {
        setItems((previous) => (replace ? page.items : [...previous, ...page.items]));
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (failure: unknown) => {
        setError(failure);
        setLoading(false);
      },
    );
  };

  // Reload from the first page when the filter changes.
  useEffect(() => fetchPage(null, true), [status, attempt]);

  const party = session.role.split('.')[0];
  return (
    <section>
      <PageHeader title={t('cohorts.title')}>
        {session.role === 'enterprise.clerk' ? (
          <Link class="button button-primary" href="/app/cohorts/new">
            {t('nav.cohortNew')}
          </Link>
        ) : null}
      </PageHeader>
      <div class="toolbar">
        <label for="status-filter">{t('cohorts.filter')}</label>
        <select id="status-filter" value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
          <option value="">{t('cohorts.all')}</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {t(`status.${value}` as MessageKey)}
            </option>
          ))}
        </select>
        <span class="count" aria-live="polite">
          {t('cohorts.shown', { n: items.length })}
        </span>
      </div>
      {error ? <ErrorAlert error={error} onRetry={() => setAttempt((value) => value + 1)} /> : null}
      <div class="table-scroll">
        <table class="data" data-testid="cohort-list">
          <thead>
            <tr>
              <th scope="col">{t('cohorts.cohort')}</th>
              {party !== 'enterprise' ? <th scope="col">{t('cohorts.enterprise')}</th> : null}
              {party !== 'school' ? <th scope="col">{t('cohorts.school')}</th> : null}
              <th scope="col">{t('cohorts.period')}</th>
              <th scope="col">{t('cohorts.count')}</th>
              <th scope="col">{t('cohorts.status')}</th>
              <th scope="col">{t('cohorts.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((cohort) => (
              <tr key={cohort.cohortId}>
                <td>
                  <Link href={`/app/cohorts/${cohort.cohortId}`}>{cohortTitle(t, cohort)}</Link>
                </td>
                {party !== 'enterprise' ? (
                  <td>{organisationName(organisations, cohort.enterpriseId)}</td>
                ) : null}
                {party !== 'school' ? <td>{organisationName(organisations, cohort.schoolId)}</td> : null}
                <td>
                  {formatDate(cohort.startDate, lang)} – {formatDate(cohort.endDate, lang)}
                </td>
                <td class="number">{cohort.apprenticeCount}</td>
                <td>
                  <StatusBadge status={cohort.status} />
                </td>
                <td>{formatInstant(cohort.updatedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {loading ? <Progress label={t('common.loadingCount', { n: items.length })} /> : null}
      {!loading && items.length === 0 && !error ? <p class="empty">{t('cohorts.empty')}</p> : null}
      {!loading && cursor ? (
        <button type="button" class="button-secondary" onClick={() => fetchPage(cursor, false)}>
          {t('common.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
