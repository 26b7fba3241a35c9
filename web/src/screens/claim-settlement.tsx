/**
 * Every step of the settlement formula as the API stored it on the claim (shared/domain/settlement.ts):
 * per apprentice the months, standard, rate and what is earned; the fee cap, applied or not; the
 * advance's basis and share; what earlier claims paid and is deducted; each rounding down to the fen.
 * Beside it, for the bureau, the amount prepared and the amount at approval: recomputed at approval
 * from the apprentices still in training, shown before approving by the same formula.
 */
import { useState } from 'preact/hooks';
import type { ApprenticeRecord } from '../../../shared/domain/cohort.ts';
import type { Policy } from '../../../shared/domain/policy.ts';
import { type SettlementSteps, settle } from '../../../shared/domain/settlement.ts';
import { formatFen } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { ScrollRegion } from '../ui.tsx';
import type { ClaimView } from './claim-names.ts';
import type { CohortView } from './cohort-parts.tsx';

const percent = (basisPoints: number) => {
  const rest = basisPoints % 100;
  return `${Math.trunc(basisPoints / 100)}${rest === 0 ? '' : `.${String(rest).padStart(2, '0').replace(/0$/, '')}`}%`;
};

export function SettlementTable(props: { steps: SettlementSteps; cohort?: CohortView | undefined }) {
  const { t } = useI18n();
  const { steps } = props;
  const [open, setOpen] = useState(false);
  const names = new Map(props.cohort?.apprentices.map((row) => [row.apprenticeId, row.name]));
  const advance = steps.kind === 'advance';
  return (
    <section aria-labelledby="settlement-title" data-testid="claim-settlement">
      <h3 id="settlement-title">{t('settlement.title')}</h3>
      <p class="hint">
        {t('settlement.covered', { months: steps.monthsCovered, planned: steps.monthsPlanned })}{' '}
        {t('settlement.rounding')}
      </p>
      {/* Closed at first: a cohort may have 200 rows, and the sums below are what most readers need. */}
      <details
        data-testid="settlement-details"
        onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
      >
        <summary>{t('settlement.perApprentice', { n: steps.apprentices.length })}</summary>
        {/* Mounted when opened, so the region measures whether it scrolls at the width it opens in. */}
        {open ? (
          <ScrollRegion label={t('settlement.title')}>
            <table class="grid" data-testid="settlement-apprentices">
              <thead>
                <tr>
                  <th scope="col">{t('col.index')}</th>
                  <th scope="col">{t('col.name')}</th>
                  <th scope="col">{t('settlement.outcome')}</th>
                  <th scope="col">{t('settlement.months')}</th>
                  <th scope="col">{t('settlement.standard')}</th>
                  <th scope="col">{t('settlement.rate')}</th>
                  <th scope="col">{advance ? t('settlement.basis') : t('settlement.earned')}</th>
                </tr>
              </thead>
              <tbody>
                {steps.apprentices.map((row, index) => (
                  <tr key={row.apprenticeId}>
                    <th scope="row">{index + 1}</th>
                    <td>{names.get(row.apprenticeId) ?? row.apprenticeId}</td>
                    <td>{t(`settlement.outcome.${row.outcome}` as MessageKey)}</td>
                    <td>{row.months}</td>
                    <td>{formatFen(row.standardFen)}</td>
                    <td>{percent(row.rateBasisPoints)}</td>
                    <td>{formatFen(row.earnedFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        ) : null}
      </details>
      <dl class="facts" data-testid="settlement-steps">
        <dt>{advance ? t('settlement.basisTotal') : t('settlement.earnedTotal')}</dt>
        <dd>{formatFen(steps.earnedFen)}</dd>
        {steps.advance ? (
          <>
            <dt>{t('settlement.advanceShare')}</dt>
            <dd>
              {t('settlement.advanceShareValue', {
                basis: t(`settlement.basis.${steps.advance.basis}` as MessageKey),
                n: steps.advance.headcount,
                basisFen: formatFen(steps.advance.basisFen),
                share: percent(steps.advance.shareBasisPoints),
                amount: formatFen(steps.advance.shareFen),
              })}
            </dd>
          </>
        ) : null}
        <dt>{t('settlement.feeCap')}</dt>
        <dd data-testid="settlement-fee-cap">
          {steps.feeCap
            ? t(steps.feeCap.applied ? 'settlement.feeCapApplied' : 'settlement.feeCapNotApplied', {
                fee: formatFen(steps.feeCap.feePaidFen),
                cap: percent(steps.feeCap.capBasisPoints),
                capFen: formatFen(steps.feeCap.capFen),
              })
            : t('settlement.feeCapNone')}
        </dd>
        {advance ? null : (
          <>
            <dt>{t('settlement.paidBefore')}</dt>
            <dd>
              {t('settlement.paidBeforeValue', {
                advance: formatFen(steps.paidBefore.advanceFen),
                interim: formatFen(steps.paidBefore.interimFen),
              })}
            </dd>
            <dt>{t('settlement.balance')}</dt>
            <dd data-testid="settlement-balance">
              {t('settlement.balanceValue', {
                earned: formatFen(steps.earnedAfterCapFen),
                paid: formatFen(steps.paidBefore.totalFen),
                balance: formatFen(steps.balanceFen),
              })}
            </dd>
          </>
        )}
        <dt>{t('settlement.amount')}</dt>
        <dd class="total">
          {formatFen(steps.amountFen)}
          {steps.recoveryFen > 0
            ? ` · ${t('settlement.recovery', { amount: formatFen(steps.recoveryFen) })}`
            : ''}
        </dd>
      </dl>
    </section>
  );
}

/**
 * The amount prepared beside the amount at approval. Before approval the latter is what the formula
 * gives now, from the cohort as it stands (the API computes it again when the reviewer approves).
 */
export function PreparedAndApproved(props: { claim: ClaimView; cohort?: CohortView | undefined }) {
  const { t } = useI18n();
  const { claim, cohort } = props;
  const prepared = claim.preparedAmountFen ?? claim.computedAmountFen;
  const steps = claim.computation.settlement;
  let atApproval: number | undefined;
  if (claim.approvedAt) atApproval = claim.computedAmountFen;
  else if (claim.status === 'BUREAU_REVIEW' && steps && cohort) {
    const excluded = new Set((claim.computation.excluded ?? []).map((entry) => entry.apprenticeId));
    const filed = new Set(steps.apprentices.map((row) => row.apprenticeId));
    atApproval = settle({
      policy: { policyVersion: steps.policyVersion, settlement: steps.rules } as Policy,
      cohort: {
        ...cohort,
        standardFen: steps.standardFen,
        apprentices: (cohort.apprentices as unknown as ApprenticeRecord[]).filter((row) =>
          filed.has(row.apprenticeId),
        ),
        excluded,
      },
      claim,
      paid: {
        advanceFen: cohort.ledger?.advancePaidFen ?? 0,
        interimFen: cohort.ledger?.interimPaidFen ?? 0,
      },
      feePaidFen: claim.evidence.feeInvoiceAmountFen,
    }).amountFen;
  }
  if (atApproval === undefined) return null;
  return (
    <>
      <dl class="facts side-by-side" data-testid="prepared-and-approved">
        <dt>{t('settlement.prepared')}</dt>
        <dd data-testid="amount-prepared">{formatFen(prepared)}</dd>
        <dt>{claim.approvedAt ? t('settlement.atApproval') : t('settlement.atApprovalNow')}</dt>
        <dd data-testid="amount-at-approval">{formatFen(atApproval)}</dd>
        {claim.recomputation ? (
          <>
            <dt>{t('settlement.why')}</dt>
            <dd>{claim.recomputation.reason}</dd>
          </>
        ) : null}
      </dl>
      <p class="hint">{t('settlement.recomputedHint')}</p>
    </>
  );
}
