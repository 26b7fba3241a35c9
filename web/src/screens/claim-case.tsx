/**
 * One claim, for every party that may see it: where it stands, the amount and how it was computed,
 * the evidence, and its history — plus what the person may do now: the signatory signs and submits
 * a prepared (or returned) claim, the clerk corrects a returned one, the school and the bureau go to
 * their screens, the treasurer to the payment queue.
 */

import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { formatFen, formatInstant } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import {
  Alert,
  ConfirmDialog,
  ErrorSummary,
  PageHeader,
  type Problem,
  Progress,
  StatusBadge,
  Unavailable,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { takeFlash } from './checks.ts';
import { ClaimObjections } from './claim-objections.tsx';
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
import { CorrectionChecklist, claimTargets, targetLabel } from './corrections.tsx';
import { EmploymentChecks } from './employment-checks.tsx';

const WAITING = ['SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT'];

export function ClaimCase(props: { claimId: string }) {
  const { t, lang } = useI18n();
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
      <ClaimObjections claimId={claim.claimId} onDecided={loaded.reload} />
      <CorrectionChecklist notice={claim.corrections} label={targetLabel(claimTargets(t))} />
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
          <ClaimFacts claim={claim} cohort={cohort}>
            {claim.commitment ? (
              <>
                <dt>{t('commitment.label')}</dt>
                <dd data-testid="claim-commitment">
                  {t('commitment.accepted', {
                    version: claim.commitment.version,
                    by: claim.commitment.acceptedBy.username,
                    at: formatInstant(claim.commitment.acceptedAt, lang),
                  })}
                </dd>
              </>
            ) : null}
          </ClaimFacts>
        </div>
      </div>
      <ClaimComputation claim={claim} cohort={cohort} />
      <ClaimEvidence claim={claim} />
      <SchoolVerification claim={claim} />
      {session.role.startsWith('bureau.') && cohort ? (
        <EmploymentChecks
          cohortId={claim.cohortId}
          caseId={claim.claimId}
          names={new Map(cohort.apprentices.map((apprentice) => [apprentice.apprenticeId, apprentice.name]))}
          refreshKey={claim.version}
        />
      ) : null}
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

/** The commitment (承诺书) as `GET /commitments/current` serves it. */
interface CommitmentText {
  version: string;
  title: string;
  paragraphs: string[];
  en: { title: string; paragraphs: string[] };
}

/**
 * The signatory signs for the company: the commitment (承诺书) is read in the dialog and accepted
 * with a tick, then the claim starts its workflow at the school's verification.
 */
function SignAndSubmit(props: { claim: ClaimView; onChanged: (message?: string) => void }) {
  const { t, lang } = useI18n();
  const { api } = useApp();
  const { claim } = props;
  const [open, setOpen] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const [text, setText] = useState<CommitmentText>();
  const [failed, setFailed] = useState<unknown>();
  useEffect(() => {
    if (!open || text) return;
    api.get<CommitmentText>('/commitments/current').then(setText, setFailed);
  }, [open]);
  const submit = async (): Promise<Problem[] | undefined> => {
    if (!accepted) return [{ text: t('commitment.mustAccept'), target: 'commitment-accept' }];
    await api.post(`/claims/${claim.claimId}/submit`, { body: { commitment: { accepted: true } } });
    setOpen(false);
    props.onChanged(t('claim.submitted'));
  };
  const shown = text ? (lang === 'en' ? text.en : text) : undefined;
  return (
    <div class="action-row">
      <button
        type="button"
        class="button-primary"
        onClick={() => {
          setAccepted(false);
          setOpen(true);
        }}
        data-testid="sign-claim"
      >
        {t('claim.sign')}
      </button>
      <ConfirmDialog
        open={open}
        title={t('commitment.title')}
        onClose={() => setOpen(false)}
        onConfirm={submit}
        confirmLabel={t('commitment.submit')}
        notFound="error.claimNotFound"
      >
        <p>
          {t('claim.signConfirm', {
            kind: t(`claimKind.${claim.kind}` as MessageKey),
            amount: formatFen(claim.amountFen),
          })}
        </p>
        {failed !== undefined ? (
          <ErrorSummary attempt={0} error={failed} />
        ) : !text || !shown ? (
          <Progress label={t('commitment.loading')} />
        ) : (
          <section class="commitment" aria-labelledby="commitment-title" data-testid="commitment-text">
            <h3 id="commitment-title" lang={lang === 'en' ? 'en' : 'zh-CN'}>
              {shown.title}
            </h3>
            <div lang={lang === 'en' ? 'en' : 'zh-CN'}>
              {shown.paragraphs.map((paragraph) => (
                <p key={paragraph}>{paragraph}</p>
              ))}
            </div>
            <p class="hint">
              {t('commitment.version', { version: text.version })}
              {lang === 'en' ? ` ${t('commitment.binding')}` : ''}
            </p>
            <label class="checkbox">
              <input
                id="commitment-accept"
                type="checkbox"
                checked={accepted}
                data-testid="commitment-accept"
                onChange={(event) => setAccepted((event.target as HTMLInputElement).checked)}
              />{' '}
              {t('commitment.accept')}
            </label>
          </section>
        )}
      </ConfirmDialog>
    </div>
  );
}
