/** The party's claims (its enterprise's, its school's, its district's), newest first, page by page. */
import { useEffect, useState } from 'preact/hooks';
import type { Page } from '../api.ts';
import { organisationName, useApp } from '../context.ts';
import { formatFen, formatInstant } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { ErrorAlert, PageHeader, Progress, StatusBadge, useFocusHeading } from '../ui.tsx';
import { type ClaimView, claimHeadline, useOccupationNames } from './claim-parts.tsx';

export const CLAIM_STATUSES = [
  'PREPARED',
  'SCHOOL_VERIFICATION',
  'BUREAU_REVIEW',
  'PUBLIC_NOTICE',
  'PAYMENT',
  'PAID',
  'RETURNED',
  'REJECTED',
  'WITHDRAWN',
];

const PAGE_SIZE = 25;

export function ClaimList() {
  const { t, lang } = useI18n();
  const { api, organisations, session } = useApp();
  const names = useOccupationNames();
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<ClaimView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  useFocusHeading('claims');

  const fetchPage = (after: string | null, replace: boolean) => {
    setLoading(true);
    setError(undefined);
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status) query.set('status', status);
    if (after) query.set('cursor', after);
    api.get<Page<ClaimView>>(`/claims?${query}`).then(
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
  useEffect(() => fetchPage(null, true), [status, attempt]);

  const party = session.role.split('.')[0];
  return (
    <section data-testid="claims">
      <PageHeader title={t('claims.title')} />
      {session.role === 'enterprise.clerk' ? <p class="hint">{t('claims.howToStart')}</p> : null}
      <div class="toolbar">
        <label for="claim-status-filter">{t('cohorts.filter')}</label>
        <select
          id="claim-status-filter"
          value={status}
          onChange={(event) => setStatus(event.currentTarget.value)}
        >
          <option value="">{t('cohorts.all')}</option>
          {CLAIM_STATUSES.map((value) => (
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
        <table class="data" data-testid="claim-list">
          <thead>
            <tr>
              <th scope="col">{t('payments.claim')}</th>
              {party !== 'enterprise' ? <th scope="col">{t('cohorts.enterprise')}</th> : null}
              {party !== 'school' ? <th scope="col">{t('cohorts.school')}</th> : null}
              <th scope="col">{t('claim.amount')}</th>
              <th scope="col">{t('claim.recovery')}</th>
              <th scope="col">{t('cohorts.status')}</th>
              <th scope="col">{t('cohorts.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((claim) => (
              <tr key={claim.claimId} data-case={claim.claimId}>
                <td>
                  <Link href={`/app/claims/${claim.claimId}`}>{claimHeadline(t, claim, names)}</Link>
                </td>
                {party !== 'enterprise' ? (
                  <td>{organisationName(organisations, claim.enterpriseId)}</td>
                ) : null}
                {party !== 'school' ? <td>{organisationName(organisations, claim.schoolId)}</td> : null}
                <td class="money">{formatFen(claim.amountFen)}</td>
                <td class="money">{claim.recoveryFen > 0 ? formatFen(claim.recoveryFen) : '—'}</td>
                <td>
                  <StatusBadge status={claim.status} />
                </td>
                <td>{formatInstant(claim.updatedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {loading ? <Progress label={t('common.loadingCount', { n: items.length })} /> : null}
      {!loading && items.length === 0 && !error ? <p class="empty">{t('claims.empty')}</p> : null}
      {!loading && cursor ? (
        <button type="button" class="button-secondary" onClick={() => fetchPage(cursor, false)}>
          {t('common.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
