/**
 * The bureau reviewer decides a claim on one page: the amount the rules computed and how (stored
 * with the claim), the school's verification, the evidence, the apprentices with their outcomes,
 * and the year's budget the approval would reserve from. Approve (with a lower amount and a
 * reason, if need be), return or reject; during the public notice of a final claim, lodge an
 * objection, which sends it back to review.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { useApp } from '../context.ts';
import { formatDate, formatFen, formatInstant, todayInChina } from '../format.ts';
import { type MessageKey, punct, useI18n } from '../i18n.ts';
import { usePeople } from '../people.ts';
import {
  Alert,
  ErrorSummary,
  PageHeader,
  Progress,
  StatusBadge,
  Unavailable,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import {
  type Budget,
  ClaimApprentices,
  ClaimComputation,
  ClaimEvidence,
  ClaimFacts,
  ClaimNotices,
  ClaimSteps,
  type ClaimView,
  claimTitle,
  fenToYuanText,
  parseYuan,
  SchoolVerification,
} from './claim-parts.tsx';
import { CaseRef, type CohortView, Timeline } from './cohort-parts.tsx';
import { CorrectionEditor, claimTargets, correctionsBody, useCorrectionRows } from './corrections.tsx';
import { DecisionPanel } from './decision.tsx';

export function ClaimReview(props: { claimId: string }) {
  const { t } = useI18n();
  const { api, systemNow, session } = useApp();
  const [refresh, setRefresh] = useState(0);
  const loaded = useLoad(async () => {
    const claim = await api.get<ClaimView>(`/claims/${props.claimId}`);
    const now = await systemNow();
    const year = Number(todayInChina(now).slice(0, 4));
    const [cohort, budget] = await Promise.all([
      api.get<CohortView>(`/cohorts/${claim.cohortId}`),
      api.get<Budget>(`/budgets/${session.orgId}/${year}`).catch(() => undefined),
    ]);
    return { claim, cohort, budget, year, now };
  }, [props.claimId, refresh]);
  useFocusHeading(loaded.data?.claim.claimId);
  if (loaded.error) {
    return <Unavailable error={loaded.error} notFound="error.claimNotFound" back="/app/inbox" />;
  }
  if (!loaded.data) return <Progress label={t('app.loading')} />;
  return <ReviewPage {...loaded.data} onChanged={() => setRefresh((value) => value + 1)} />;
}

function ReviewPage(props: {
  claim: ClaimView;
  cohort: CohortView;
  budget: Budget | undefined;
  year: number;
  now: Date;
  onChanged: () => void;
}) {
  const { t, lang } = useI18n();
  const person = usePeople();
  const { claim, cohort } = props;
  const [decided, setDecided] = useState<string>();
  const deciding = claim.status === 'BUREAU_REVIEW' && claim.currentTask && !decided;
  const onNotice =
    claim.status === 'PUBLIC_NOTICE' && claim.notice && props.now.toISOString() < claim.notice.endsAt;
  return (
    <section data-testid="claim-review" data-status={claim.status}>
      <PageHeader
        title={`${t('claimReview.title')} · ${claimTitle(t, claim, cohort)}`}
        subtitle={<CaseRef kase={claim} id={claim.claimId} />}
      >
        <StatusBadge status={claim.status} />
      </PageHeader>
      <ClaimSteps claim={claim} />
      <ClaimNotices claim={claim} />
      {decided ? <Alert kind="success">{decided}</Alert> : null}
      {!deciding && !decided && !onNotice ? (
        <Alert kind="info">
          {t('claimReview.notYourTurn', { status: t(`status.${claim.status}` as MessageKey) })}
        </Alert>
      ) : null}
      <div class="review-layout">
        <div class="review-main">
          <section aria-labelledby="summary-title">
            <h2 id="summary-title">{t('review.summary')}</h2>
            <ClaimFacts claim={claim} cohort={cohort} />
          </section>
          <ClaimComputation claim={claim} cohort={cohort} />
          <section aria-labelledby="verification-title">
            <h2 id="verification-title">{t('claimReview.verification')}</h2>
            {claim.schoolVerification ? <SchoolVerification claim={claim} /> : <p>{t('common.none')}</p>}
          </section>
          <ClaimEvidence claim={claim} openDocuments />
          <section aria-labelledby="apprentices-title">
            <h2 id="apprentices-title">{t('case.apprentices', { n: cohort.apprentices.length })}</h2>
            <p class="hint">{t('case.masked')}</p>
            <ClaimApprentices claim={claim} cohort={cohort} />
          </section>
        </div>
        <aside class="review-side">
          <BudgetBox budget={props.budget} year={props.year} amountFen={claim.amountFen} />
          {deciding ? (
            <ClaimDecision
              claim={claim}
              onDecided={(message) => {
                setDecided(message);
                props.onChanged();
              }}
            />
          ) : null}
          {onNotice && claim.notice ? (
            <Objection
              claim={claim}
              until={formatDate(claim.notice.lastDay ?? claim.notice.endsAt.slice(0, 10), lang)}
              onLodged={(message) => {
                setDecided(message);
                props.onChanged();
              }}
            />
          ) : null}
          {claim.reviewedBy && claim.approvedAt ? (
            <p class="hint">
              {t('claimReview.approvedBy', {
                by: person(claim.reviewedBy),
                at: formatInstant(claim.approvedAt, lang),
              })}
            </p>
          ) : null}
        </aside>
      </div>
      <Timeline claimId={claim.claimId} refreshKey={claim.version} />
    </section>
  );
}

/** The year's budget an approval reserves from: does this claim fit? */
function BudgetBox(props: { budget: Budget | undefined; year: number; amountFen: number }) {
  const { t } = useI18n();
  const { budget } = props;
  return (
    <section aria-labelledby="budget-title" data-testid="claim-budget">
      <h2 id="budget-title">{t('claimReview.budget', { year: props.year })}</h2>
      {budget ? (
        <dl class="facts compact">
          <dt>{t('budget.total')}</dt>
          <dd>{formatFen(budget.budgetFen)}</dd>
          <dt>{t('budget.reserved')}</dt>
          <dd>{formatFen(budget.reservedFen)}</dd>
          <dt>{t('budget.paid')}</dt>
          <dd>{formatFen(budget.paidFen)}</dd>
          <dt>{t('budget.available')}</dt>
          <dd class={budget.availableFen < props.amountFen ? 'overdue' : ''}>
            {formatFen(budget.availableFen)}
          </dd>
        </dl>
      ) : (
        <p>{t('budget.none', { year: props.year })}</p>
      )}
      {budget && budget.availableFen < props.amountFen ? (
        <Alert kind="warning">{t('claimReview.doesNotFit')}</Alert>
      ) : null}
    </section>
  );
}

/** Approve the computed amount (or less, with a reason), return, or reject. */
function ClaimDecision(props: { claim: ClaimView; onDecided: (message: string) => void }) {
  const { t, m } = useI18n();
  const { claim } = props;
  const [amount, setAmount] = useState(fenToYuanText(claim.computedAmountFen));
  const [amountError, setAmountError] = useState<string>();
  const approved = parseYuan(amount);
  const lowered = approved !== undefined && approved < claim.computedAmountFen;
  const [rows, setRows] = useCorrectionRows();
  return (
    <DecisionPanel
      task={claim.currentTask}
      returnBody={() => correctionsBody(rows)}
      returnFields={<CorrectionEditor targets={claimTargets(t)} rows={rows} onChange={setRows} />}
      approveLabel={t('claimReview.approve', { amount: approved === undefined ? '—' : formatFen(approved) })}
      approveBody={() => (lowered ? { approvedAmountFen: approved } : {})}
      target={(path) =>
        path === 'approvedAmountFen' ? { id: 'approved-amount', label: t('claimReview.amount') } : undefined
      }
      checkApproval={(reason) => {
        const problems = [];
        if (approved === undefined)
          problems.push({ path: 'approvedAmountFen', message: t('claimReview.amountInvalid') });
        else if (approved > claim.computedAmountFen)
          problems.push({
            path: 'approvedAmountFen',
            message: t('claimReview.amountTooHigh', { amount: formatFen(claim.computedAmountFen) }),
          });
        setAmountError(problems[0]?.message);
        if (lowered && !reason) problems.push({ path: 'reason', message: t('claimReview.reasonForLower') });
        return problems;
      }}
      onFieldErrors={(errors) => {
        const found = errors.filter((error) => error.path === 'approvedAmountFen');
        if (found.length) setAmountError(found.map((error) => m(error)).join(punct().semi));
      }}
      approvedMessage={t('decision.done.claimApproved', {
        amount: formatFen(approved ?? claim.computedAmountFen),
      })}
      onDecided={(_outcome, message) => props.onDecided(message)}
    >
      <div class={`field ${amountError ? 'field-invalid' : ''}`}>
        <label for="approved-amount">{t('claimReview.amount')}</label>
        <input
          id="approved-amount"
          inputMode="decimal"
          value={amount}
          aria-invalid={Boolean(amountError)}
          aria-describedby={
            amountError ? 'approved-amount-hint approved-amount-error' : 'approved-amount-hint'
          }
          onInput={(event) => {
            const text = event.currentTarget.value;
            setAmount(text);
            // More than the rules allow is refused as it is typed, not only at the approval.
            const typed = parseYuan(text);
            setAmountError(
              typed !== undefined && typed > claim.computedAmountFen
                ? t('claimReview.amountTooHigh', { amount: formatFen(claim.computedAmountFen) })
                : undefined,
            );
          }}
        />
        <small class="hint" id="approved-amount-hint">
          {t('claimReview.amountHint', { amount: formatFen(claim.computedAmountFen) })}
          {lowered ? ` ${t('claimReview.lowered', { amount: formatFen(approved) })}` : ''}
        </small>
        {amountError ? (
          <small class="error-text" id="approved-amount-error">
            {amountError}
          </small>
        ) : null}
      </div>
    </DecisionPanel>
  );
}

/** An objection during the public notice: the claim goes back to review (and its reservation is released). */
function Objection(props: { claim: ClaimView; until: string; onLodged: (message: string) => void }) {
  const { t, m } = useI18n();
  const { api } = useApp();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const lodge = async () => {
    setFailure(undefined);
    setError(undefined);
    if (!reason.trim()) {
      setError(t('claimReview.objectionReason'));
      setAttempt((value) => value + 1);
      return;
    }
    setBusy(true);
    try {
      await api.post(`/claims/${props.claim.claimId}/objection`, { body: { reason: reason.trim() } });
      props.onLodged(t('claimReview.objected'));
    } catch (caught) {
      if (caught instanceof ApiError && caught.errors.length)
        setError(caught.errors.map((entry) => m(entry)).join(punct().semi));
      else setFailure(caught);
      setAttempt((value) => value + 1);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="decision" aria-labelledby="objection-title" data-testid="objection-panel">
      <h2 id="objection-title">{t('claimReview.notice')}</h2>
      <p>{t('claimReview.noticeUntil', { date: props.until })}</p>
      <div class={`field ${error ? 'field-invalid' : ''}`}>
        <label for="objection-reason">{t('claimReview.objectionLabel')}</label>
        <textarea
          id="objection-reason"
          rows={3}
          maxLength={500}
          value={reason}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? 'objection-reason-error' : undefined}
          onInput={(event) => {
            setError(undefined);
            setReason(event.currentTarget.value);
          }}
        />
        {error ? (
          <small class="error-text" id="objection-reason-error">
            {error}
          </small>
        ) : null}
      </div>
      <ErrorSummary
        attempt={attempt}
        error={failure}
        problems={error ? [{ text: error, target: 'objection-reason' }] : []}
        notFound="error.claimNotFound"
      />
      <div class="decision-buttons">
        <button
          type="button"
          class="button-danger"
          disabled={busy}
          onClick={() => void lodge()}
          data-testid="lodge-objection"
        >
          {busy ? t('decision.sending') : t('claimReview.objection')}
        </button>
      </div>
    </section>
  );
}
