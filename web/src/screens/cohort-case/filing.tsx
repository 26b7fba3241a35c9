/**
 * The filing of a cohort (use case cohort-filing): what the person may do at this stage — the clerk
 * submits (again after a return) or withdraws, the signatory decides the company's review, the
 * school and the bureau are taken to their screens.
 */
import { useState } from 'preact/hooks';
import { useApp } from '../../context.ts';
import { type MessageKey, useI18n } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { ConfirmDialog } from '../../ui.tsx';
import type { CohortView } from '../cohort-parts.tsx';
import { DecisionPanel } from '../decision.tsx';
import type { OnChanged } from './case.tsx';
import { ClaimNextStep } from './subsidy.tsx';

export const EDITABLE = ['DRAFT', 'RETURNED'];
const WITHDRAWABLE = ['DRAFT', 'RETURNED', 'COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW'];
const REVIEWS = ['COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW'];

export function Actions(props: { cohort: CohortView; onChanged: OnChanged }) {
  const { t } = useI18n();
  const { session } = useApp();
  const { cohort } = props;
  const role = session.role;
  const task = cohort.currentTask;
  const content = (() => {
    if (role === 'enterprise.clerk' && WITHDRAWABLE.includes(cohort.status)) {
      return <ClerkActions cohort={cohort} onChanged={props.onChanged} />;
    }
    if (role === 'enterprise.signatory' && cohort.status === 'COMPANY_REVIEW' && task) {
      return (
        <DecisionPanel
          task={cohort.currentTask}
          approvedMessage={t('decision.done.company')}
          onDecided={(_outcome, message) => props.onChanged(message)}
        />
      );
    }
    if (role === 'school.registrar' && cohort.status === 'SCHOOL_REVIEW' && task) {
      return (
        <Link class="button button-primary" href={`/app/cohorts/${cohort.cohortId}/enrolment`}>
          {t('case.openEnrolment')}
        </Link>
      );
    }
    if ((role === 'enterprise.clerk' || role === 'school.registrar') && cohort.status === 'FILED') {
      return (
        <div class="action-row">
          {role === 'enterprise.clerk' ? <ClaimNextStep cohort={cohort} /> : null}
          <Link class="button button-secondary" href={`/app/cohorts/${cohort.cohortId}/outcomes`}>
            {t('outcome.open')}
          </Link>
          {role === 'enterprise.clerk' ? <p class="hint">{t('case.filedClerkHint')}</p> : null}
        </div>
      );
    }
    // A completed cohort's next step is its settlement (where "nothing to do" was said before).
    if (role === 'enterprise.clerk' && cohort.status === 'COMPLETED') {
      return (
        <div class="action-row" data-testid="next-step">
          <ClaimNextStep cohort={cohort} fallback={t('case.noActions')} />
        </div>
      );
    }
    if (role === 'bureau.reviewer' && cohort.status === 'BUREAU_REVIEW' && task) {
      return (
        <Link class="button button-primary" href={`/app/cohorts/${cohort.cohortId}/review`}>
          {t('case.openReview')}
        </Link>
      );
    }
    return null;
  })();
  return (
    <section class="actions-panel" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('case.actions')}</h2>
      {content ?? (
        <p>
          {REVIEWS.includes(cohort.status)
            ? t('case.waitingFor', { stage: t(`stage.${cohort.status}` as MessageKey) })
            : t('case.noActions')}
        </p>
      )}
    </section>
  );
}

/** The clerk submits a draft (or a returned cohort) for review, or withdraws the application. */
function ClerkActions(props: { cohort: CohortView; onChanged: OnChanged }) {
  const { t } = useI18n();
  const { api } = useApp();
  const { cohort } = props;
  const [dialog, setDialog] = useState<'submit' | 'withdraw'>();
  const [reason, setReason] = useState('');
  const editable = EDITABLE.includes(cohort.status);

  const run = async (action: 'submit' | 'withdraw') => {
    if (action === 'submit') await api.post(`/cohorts/${cohort.cohortId}/submit`);
    else
      await api.post(`/cohorts/${cohort.cohortId}/withdraw`, {
        body: reason.trim() ? { reason: reason.trim() } : {},
      });
    setDialog(undefined);
    props.onChanged(action === 'submit' ? t('case.submitted') : t('case.withdrawn'));
  };

  return (
    <div class="action-row">
      {editable ? (
        <>
          <button
            type="button"
            class="button-primary"
            onClick={() => setDialog('submit')}
            data-testid="submit-cohort"
          >
            {t('case.submit')}
          </button>
          <Link class="button button-secondary" href={`/app/cohorts/${cohort.cohortId}/edit`}>
            {t('case.edit')}
          </Link>
        </>
      ) : null}
      <button type="button" class="button-danger" onClick={() => setDialog('withdraw')}>
        {t('case.withdraw')}
      </button>
      <ConfirmDialog
        open={dialog !== undefined}
        title={dialog === 'withdraw' ? t('case.withdraw') : t('case.submit')}
        tone={dialog === 'withdraw' ? 'danger' : 'primary'}
        onClose={() => setDialog(undefined)}
        onConfirm={() => run(dialog ?? 'submit')}
      >
        {dialog === 'withdraw' ? (
          <>
            <p>{t('case.withdrawConfirm')}</p>
            <div class="field">
              <label for="withdraw-reason">{t('case.withdrawReason')}</label>
              <textarea
                id="withdraw-reason"
                rows={3}
                maxLength={500}
                value={reason}
                onInput={(event) => setReason(event.currentTarget.value)}
              />
            </div>
          </>
        ) : (
          <p>{t('case.submitConfirm', { n: cohort.apprentices.length })}</p>
        )}
      </ConfirmDialog>
    </div>
  );
}
