/**
 * Pieces every claim screen shows: where the claim stands among its stages, its facts, the amount
 * and how the rules computed it (the claim's own `computation`, stored with it), the evidence, the
 * school's verification and the public notice. Money is integer fen from the API to the screen.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { earnsSubsidy } from '../../../shared/domain/claim-money.ts';
import type { ApprenticeRecord } from '../../../shared/domain/cohort.ts';
import { organisationName, useApp } from '../context.ts';
import { formatBytes, formatCount, formatDate, formatFen, formatInstant } from '../format.ts';
import { type MessageKey, punct, useI18n } from '../i18n.ts';
import { usePeople } from '../people.ts';
import { Link } from '../router.tsx';
import { Alert, describeError, ScrollRegion, StatusBadge, useLoad } from '../ui.tsx';
import { type ClaimView, claimHeadline, claimTitle, useOccupationNames } from './claim-names.ts';
import { PreparedAndApproved, SettlementTable } from './claim-settlement.tsx';
import { type CohortView, cohortTitle, levelName } from './cohort-parts.tsx';
import { type DocumentView, documentIdOf } from './evidence-upload.ts';

export type { ClaimView };
export { claimHeadline, claimTitle, useOccupationNames };

/** `GET /budgets/{district}/{year}` (the domain's `Budget`; its module brings server-side types). */
export interface Budget {
  districtCode: string;
  year: number;
  budgetFen: number;
  reservedFen: number;
  paidFen: number;
  availableFen: number;
  version: number;
}

interface ReportTotals {
  claims: number;
  paidFen: number;
  recoveryFen: number;
}

/** `GET /reports/subsidies?year=` (as `shared/domain/use-cases/reports.ts` writes it). */
export interface SubsidyReport {
  year: number;
  districtCode: string;
  totals: ReportTotals;
  /** The municipal bureau's whole-city report: one row per district. */
  byDistrict?: (ReportTotals & { districtCode: string })[];
  byOccupation: (ReportTotals & { occupationCode: string })[];
  byLevel: (ReportTotals & { targetLevel: number })[];
  byEnterprise: (ReportTotals & { enterpriseId: string })[];
  bySchool: (ReportTotals & { schoolId: string })[];
}

/** The stages of a claim: a settlement (interim or final) has a public notice between review and payment. */
export function claimSteps(kind: string): string[] {
  return kind !== 'advance'
    ? ['PREPARED', 'SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT', 'PAID']
    : ['PREPARED', 'SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PAYMENT', 'PAID'];
}

export function ClaimSteps(props: { claim: Pick<ClaimView, 'kind' | 'status'> }) {
  const { t } = useI18n();
  const steps = claimSteps(props.claim.kind);
  const { status } = props.claim;
  const reached = status === 'PAID' ? steps.length : status === 'RETURNED' ? 0 : steps.indexOf(status);
  return (
    <div class="steps-wrap">
      <ol class="steps" aria-label={t('case.stages')} data-testid="claim-steps">
        {steps.map((step, index) => {
          const state =
            reached < 0 ? 'todo' : index < reached ? 'done' : index === reached ? 'current' : 'todo';
          return (
            <li
              key={step}
              class={`step step-${state}`}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              <span class="step-dot" aria-hidden="true">
                {state === 'done' ? '✓' : index + 1}
              </span>
              <span class="step-label">{t(`claimStep.${step}` as MessageKey)}</span>
            </li>
          );
        })}
      </ol>
      {['RETURNED', 'REJECTED', 'WITHDRAWN'].includes(status) ? <StatusBadge status={status} /> : null}
    </div>
  );
}

/** Percent from basis points, written without float noise (5000 → "50", 3333 → "33.33"). */
export function percentOf(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const rest = basisPoints % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

/** The amount and how it was computed, in words and figures (the bureau reviews exactly this). */
export function ClaimComputation(props: { claim: ClaimView; cohort?: CohortView | undefined }) {
  const { t } = useI18n();
  const { claim } = props;
  const c = claim.computation;
  return (
    <section aria-labelledby="computation-title" class="entitlement" data-testid="claim-computation">
      <h2 id="computation-title">{t('claim.computation')}</h2>
      <dl class="facts">
        <dt>{t('review.policyVersion')}</dt>
        <dd data-testid="claim-policy">{c.policyVersion}</dd>
        {claim.kind === 'advance' ? (
          <>
            <dt>{t('claim.basis')}</dt>
            <dd>{t('claim.advanceBasis', { n: c.apprentices, amount: formatFen(c.entitlementFen) })}</dd>
            <dt>{t('claim.share')}</dt>
            <dd>{`${percentOf(c.advanceShareBasisPoints ?? 0)}%`}</dd>
            <dt>{t('claim.computed')}</dt>
            <dd class="total" data-testid="claim-formula">
              {t('claim.advanceFormula', {
                entitlement: formatFen(c.entitlementFen),
                share: percentOf(c.advanceShareBasisPoints ?? 0),
                amount: formatFen(claim.computedAmountFen),
              })}
            </dd>
          </>
        ) : (
          <>
            <dt>{t('claim.earners')}</dt>
            <dd>{t('claim.earnersValue', { earners: c.earners ?? 0, n: c.apprentices })}</dd>
            <dt>{t('claim.earned')}</dt>
            <dd>
              {t('claim.earnedValue', {
                amount: formatFen(c.earnedFen ?? 0),
                entitlement: formatFen(c.entitlementFen),
              })}
            </dd>
            <dt>{t('claim.advanced')}</dt>
            <dd>{formatFen(c.advancedFen ?? 0)}</dd>
            <dt>{t('claim.computed')}</dt>
            <dd class="total" data-testid="claim-formula">
              {t('claim.finalFormula', {
                earned: formatFen(c.earnedFen ?? 0),
                advanced: formatFen(c.advancedFen ?? 0),
                amount: formatFen(claim.computedAmountFen),
              })}
            </dd>
            {claim.recoveryFen > 0 ? (
              <>
                <dt>{t('claim.recovery')}</dt>
                <dd class="total" data-testid="claim-recovery">
                  {formatFen(claim.recoveryFen)}
                </dd>
              </>
            ) : null}
          </>
        )}
        {claim.reduction ? (
          <>
            <dt>{t('claim.reduced')}</dt>
            <dd data-testid="claim-reduction">
              {t('claim.reducedValue', {
                from: formatFen(claim.reduction.fromFen),
                to: formatFen(claim.reduction.toFen),
                reason: claim.reduction.reason,
              })}
            </dd>
          </>
        ) : null}
      </dl>
      <PreparedAndApproved claim={claim} cohort={props.cohort} />
      <p class="hint">{t(`claim.${claim.kind}Rule` as MessageKey)}</p>
      {c.settlement ? <SettlementTable steps={c.settlement} cohort={props.cohort} /> : null}
    </section>
  );
}

/** The claim's facts: whose, which cohort, amounts, who did what, the notice and the payment. */
export function ClaimFacts(props: { claim: ClaimView; cohort?: CohortView; children?: ComponentChildren }) {
  const { t, lang } = useI18n();
  const { organisations } = useApp();
  const { claim, cohort } = props;
  const enterprise = organisations.get(claim.enterpriseId);
  return (
    <dl class="facts" data-testid="claim-facts">
      <dt>{t('claim.kind')}</dt>
      <dd>{t(`claimKind.${claim.kind}` as MessageKey)}</dd>
      <dt>{t('claim.cohort')}</dt>
      <dd>
        <Link href={`/app/cohorts/${claim.cohortId}`}>
          {cohort ? cohortTitle(t, cohort) : claim.cohortId}
        </Link>
        {cohort
          ? `${punct().open}${formatDate(cohort.startDate, lang)} – ${formatDate(cohort.endDate, lang)}${punct().close}`
          : null}
      </dd>
      <dt>{t('case.enterprise')}</dt>
      <dd>{organisationName(organisations, claim.enterpriseId)}</dd>
      <dt>{t('case.school')}</dt>
      <dd>{organisationName(organisations, claim.schoolId)}</dd>
      <dt>{t('claim.amount')}</dt>
      <dd class="total" data-testid="claim-amount">
        {formatFen(claim.amountFen)}
      </dd>
      {claim.amountFen !== claim.computedAmountFen ? (
        <>
          <dt>{t('claim.computed')}</dt>
          <dd>{formatFen(claim.computedAmountFen)}</dd>
        </>
      ) : null}
      {claim.recoveryFen > 0 ? (
        <>
          <dt>{t('claim.recovery')}</dt>
          <dd>{formatFen(claim.recoveryFen)}</dd>
        </>
      ) : null}
      <dt>{t('claim.bank')}</dt>
      <dd>
        {enterprise?.bankName ?? '—'} <span class="mono">{enterprise?.bankAccountMasked ?? ''}</span>
      </dd>
      <dt>{t('claim.round')}</dt>
      <dd>{claim.round}</dd>
      <dt>{t('claim.prepared')}</dt>
      <dd>{formatInstant(claim.createdAt, lang)}</dd>
      {claim.approvedAt ? (
        <>
          <dt>{t('claim.approvedAt')}</dt>
          <dd>
            {formatInstant(claim.approvedAt, lang)}
            {claim.budgetYear
              ? t('common.paren', { text: t('claim.budgetYear', { year: claim.budgetYear }) })
              : ''}
          </dd>
        </>
      ) : null}
      {claim.notice ? (
        <>
          <dt>{t('claim.notice')}</dt>
          <dd data-testid="claim-notice" data-ends-at={claim.notice.endsAt}>
            {t('claim.noticeValue', {
              from: formatInstant(claim.notice.startsAt, lang),
              to: formatDate(claim.notice.lastDay ?? claim.notice.endsAt.slice(0, 10), lang),
            })}
          </dd>
          {claim.notice.objections.length ? (
            <>
              <dt>{t('claim.objections')}</dt>
              <dd>
                <ul class="plain">
                  {claim.notice.objections.map((objection) => (
                    <li key={objection.at}>
                      {formatInstant(objection.at, lang)}
                      {punct().colon}
                      {objection.reason}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
        </>
      ) : null}
      {claim.paidAt ? (
        <>
          <dt>{t('claim.paidAt')}</dt>
          <dd data-testid="claim-paid-at">{formatInstant(claim.paidAt, lang)}</dd>
        </>
      ) : null}
      {props.children}
    </dl>
  );
}

/** Why the claim was sent back, refused or is held (a budget that does not fit). */
export function ClaimNotices(props: { claim: ClaimView }) {
  const { t } = useI18n();
  const { claim } = props;
  return (
    <>
      {claim.status === 'RETURNED' && claim.returnReason ? (
        <Alert kind="warning">{t('case.returnReason', { reason: claim.returnReason })}</Alert>
      ) : null}
      {claim.status === 'REJECTED' && claim.rejectReason ? (
        <Alert kind="error">{t('case.rejectReason', { reason: claim.rejectReason })}</Alert>
      ) : null}
      {claim.pendingReason && claim.status === 'BUREAU_REVIEW' ? (
        <Alert kind="warning">{t('claim.pending', { reason: claim.pendingReason })}</Alert>
      ) : null}
    </>
  );
}

/**
 * The evidence: the school's fee invoice, attendance in sum, and the documents — each by name, kind,
 * size and state, with a download. The list is open from the start where someone decides on the
 * claim (`openDocuments`: the school, the bureau); elsewhere it opens on request.
 */
export function ClaimEvidence(props: { claim: ClaimView; openDocuments?: boolean }) {
  const { t } = useI18n();
  // The municipal bureau reads the case, not its evidence (full ID numbers are the district reviewer's).
  const mayOpenDocuments = useApp().session.role !== 'city.admin';
  const { evidence } = props.claim;
  const hours = evidence.attendance.map((row) => row.hours);
  const videos = evidence.documents.filter((document) => document.kind === 'training_video').length;
  const [open, setOpen] = useState(props.openDocuments ?? false);
  return (
    <section aria-labelledby="evidence-title">
      <h2 id="evidence-title">{t('claim.evidence')}</h2>
      <dl class="facts" data-testid="claim-evidence">
        <dt>{t('claim.feeInvoiceNo')}</dt>
        <dd class="mono">{evidence.feeInvoiceNo}</dd>
        <dt>{t('claim.attendance')}</dt>
        <dd>
          {hours.length
            ? t('claim.attendanceValue', {
                n: hours.length,
                total: formatCount(hours.reduce((sum, value) => sum + value, 0)),
                min: formatCount(Math.min(...hours)),
                max: formatCount(Math.max(...hours)),
              })
            : t('common.none')}
        </dd>
        <dt>{t('claim.documents')}</dt>
        <dd>{t('claim.documentsValue', { n: evidence.documents.length, videos })}</dd>
      </dl>
      {evidence.documents.length && !mayOpenDocuments ? (
        <p class="hint" data-testid="claim-documents-closed">
          {t('city.evidenceClosed')}
        </p>
      ) : null}
      {evidence.documents.length && mayOpenDocuments ? (
        <details
          class="facts-details"
          data-testid="claim-documents"
          open={open}
          onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
        >
          <summary>{t('claim.documentsList')}</summary>
          {open ? <DocumentTable references={evidence.documents} /> : null}
        </details>
      ) : null}
    </section>
  );
}

/** A claim's documents as the API keeps them (`GET /documents/{id}` each: a few requests at most). */
function DocumentTable(props: { references: readonly { key: string; sha256: string; kind: string }[] }) {
  const { t } = useI18n();
  return (
    <ScrollRegion label={t('claim.documents')}>
      <table class="data evidence-files">
        <thead>
          <tr>
            <th scope="col">{t('claim.fileName')}</th>
            <th scope="col">{t('claim.docKind')}</th>
            <th scope="col">{t('claim.fileSize')}</th>
            <th scope="col">{t('claim.docStatus')}</th>
            <th scope="col">{t('claim.checksum')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('col.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.references.map((reference) => (
            <DocumentRow key={reference.key} reference={reference} />
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/**
 * One evidence document: its name, kind, size and state, and a download — a presigned link asked
 * for at the moment of the click (it lasts five minutes), served as an attachment.
 */
function DocumentRow(props: { reference: { key: string; sha256: string; kind: string } }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { api } = useApp();
  const { reference } = props;
  const documentId = documentIdOf(reference.key);
  const loaded = useLoad(
    () => (documentId ? api.get<DocumentView>(`/documents/${documentId}`) : Promise.resolve(undefined)),
    [documentId],
  );
  const [downloading, setDownloading] = useState(false);
  const [failed, setFailed] = useState<unknown>();
  const view = loaded.data;
  const download = async () => {
    setFailed(undefined);
    setDownloading(true);
    try {
      const fresh = await api.get<DocumentView>(`/documents/${documentId}`);
      if (!fresh.download) throw new Error(t(`docStatus.${fresh.status}`));
      // content-disposition: attachment — the browser saves it and this page stays.
      const link = document.createElement('a');
      link.href = fresh.download.url;
      link.rel = 'noopener';
      link.download = fresh.fileName;
      link.click();
    } catch (error) {
      setFailed(error);
    } finally {
      setDownloading(false);
    }
  };
  const name = view?.fileName ?? reference.key;
  return (
    <tr data-testid="claim-document" data-key={reference.key} data-status={view?.status ?? ''}>
      <td class="file-name">
        {view ? (
          <strong>{view.fileName}</strong>
        ) : loaded.loading ? (
          <span class="hint">{t('doc.loading')}</span>
        ) : (
          <code>{reference.key}</code>
        )}
        {loaded.error || failed ? (
          <small class="error-text">
            {describeError(i18n, failed ?? loaded.error, 'error.documentNotFound').summary}
          </small>
        ) : null}
      </td>
      <td>{t(`docKind.${reference.kind}` as MessageKey)}</td>
      <td class="number">{view ? formatBytes(view.sizeBytes) : '—'}</td>
      <td>
        {view ? (
          <span class={view.status === 'STORED' ? 'ok-count' : 'error-text'}>
            {view.status === 'STORED' ? '✓ ' : ''}
            {t(`docStatus.${view.status}`)}
          </span>
        ) : (
          '—'
        )}
      </td>
      <td class="mono small" title={reference.sha256}>
        {reference.sha256.slice(0, 16)}…
      </td>
      <td>
        {view?.status === 'STORED' ? (
          <button
            type="button"
            class="button-ghost small"
            data-testid="download-document"
            aria-label={t('doc.downloadFile', { name })}
            disabled={downloading}
            onClick={() => void download()}
          >
            {downloading ? t('doc.downloading') : t('doc.download')}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/**
 * What one apprentice adds to the claim's computation, honestly: the final settlement counts the
 * full entitlement of an apprentice certified at the target level or higher and ¥0.00 for everyone
 * else (with why); the advance counts those still in training (`earnsSubsidy`, the API's own rule).
 */
export function countedOf(
  claim: Pick<ClaimView, 'kind' | 'targetLevel'>,
  apprentice: CohortView['apprentices'][number],
): { fen: number; reason?: MessageKey } {
  const entitlement = apprentice.entitlementFen ?? 0;
  if (apprentice.status === 'withdrawn') return { fen: 0, reason: 'counted.withdrawn' };
  if (claim.kind === 'advance') return { fen: entitlement };
  if (earnsSubsidy(apprentice as unknown as ApprenticeRecord, claim.targetLevel)) return { fen: entitlement };
  if (apprentice.status === 'certified') return { fen: 0, reason: 'counted.belowTarget' };
  if (apprentice.status === 'not_certified') return { fen: 0, reason: 'counted.notCertified' };
  return { fen: 0, reason: 'counted.noOutcome' };
}

/**
 * The apprentices as the claim concerns them: outcome, certificate, hours claimed and verified —
 * the school's figure marked where it differs from the enterprise's — and what each one counts for.
 */
export function ClaimApprentices(props: { claim: ClaimView; cohort: CohortView }) {
  const { t, lang } = useI18n();
  const { claim, cohort } = props;
  const claimed = new Map(claim.evidence.attendance.map((row) => [row.apprenticeId, row.hours]));
  const verified = new Map(claim.schoolVerification?.attendance.map((row) => [row.apprenticeId, row.hours]));
  return (
    <ScrollRegion label={t('case.apprentices', { n: cohort.apprentices.length })}>
      <table class="data" data-testid="claim-apprentices">
        <thead>
          <tr>
            <th scope="col">{t('col.index')}</th>
            <th scope="col" class="key-column">
              {t('col.name')}
            </th>
            <th scope="col">{t('col.counted')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col">{t('col.certificate')}</th>
            <th scope="col">{t('col.hoursClaimed')}</th>
            <th scope="col">{t('col.hoursVerified')}</th>
            <th scope="col">{t('col.entitlement')}</th>
            <th scope="col">{t('col.idNumber')}</th>
            <th scope="col">{t('col.studentNumber')}</th>
          </tr>
        </thead>
        <tbody>
          {cohort.apprentices.map((apprentice, index) => {
            const counted = countedOf(claim, apprentice);
            const mine = claimed.get(apprentice.apprenticeId);
            const school = verified.get(apprentice.apprenticeId);
            const changed = school !== undefined && mine !== undefined && school !== mine;
            return (
              <tr key={apprentice.apprenticeId} data-row={index}>
                <td>{index + 1}</td>
                <td class="key-column">{apprentice.name}</td>
                <td class={`money ${counted.fen === 0 ? 'zero' : ''}`} data-testid="counted">
                  {formatFen(counted.fen)}
                  {counted.reason ? <small class="counted-reason">{t(counted.reason)}</small> : null}
                </td>
                <td>{t(`apprentice.${apprentice.status}` as MessageKey)}</td>
                <td
                  title={
                    apprentice.certificate ? formatDate(apprentice.certificate.issuedOn, lang) : undefined
                  }
                >
                  {apprentice.certificate
                    ? `${apprentice.certificate.number}${t('common.paren', { text: levelName(t, apprentice.certificate.level).split('/')[0]! })}`
                    : apprentice.withdrawal
                      ? t('outcome.withdrawnOn', { date: formatDate(apprentice.withdrawal.date, lang) })
                      : '—'}
                </td>
                <td class="number">{mine === undefined ? '—' : formatCount(mine)}</td>
                <td
                  class={`number ${changed ? 'changed' : ''}`}
                  data-testid={changed ? 'hours-changed' : undefined}
                >
                  {school === undefined ? '—' : formatCount(school)}
                  {changed ? (
                    <small class="changed-note">
                      {t('claim.hoursChangedFrom', { n: formatCount(mine) })}
                    </small>
                  ) : null}
                </td>
                <td class="money">
                  {apprentice.entitlementFen === undefined ? '—' : formatFen(apprentice.entitlementFen)}
                </td>
                <td class="mono">{apprentice.idNumber}</td>
                <td class="mono">{apprentice.studentNumber ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** The school's verification, once given. */
export function SchoolVerification(props: { claim: ClaimView }) {
  const { t, lang } = useI18n();
  const person = usePeople();
  const verification = props.claim.schoolVerification;
  if (!verification) return null;
  const total = verification.attendance.reduce((sum, row) => sum + row.hours, 0);
  return (
    <p class="verification" data-testid="school-verification">
      {t('claim.verifiedBy', {
        by: person(verification.by),
        at: formatInstant(verification.at, lang),
        n: verification.attendance.length,
        total: formatCount(total),
      })}
      {verification.outcomesConfirmed ? ` ${t('claim.outcomesConfirmed')}` : ''}
    </p>
  );
}

/**
 * Yuan typed by a person → integer fen, by the digits (never through a float): "76000", "76,000.5",
 * "¥76000.50". Undefined when it is not an amount.
 */
export function parseYuan(text: string): number | undefined {
  const cleaned = text.trim().replace(/^¥/, '').replace(/,/g, '');
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Integer fen → what a person types back ("76000.00"). */
export function fenToYuanText(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}
