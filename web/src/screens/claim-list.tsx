/** The party's claims (its enterprise's, its school's, its district's), newest first, page by page. */

import { useState } from 'preact/hooks';
import { organisationName, useApp } from '../context.ts';
import { formatFen, formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.tsx';
import { ConfirmDialog, PageHeader, Progress, StatusBadge, useFocusHeading, useLoad } from '../ui.tsx';
import { type ClaimView, claimHeadline, useOccupationNames } from './claim-parts.tsx';
import { type CohortSummary, caseNumber, cohortTitle } from './cohort-parts.tsx';
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
      <PageHeader title={t('claims.title')}>
        {session.role === 'enterprise.clerk' ? <NewClaim /> : null}
      </PageHeader>
      {session.role === 'enterprise.clerk' ? <p class="hint">{t('claims.howToStart')}</p> : null}
      {party === 'city' ? <p class="hint">{t('city.readOnly')}</p> : null}
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
            {party === 'city' ? <th scope="col">{t('city.district')}</th> : null}
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
            {party === 'city' ? <td>{organisationName(organisations, claim.districtCode)}</td> : null}
            {party !== 'enterprise' ? <td>{organisationName(organisations, claim.enterpriseId)}</td> : null}
            {party !== 'school' ? <td>{organisationName(organisations, claim.schoolId)}</td> : null}
            <td>{formatInstant(claim.updatedAt, lang)}</td>
          </tr>
        )}
      />
    </section>
  );
}

/** The clerk's "申请补贴" from the claims page: choose the filed (or completed) cohort, then its claim form. */
function NewClaim() {
  const { t } = useI18n();
  const { api, organisations } = useApp();
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState('');
  const cohorts = useLoad(async () => {
    if (!open) return [];
    const [filed, completed] = await Promise.all([
      api.all<CohortSummary>('/cohorts?status=FILED'),
      api.all<CohortSummary>('/cohorts?status=COMPLETED'),
    ]);
    return [...filed, ...completed];
  }, [open]);
  const list = cohorts.data ?? [];
  const chosen = choice || list[0]?.cohortId || '';
  return (
    <>
      <button type="button" class="button-primary" data-testid="new-claim" onClick={() => setOpen(true)}>
        {t('claims.new')}
      </button>
      <ConfirmDialog
        open={open}
        title={t('claims.new')}
        confirmLabel={t('claims.continue')}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          if (!chosen) return [{ text: t('claims.noCohort') }];
          setOpen(false);
          navigate(`/app/cohorts/${chosen}/claims/new`);
        }}
      >
        {cohorts.loading ? <Progress label={t('app.loading')} /> : null}
        {cohorts.data && list.length === 0 ? <p>{t('claims.noCohort')}</p> : null}
        {list.length ? (
          <div class="field">
            <label for="claim-cohort">{t('claims.pickCohort')}</label>
            <select
              id="claim-cohort"
              value={chosen}
              onChange={(event) => setChoice(event.currentTarget.value)}
            >
              {list.map((cohort) => (
                <option key={cohort.cohortId} value={cohort.cohortId}>
                  {caseNumber(cohort, cohort.cohortId, organisations)} {cohortTitle(t, cohort)}
                </option>
              ))}
            </select>
            <small class="hint">{t('claims.pickCohortHint')}</small>
          </div>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
