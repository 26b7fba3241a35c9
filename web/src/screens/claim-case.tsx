/**
 * One claim, for every party that may see it: where it stands, the amount and how it was computed,
 * the evidence, and its history — plus what the person may do now: the signatory signs and submits
 * a prepared (or returned) claim, the clerk corrects a returned one, the school and the bureau go to
 * their screens, the treasurer to the payment queue.
 */
import { useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { formatFen } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import {
  Alert,
  ConfirmDialog,
  PageHeader,
  Progress,
  StatusBadge,
  Unavailable,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { takeFlash } from './checks.ts';
import {
  ClaimComputation,
  ClaimEvidence,
  ClaimFacts,
  ClaimNotices,
  ClaimSteps,
  type ClaimView,
  claimTitle,
  SchoolVerification,
} from './claim-parts.tsx';
import { CaseRef, type CohortView, Timeline } from './cohort-parts.tsx';

const WAITING = ['SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT'];

export function ClaimCase(props: { claimId: string }) {
  const { t } = useI18n();
  const { api, session } = useApp();
  const [flash, setFlash] = useState<string | undefined>(takeFlash);
  const loaded = useLoad(async () => {
    const claim = await api.get<ClaimView>(`/claims/${props.claimId}`);
    const cohort = await api.get<CohortView>(`/cohorts/${claim.cohortId}`).catch(() => undefined);
    return { claim, cohort };
  }, [props.claimId]);
  useFocusHeading(loaded.data?.claim.claimId);
  if (loaded.error) {
    return <Unavailable error={loaded.error} notFound="error.claimNotFound" back="/app/claims" />;
  }
  if (!loaded.data) return <Progress label={t('app.loading')} />;
  const { claim, cohort } = loaded.data;
  return (
    <section data-testid="claim-case" data-status={claim.status}>
      <PageHeader title={claimTitle(t, claim, cohort)} subtitle={<CaseRef kase={claim} id={claim.claimId} />}>
        <StatusBadge status={claim.status} />
      </PageHeader>
      <ClaimSteps claim={claim} />
      {flash ? <Alert kind="success">{flash}</Alert> : null}
      {session.role === 'city.admin' ? (
        <p class="hint" data-testid="city-read-only">
          {t('city.readOnly')}
        </p>
      ) : null}
      <ClaimNotices claim={claim} />
      <Actions
        claim={claim}
        onChanged={(message) => {
          setFlash(message);
          loaded.reload();
        }}
      />
      <div class="case-columns">
        <div>
          <h2>{t('claim.summary')}</h2>
          <ClaimFacts claim={claim} cohort={cohort} />
        </div>
      </div>
      <ClaimComputation claim={claim} cohort={cohort} />
      <ClaimEvidence claim={claim} />
      <SchoolVerification claim={claim} />
      <Timeline claimId={claim.claimId} refreshKey={claim.version} />
    </section>
  );
}

function Actions(props: { claim: ClaimView; onChanged: (message?: string) => void }) {
  const { t } = useI18n();
  const { session } = useApp();
  const { claim } = props;
  const role = session.role;
  const content = (() => {
    if (role === 'enterprise.signatory' && (claim.status === 'PREPARED' || claim.status === 'RETURNED')) {
      return <SignAndSubmit claim={claim} onChanged={props.onChanged} />;
    }
    if (role === 'enterprise.clerk' && (claim.status === 'PREPARED' || claim.status === 'RETURNED')) {
      return (
        <div class="action-row">
          <p>{t('claim.waitingSignatory')}</p>
          <Link class="button button-secondary" href={`/app/claims/${claim.claimId}/edit`}>
            {t('claim.edit')}
          </Link>
        </div>
      );
    }
    if (role === 'school.registrar' && claim.status === 'SCHOOL_VERIFICATION' && claim.currentTask) {
      return (
        <Link class="button button-primary" href={`/app/claims/${claim.claimId}/verify`}>
          {t('claim.openVerify')}
        </Link>
      );
    }
    if (role === 'bureau.reviewer' && ['BUREAU_REVIEW', 'PUBLIC_NOTICE'].includes(claim.status)) {
      return (
        <Link class="button button-primary" href={`/app/claims/${claim.claimId}/review`}>
          {claim.status === 'PUBLIC_NOTICE' ? t('claim.openNotice') : t('case.openReview')}
        </Link>
      );
    }
    if (role === 'bureau.treasurer' && claim.status === 'PAYMENT') {
      return (
        <Link class="button button-primary" href="/app/payments">
          {t('claim.openPayments')}
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
          {WAITING.includes(claim.status)
            ? t('case.waitingFor', { stage: t(`claimStage.${claim.status}` as MessageKey) })
            : claim.status === 'PREPARED'
              ? t('claim.waitingSignatory')
              : t('case.noActions')}
        </p>
      )}
    </section>
  );
}

/** The signatory signs for the company: the claim starts its workflow at the school's verification. */
function SignAndSubmit(props: { claim: ClaimView; onChanged: (message?: string) => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const { claim } = props;
  const [open, setOpen] = useState(false);
  const submit = async () => {
    await api.post(`/claims/${claim.claimId}/submit`);
    setOpen(false);
    props.onChanged(t('claim.submitted'));
  };
  return (
    <div class="action-row">
      <button type="button" class="button-primary" onClick={() => setOpen(true)} data-testid="sign-claim">
        {t('claim.sign')}
      </button>
      <ConfirmDialog
        open={open}
        title={t('claim.sign')}
        onClose={() => setOpen(false)}
        onConfirm={submit}
        notFound="error.claimNotFound"
      >
        <p>
          {t('claim.signConfirm', {
            kind: t(`claimKind.${claim.kind}` as MessageKey),
            amount: formatFen(claim.amountFen),
          })}
        </p>
      </ConfirmDialog>
    </div>
  );
}
