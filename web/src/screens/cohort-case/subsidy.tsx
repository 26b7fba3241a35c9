/**
 * The cohort's subsidy (use case claims): its ledger, its claims, and — for the clerk — the claim it
 * may prepare now, or why it may not yet.
 */
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../../context.ts';
import { formatDate, formatFen, todayInChina } from '../../format.ts';
import { type MessageKey, useI18n } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { StatusBadge } from '../../ui.tsx';
import type { CohortView } from '../cohort-parts.tsx';

/** What the clerk may claim now on a filed or completed cohort, or why not yet. */
function useClaimOptions(cohort: CohortView) {
  const { t, lang } = useI18n();
  const { systemNow } = useApp();
  const [today, setToday] = useState<string>();
  useEffect(() => {
    systemNow().then((now) => setToday(todayInChina(now)));
  }, [systemNow]);
  const ledger = cohort.ledger ?? { advancePaidFen: 0, finalPaidFen: 0, recoveryOwedFen: 0, claims: [] };
  const active = ledger.claims.filter((claim) => !['REJECTED', 'WITHDRAWN'].includes(claim.status));
  const hasAdvance = active.some((claim) => claim.kind === 'advance');
  const hasFinal = active.some((claim) => claim.kind === 'final');
  const missing = cohort.apprentices.filter((apprentice) =>
    ['enrolled', 'completed'].includes(apprentice.status),
  ).length;
  const ended = today !== undefined && today > cohort.endDate;
  const advanceOpen = active.some((claim) => claim.kind === 'advance' && claim.status !== 'PAID');
  const finalBlocked = !ended
    ? t('case.finalAfter', { date: formatDate(cohort.endDate, lang) })
    : missing > 0
      ? t('claim.outcomesMissing', { n: missing })
      : advanceOpen
        ? t('case.finalAfterAdvance')
        : undefined;
  return { ledger, advance: !hasAdvance && !hasFinal, final: !hasFinal && today !== undefined, finalBlocked };
}

/**
 * The next step on the subsidy, where the person looks first (the actions panel at the top): the
 * advance while none was claimed, the final settlement once training has ended and every apprentice
 * has an outcome — or why it has to wait.
 */
export function ClaimNextStep(props: { cohort: CohortView; fallback?: string }) {
  const { t } = useI18n();
  const { features } = useApp();
  const { cohort } = props;
  const options = useClaimOptions(cohort);
  if (!features.claims) return null;
  if (!options.advance && !options.final) return props.fallback ? <p>{props.fallback}</p> : null;
  return (
    <>
      {options.advance ? (
        <Link
          class="button button-primary"
          href={`/app/cohorts/${cohort.cohortId}/claims/new?kind=advance`}
          data-testid="new-advance"
        >
          {t('case.claimAdvance')}
        </Link>
      ) : null}
      {options.final ? (
        options.finalBlocked ? (
          <span class="hint" data-testid="final-blocked">
            {options.finalBlocked}
          </span>
        ) : (
          <Link
            class="button button-primary"
            href={`/app/cohorts/${cohort.cohortId}/claims/new?kind=final`}
            data-testid="new-final"
          >
            {t('case.claimFinal')}
          </Link>
        )
      ) : null}
    </>
  );
}

/** The cohort's subsidy: its ledger and its claims. */
export function CohortClaims(props: { cohort: CohortView }) {
  const { t } = useI18n();
  const { features } = useApp();
  const { cohort } = props;
  if (!features.claims) return null;
  const ledger = cohort.ledger ?? { advancePaidFen: 0, finalPaidFen: 0, recoveryOwedFen: 0, claims: [] };
  return (
    <section aria-labelledby="claims-title" data-testid="cohort-claims">
      <h2 id="claims-title">{t('case.claims')}</h2>
      <dl class="facts">
        <dt>{t('case.advancePaid')}</dt>
        <dd data-testid="ledger-advance">{formatFen(ledger.advancePaidFen)}</dd>
        <dt>{t('case.finalPaid')}</dt>
        <dd data-testid="ledger-final">{formatFen(ledger.finalPaidFen)}</dd>
        <dt>{t('claim.recovery')}</dt>
        <dd>{formatFen(ledger.recoveryOwedFen)}</dd>
      </dl>
      {ledger.claims.length ? (
        <ul class="plain">
          {ledger.claims.map((claim) => (
            <li key={claim.claimId}>
              <Link href={`/app/claims/${claim.claimId}`}>
                {t(`claimKind.${claim.kind}` as MessageKey)} <code>{claim.claimId}</code>
              </Link>{' '}
              <StatusBadge status={claim.status} />
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('case.noClaims')}</p>
      )}
    </section>
  );
}
