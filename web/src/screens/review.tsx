/**
 * The bureau reviewer's page: everything needed to decide a filing on one screen — the case, the
 * approvals of this round, the apprentices with identities masked (a full ID number is shown only
 * after a reason is given, and the API records that read in the case's audit trail), the policy
 * version and the subsidy with how it is computed (the domain's own `cohortEntitlementFen`; on a
 * FILED cohort, the figures stored with it), the history, and the decision.
 */

import { useState } from 'preact/hooks';
import { type CohortEntitlement, cohortEntitlementFen } from '../../../shared/domain/entitlement.ts';
import { says } from '../../../shared/domain/error-codes.ts';
import { ApiError } from '../api.ts';
import { type Policy, useApp } from '../context.ts';
import { formatFen, formatInstant } from '../format.ts';
import { type MessageKey, punct, useI18n } from '../i18n.ts';
import { usePeople } from '../people.ts';
import {
  Alert,
  ConfirmDialog,
  PageHeader,
  type Problem,
  Progress,
  StatusBadge,
  Unavailable,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import {
  ApprenticeTable,
  CaseNotices,
  CaseRef,
  type CohortApprentice,
  CohortFacts,
  type CohortView,
  cohortTitle,
  StageSteps,
  Timeline,
} from './cohort-parts.tsx';
import {
  CorrectionChecklist,
  CorrectionEditor,
  cohortTargets,
  correctionsBody,
  targetLabel,
  useCorrectionRows,
} from './corrections.tsx';
import { DecisionPanel } from './decision.tsx';
import { EmploymentChecks } from './employment-checks.tsx';

export function Review(props: { cohortId: string }) {
  const { t } = useI18n();
  const { api, policy, occupations } = useApp();
  const [refresh, setRefresh] = useState(0);
  const loaded = useLoad(
    () => Promise.all([api.get<CohortView>(`/cohorts/${props.cohortId}`), policy(), occupations()]),
    [props.cohortId, refresh],
  );
  useFocusHeading(loaded.data?.[0].cohortId);
  if (loaded.error) {
    return <Unavailable error={loaded.error} back="/app/inbox" />;
  }
  if (!loaded.data) return <Progress label={t('app.loading')} />;
  const [cohort, inForce, catalogue] = loaded.data;
  const shortage =
    catalogue.find((occupation) => occupation.code === cohort.occupationCode)?.shortage ?? false;
  return (
    <ReviewPage
      cohort={cohort}
      policy={inForce}
      shortage={shortage}
      onDecided={() => setRefresh((value) => value + 1)}
    />
  );
}

function ReviewPage(props: { cohort: CohortView; policy: Policy; shortage: boolean; onDecided: () => void }) {
  const { t, lang } = useI18n();
  const person = usePeople();
  const { cohort } = props;
  const [auditTick, setAuditTick] = useState(0);
  const [decided, setDecided] = useState<string>();
  const deciding = cohort.status === 'BUREAU_REVIEW' && cohort.currentTask;
  const [rows, setRows] = useCorrectionRows();
  const targets = cohortTargets(t, cohort);
  return (
    <section data-testid="review" data-status={cohort.status}>
      <PageHeader
        title={`${t('review.title')} · ${cohortTitle(t, cohort)}`}
        subtitle={<CaseRef kase={cohort} id={cohort.cohortId} />}
      >
        <StatusBadge status={cohort.status} />
      </PageHeader>
      <StageSteps status={cohort.status} />
      <CaseNotices cohort={cohort} />
      {decided ? <Alert kind="success">{decided}</Alert> : null}
      {!deciding && !decided && !['FILED', 'COMPLETED'].includes(cohort.status) ? (
        <Alert kind="info">
          {t('review.notYourTurn', { status: t(`status.${cohort.status}` as MessageKey) })}
        </Alert>
      ) : null}
      <div class="review-layout">
        <div class="review-main">
          <section aria-labelledby="summary-title">
            <h2 id="summary-title">{t('review.summary')}</h2>
            <CohortFacts cohort={cohort} />
          </section>
          <Entitlement cohort={cohort} policy={props.policy} shortage={props.shortage} />
          <section aria-labelledby="apprentices-title">
            <h2 id="apprentices-title">{t('case.apprentices', { n: cohort.apprentices.length })}</h2>
            <p class="hint">{t('case.masked')}</p>
            <RevealableApprentices cohort={cohort} onRevealed={() => setAuditTick((value) => value + 1)} />
          </section>
        </div>
        <aside class="review-side">
          <CorrectionChecklist notice={cohort.corrections} label={targetLabel(targets)} />
          <section aria-labelledby="approvals-title">
            <h2 id="approvals-title">{t('review.approvals')}</h2>
            {cohort.approvals.length ? (
              <ul class="plain">
                {cohort.approvals.map((approval) => (
                  <li key={`${approval.stage}-${approval.at}`}>
                    {t('review.approvedBy', {
                      stage: t(`stage.${approval.stage}` as MessageKey),
                      by: person(approval.by),
                      at: formatInstant(approval.at, lang),
                    })}
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t('common.none')}</p>
            )}
          </section>
          {deciding && !decided ? (
            <DecisionPanel
              task={cohort.currentTask}
              returnBody={() => correctionsBody(rows)}
              returnFields={<CorrectionEditor targets={targets} rows={rows} onChange={setRows} />}
              approveLabel={t('review.approve')}
              approvedMessage={t('decision.done.filed')}
              onDecided={(_outcome, message) => {
                setDecided(message);
                props.onDecided();
              }}
            />
          ) : null}
        </aside>
      </div>
      <EmploymentChecks
        cohortId={cohort.cohortId}
        names={new Map(cohort.apprentices.map((apprentice) => [apprentice.apprenticeId, apprentice.name]))}
        refreshKey={`${cohort.version}-${decided ?? ''}`}
      />
      <Timeline cohortId={cohort.cohortId} refreshKey={`${cohort.version}-${auditTick}`} />
    </section>
  );
}

/** The subsidy and how it is computed: standard × months ÷ 12 per apprentice, times the apprentices. */
function Entitlement(props: { cohort: CohortView; policy: Policy; shortage: boolean }) {
  const { t } = useI18n();
  const { cohort } = props;
  let figures: CohortEntitlement | undefined = cohort.entitlement;
  let missingStandard = false;
  if (!figures) {
    try {
      figures = cohortEntitlementFen(
        props.policy,
        {
          targetLevel: cohort.targetLevel,
          startDate: cohort.startDate,
          endDate: cohort.endDate,
          apprenticeCount: cohort.apprentices.filter((apprentice) => apprentice.status === 'enrolled').length,
        },
        { shortage: props.shortage },
      );
    } catch {
      missingStandard = true;
    }
  }
  return (
    <section aria-labelledby="policy-title" class="entitlement" data-testid="entitlement-panel">
      <h2 id="policy-title">{t('review.policy')}</h2>
      {missingStandard || !figures ? (
        <Alert kind="error">{t('review.noStandard')}</Alert>
      ) : (
        <>
          <dl class="facts">
            <dt>{t('review.policyVersion')}</dt>
            <dd data-testid="policy-version">{figures.policyVersion}</dd>
            <dt>{t('review.standard')}</dt>
            <dd>
              {t('review.standardValue', {
                amount: formatFen(figures.standardFen),
                kind: figures.shortage ? t('review.shortage') : t('review.regular'),
              })}
            </dd>
            <dt>{t('review.months')}</dt>
            <dd>{t('common.months', { n: figures.months })}</dd>
            <dt>{t('review.perApprentice')}</dt>
            <dd>
              {t('review.formula', {
                standard: formatFen(figures.standardFen),
                months: figures.months,
                per: formatFen(figures.perApprenticeFen),
              })}
            </dd>
            <dt>{t('review.count')}</dt>
            <dd>{t('common.people', { n: figures.apprentices })}</dd>
            <dt>{t('review.total')}</dt>
            <dd class="total" data-testid="entitlement-total">
              {t('review.totalFormula', {
                per: formatFen(figures.perApprenticeFen),
                n: figures.apprentices,
                total: formatFen(figures.totalFen),
              })}
            </dd>
          </dl>
          <p class="hint">
            {cohort.entitlement ? t('review.filed', { version: figures.policyVersion }) : t('review.preview')}
          </p>
        </>
      )}
    </section>
  );
}

function RevealableApprentices(props: { cohort: CohortView; onRevealed: () => void }) {
  const { t, m } = useI18n();
  const { api } = useApp();
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [asking, setAsking] = useState<CohortApprentice>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();

  const reveal = async (): Promise<Problem[] | undefined> => {
    if (!asking) return;
    if (reason.trim().length < 4) {
      const text = m(says('identity.reason_too_short'));
      setError(text);
      return [{ text, target: 'reveal-reason' }];
    }
    setError(undefined);
    try {
      const identity = await api.get<{ idNumber: string }>(
        `/cohorts/${props.cohort.cohortId}/apprentices/${asking.apprenticeId}/identity?reason=${encodeURIComponent(reason.trim())}`,
      );
      setRevealed((previous) => ({ ...previous, [asking.apprenticeId]: identity.idNumber }));
    } catch (failure) {
      if (!(failure instanceof ApiError && failure.errors.length)) throw failure;
      const text = failure.errors.map((entry) => m(entry)).join(punct().semi);
      setError(text);
      return [{ text, target: 'reveal-reason' }];
    }
    setAsking(undefined);
    setReason('');
    props.onRevealed();
  };

  return (
    <>
      <ApprenticeTable
        cohort={props.cohort}
        idCell={(apprentice) =>
          revealed[apprentice.apprenticeId] ? (
            <span class="revealed" data-testid="revealed-id">
              {revealed[apprentice.apprenticeId]} <small>{t('review.revealed')}</small>
            </span>
          ) : (
            <span class="masked-id">
              {apprentice.idNumber}{' '}
              <button
                type="button"
                class="link-button small"
                aria-label={`${t('review.reveal')}${punct().colon}${apprentice.name}`}
                onClick={() => {
                  setAsking(apprentice);
                  setError(undefined);
                }}
              >
                {t('review.reveal')}
              </button>
            </span>
          )
        }
      />
      <ConfirmDialog
        open={asking !== undefined}
        title={t('review.revealTitle', { name: asking?.name ?? '' })}
        onClose={() => setAsking(undefined)}
        onConfirm={reveal}
        confirmLabel={t('review.revealConfirm')}
        confirmTestId="confirm-reveal"
      >
        <div class={`field ${error ? 'field-invalid' : ''}`}>
          <label for="reveal-reason">{t('review.revealReason')}</label>
          <textarea
            id="reveal-reason"
            rows={3}
            maxLength={500}
            value={reason}
            aria-invalid={Boolean(error)}
            aria-describedby={error ? 'reveal-reason-error' : undefined}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          {error ? (
            <small class="error-text" id="reveal-reason-error">
              {error}
            </small>
          ) : null}
        </div>
      </ConfirmDialog>
    </>
  );
}
