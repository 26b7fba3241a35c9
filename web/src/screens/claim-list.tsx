/** The party's claims (its enterprise's, its school's, its district's), newest first, page by page. */
import { organisationName, useApp } from '../context.ts';
import { formatFen, formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { PageHeader, StatusBadge, useFocusHeading } from '../ui.tsx';
import { type ClaimView, claimHeadline, useOccupationNames } from './claim-parts.tsx';
import { caseNumber } from './cohort-parts.tsx';
import { PagedList } from './paged-list.tsx';

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

export function ClaimList() {
  const { t, lang } = useI18n();
  const { organisations, session } = useApp();
  const names = useOccupationNames();
  useFocusHeading('claims');
  const party = session.role.split('.')[0];
  return (
    <section data-testid="claims">
      <PageHeader title={t('claims.title')} />
      {session.role === 'enterprise.clerk' ? <p class="hint">{t('claims.howToStart')}</p> : null}
      <PagedList<ClaimView>
        path="/claims"
        statuses={CLAIM_STATUSES}
        filterId="claim-status-filter"
        label={t('claims.title')}
        testId="claim-list"
        empty={t('claims.empty')}
        head={
          <>
            <th scope="col" class="key-column">
              {t('payments.claim')}
            </th>
            <th scope="col">{t('cohorts.status')}</th>
            <th scope="col">{t('claim.amount')}</th>
            <th scope="col">{t('claim.recovery')}</th>
            {party !== 'enterprise' ? <th scope="col">{t('cohorts.enterprise')}</th> : null}
            {party !== 'school' ? <th scope="col">{t('cohorts.school')}</th> : null}
            <th scope="col">{t('cohorts.updated')}</th>
          </>
        }
        row={(claim) => (
          <tr key={claim.claimId} data-case={claim.claimId}>
            <td class="key-column">
              <Link href={`/app/claims/${claim.claimId}`}>{claimHeadline(t, claim, names)}</Link>
              <small class="case-ref">{caseNumber(claim, claim.claimId, organisations)}</small>
            </td>
            <td>
              <StatusBadge status={claim.status} />
            </td>
            <td class="money">{formatFen(claim.amountFen)}</td>
            <td class="money">{claim.recoveryFen > 0 ? formatFen(claim.recoveryFen) : '—'}</td>
            {party !== 'enterprise' ? <td>{organisationName(organisations, claim.enterpriseId)}</td> : null}
            {party !== 'school' ? <td>{organisationName(organisations, claim.schoolId)}</td> : null}
            <td>{formatInstant(claim.updatedAt, lang)}</td>
          </tr>
        )}
      />
    </section>
  );
}
