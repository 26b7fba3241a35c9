/** The person's cohorts (its party's: its enterprise, its school, its district), newest first, page by page. */
import { organisationName, useApp } from '../context.ts';
import { formatDate, formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { PageHeader, StatusBadge, useFocusHeading } from '../ui.tsx';
import { type CohortSummary, caseNumber, cohortTitle } from './cohort-parts.tsx';
import { PagedList } from './paged-list.tsx';

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

export function CohortList() {
  const { t, lang } = useI18n();
  const { organisations, session } = useApp();
  useFocusHeading('cohorts');
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
      {party === 'city' ? <p class="hint">{t('city.readOnly')}</p> : null}
      <PagedList<CohortSummary>
        path="/cohorts"
        statuses={STATUSES}
        filterId="status-filter"
        label={t('cohorts.title')}
        testId="cohort-list"
        empty={t('cohorts.empty')}
        head={
          <>
            <th scope="col" class="key-column">
              {t('cohorts.cohort')}
            </th>
            <th scope="col">{t('cohorts.status')}</th>
            <th scope="col">{t('cohorts.count')}</th>
            {party === 'city' ? <th scope="col">{t('city.district')}</th> : null}
            {party !== 'enterprise' ? <th scope="col">{t('cohorts.enterprise')}</th> : null}
            {party !== 'school' ? <th scope="col">{t('cohorts.school')}</th> : null}
            <th scope="col">{t('cohorts.period')}</th>
            <th scope="col">{t('cohorts.updated')}</th>
          </>
        }
        row={(cohort) => (
          <tr key={cohort.cohortId} data-case={cohort.cohortId}>
            <td class="key-column">
              <Link href={`/app/cohorts/${cohort.cohortId}`}>{cohortTitle(t, cohort)}</Link>
              <small class="case-ref">{caseNumber(cohort, cohort.cohortId, organisations)}</small>
            </td>
            <td>
              <StatusBadge status={cohort.status} />
            </td>
            <td class="number">{cohort.apprenticeCount}</td>
            {party === 'city' ? <td>{organisationName(organisations, cohort.districtCode)}</td> : null}
            {party !== 'enterprise' ? <td>{organisationName(organisations, cohort.enterpriseId)}</td> : null}
            {party !== 'school' ? <td>{organisationName(organisations, cohort.schoolId)}</td> : null}
            <td>
              {formatDate(cohort.startDate, lang)} – {formatDate(cohort.endDate, lang)}
            </td>
            <td>{formatInstant(cohort.updatedAt, lang)}</td>
          </tr>
        )}
      />
    </section>
  );
}
