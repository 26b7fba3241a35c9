/**
 * The enterprise clerk prepares a claim on a filed cohort — the advance, or the final settlement
 * once training has ended and every apprentice has an outcome — with its evidence: the school's fee
 * invoice number, the hours each apprentice attended, and the training records: each file picked
 * is hashed here (SHA-256), uploaded to the object store (claim-documents.tsx) and referenced by
 * the key and checksum the API recorded once it is STORED. A returned claim is corrected here too
 * (`PATCH`, with the version read). The signatory then signs and submits it.
 */

import { useMemo, useState } from 'preact/hooks';
import type { ApprenticeRecord } from '../../../shared/domain/cohort.ts';
import { says } from '../../../shared/domain/error-codes.ts';
import { fieldError } from '../../../shared/domain/errors.ts';
import { settle } from '../../../shared/domain/settlement.ts';
import { ApiError, type FieldError } from '../api.ts';
import { type Policy, useApp } from '../context.ts';
import type { CodedField } from '../error-words.ts';
import { formatDate, formatFen, todayInChina } from '../format.ts';
import { type MessageKey, punct, useI18n } from '../i18n.ts';
import { Link, navigate, useLeaveGuard } from '../router.tsx';
import {
  Alert,
  ErrorSummary,
  Field,
  PageHeader,
  type Problem,
  Progress,
  ScrollRegion,
  share,
  Unavailable,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { setFlash } from './checks.ts';
import { EvidenceFileTable, useEvidenceFiles } from './claim-documents.tsx';
import { type ClaimView, fenToYuanText, parseYuan } from './claim-parts.tsx';
import { type CohortView, cohortTitle } from './cohort-parts.tsx';

type Kind = 'advance' | 'interim' | 'final';
/** A final claim references at least this many training videos (domain.md; the API checks too). */
const MIN_VIDEOS = 10;
/** A server error about one referenced document: `evidence.documents.3.sha256`. */
const DOCUMENT_PATH = /^evidence\.documents\.(\d+)\.(key|sha256|kind)$/;

export function ClaimNew(props: { cohortId: string }) {
  const { t } = useI18n();
  const { api, policy, systemNow } = useApp();
  const asked = new URLSearchParams(location.search).get('kind');
  const loaded = useLoad(
    () =>
      Promise.all([api.get<CohortView>(`/cohorts/${props.cohortId}`), policy(), systemNow()]).then(
        ([cohort, inForce, now]) => ({ cohort, policy: inForce, now }),
      ),
    [props.cohortId],
  );
  useFocusHeading(loaded.data?.cohort.cohortId);
  if (loaded.error) {
    return <Unavailable error={loaded.error} back="/app/cohorts" />;
  }
  if (!loaded.data) return <Progress label={t('app.loading')} />;
  // Without a kind asked for (the claims page's "申请补贴"), the ledger decides: once an advance was
  // claimed, the final settlement.
  const kind: Kind =
    asked === 'final' || asked === 'advance' || asked === 'interim'
      ? asked
      : advanceOf(loaded.data.cohort)
        ? 'final'
        : 'advance';
  return (
    <ClaimForm cohort={loaded.data.cohort} policy={loaded.data.policy} kind={kind} now={loaded.data.now} />
  );
}

export function ClaimEdit(props: { claimId: string }) {
  const { t } = useI18n();
  const { api, policy, systemNow } = useApp();
  const loaded = useLoad(async () => {
    const claim = await api.get<ClaimView>(`/claims/${props.claimId}`);
    const [cohort, inForce, now] = await Promise.all([
      api.get<CohortView>(`/cohorts/${claim.cohortId}`),
      policy(),
      systemNow(),
    ]);
    return { claim, cohort, policy: inForce, now };
  }, [props.claimId]);
  useFocusHeading(loaded.data?.claim.claimId);
  if (loaded.error) {
    return <Unavailable error={loaded.error} notFound="error.claimNotFound" back="/app/claims" />;
  }
  if (!loaded.data) return <Progress label={t('app.loading')} />;
  const { claim, cohort } = loaded.data;
  if (claim.status !== 'PREPARED' && claim.status !== 'RETURNED') {
    return (
      <section>
        <PageHeader title={t('claim.editTitle')} />
        <Alert kind="info">
          {t('claim.notEditable', { status: t(`status.${claim.status}` as MessageKey) })}
        </Alert>
        <Link href={`/app/claims/${claim.claimId}`}>{t('common.back')}</Link>
      </section>
    );
  }
  return (
    <ClaimForm
      cohort={cohort}
      policy={loaded.data.policy}
      kind={claim.kind}
      now={loaded.data.now}
      existing={claim}
    />
  );
}

/** The cohort's advance claim, if one was made (rejected or withdrawn ones do not count). */
function advanceOf(cohort: CohortView) {
  return cohort.ledger?.claims.find(
    (claim) => claim.kind === 'advance' && !['REJECTED', 'WITHDRAWN'].includes(claim.status),
  );
}

/**
 * What the rules would allow now, from the cohort as read, by the same settlement formula the API
 * runs (which computes it again, and decides) — only when the policy in force is the one the
 * cohort was filed under, since that is the one it settles under.
 */
function estimate(
  cohort: CohortView,
  policy: Policy,
  kind: Kind,
  trainingYear: number,
  feePaidFen: number | undefined,
) {
  if (cohort.policyVersion !== policy.policyVersion || !cohort.entitlement) return undefined;
  // The view's apprentices carry what the money rules read: status, withdrawal, certificate.
  const apprentices = (cohort.apprentices as unknown as ApprenticeRecord[]).filter(
    (apprentice) => apprentice.entitlementFen !== undefined,
  );
  return settle({
    policy,
    cohort: { ...cohort, standardFen: cohort.entitlement.standardFen, apprentices },
    claim: { kind, trainingYear },
    paid: {
      advanceFen: cohort.ledger?.advancePaidFen ?? 0,
      interimFen: cohort.ledger?.interimPaidFen ?? 0,
    },
    feePaidFen,
  });
}

function ClaimForm(props: {
  cohort: CohortView;
  policy: Policy;
  kind: Kind;
  now: Date;
  existing?: ClaimView;
}) {
  const { t, m, lang } = useI18n();
  const { api } = useApp();
  const { cohort, existing } = props;
  const [kind, setKind] = useState<Kind>(existing?.kind ?? props.kind);
  const advance = advanceOf(cohort);
  const inTraining = cohort.apprentices.filter((apprentice) => apprentice.status !== 'withdrawn');
  const [invoice, setInvoice] = useState(existing?.evidence.feeInvoiceNo ?? '');
  const feeKnown = existing?.evidence.feeInvoiceAmountFen;
  const [feeAmount, setFeeAmount] = useState(feeKnown === undefined ? '' : fenToYuanText(feeKnown));
  const [trainingYear, setTrainingYear] = useState(existing?.trainingYear ?? 1);
  const [hours, setHours] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      inTraining.map((apprentice) => [
        apprentice.apprenticeId,
        String(
          existing?.evidence.attendance.find((row) => row.apprenticeId === apprentice.apprenticeId)?.hours ??
            '',
        ),
      ]),
    ),
  );
  const [bulkHours, setBulkHours] = useState('');
  const files = useEvidenceFiles(cohort.cohortId, existing?.evidence.documents);
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  /** The rows the last save referenced, in order: the API names them by that index. */
  const [sentRows, setSentRows] = useState<{ id: number; key: string }[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [tries, setTries] = useState(0);

  const hoursLabel = (index: number) => t('roster.rowLabel', { n: index + 1, column: t('col.hours') });
  // Anything typed or picked and not yet saved: leaving asks first.
  const [initial] = useState(() =>
    JSON.stringify({ invoice, hours, documents: existing?.evidence.documents.length ?? 0 }),
  );
  const dirty = !saving && JSON.stringify({ invoice, hours, documents: files.rows.length }) !== initial;
  useLeaveGuard(dirty, t('leave.confirm'));
  const today = todayInChina(props.now);
  const ended = today > cohort.endDate;
  const missingOutcomes = cohort.apprentices.filter((apprentice) =>
    ['enrolled', 'completed'].includes(apprentice.status),
  ).length;
  const stored = files.rows.filter((row) => row.state === 'stored' && row.key);
  const notReady = files.rows.length - stored.length;
  const videos = stored.filter((document) => document.kind === 'training_video').length;
  const expected = estimate(cohort, props.policy, kind, trainingYear, parseYuan(feeAmount));

  const evidence = useMemo(
    () => ({
      feeInvoiceNo: invoice.trim(),
      ...(parseYuan(feeAmount) === undefined ? {} : { feeInvoiceAmountFen: parseYuan(feeAmount) }),
      attendance: inTraining.map((apprentice) => ({
        apprenticeId: apprentice.apprenticeId,
        hours: Number(hours[apprentice.apprenticeId]),
      })),
      documents: stored.map(({ key, sha256, kind: documentKind }) => ({
        key: key!,
        sha256,
        kind: documentKind,
      })),
    }),
    [invoice, feeAmount, hours, stored, inTraining],
  );

  const clientErrors = useMemo(() => {
    const found: CodedField[] = [];
    if (!evidence.feeInvoiceNo) found.push(fieldError('evidence.feeInvoiceNo', says('field.required')));
    if (feeAmount.trim() && parseYuan(feeAmount) === undefined)
      found.push({ path: 'evidence.feeInvoiceAmountFen', message: t('claim.feeAmountInvalid') });
    inTraining.forEach((apprentice, index) => {
      const text = (hours[apprentice.apprenticeId] ?? '').trim();
      if (!/^\d{1,5}$/.test(text) || Number(text) > 10_000)
        found.push({ path: `evidence.attendance.${index}.hours`, message: t('claim.hoursInvalid') });
    });
    if (notReady > 0) found.push({ path: 'evidence.documents', message: t('doc.notReady', { n: notReady }) });
    if (kind === 'final' && videos < MIN_VIDEOS)
      found.push({
        path: 'evidence.documents',
        message: t('claim.videosMissing', { min: MIN_VIDEOS, n: videos }),
      });
    return found;
  }, [evidence, feeAmount, hours, inTraining, kind, videos, notReady, t]);

  const errors = new Map<string, CodedField[]>();
  for (const error of [...(attempted ? clientErrors : []), ...serverErrors])
    errors.set(error.path, [...(errors.get(error.path) ?? []), error]);
  const filled = inTraining.filter((apprentice) =>
    /^\d+$/.test((hours[apprentice.apprenticeId] ?? '').trim()),
  ).length;

  const save = async () => {
    setAttempted(true);
    setFailure(undefined);
    setServerErrors([]);
    if (clientErrors.length > 0) {
      setTries((value) => value + 1);
      return;
    }
    setSaving(true);
    setSentRows(stored.map((row) => ({ id: row.id, key: row.key! })));
    try {
      const saved = existing
        ? await api.patch<ClaimView>(`/claims/${existing.claimId}`, {
            body: { version: existing.version, evidence },
          })
        : await api.post<ClaimView>('/claims', {
            body: {
              cohortId: cohort.cohortId,
              kind,
              ...(kind === 'interim' ? { trainingYear } : {}),
              evidence,
            },
          });
      setFlash(existing ? t('claim.saved') : t('claim.created', { amount: formatFen(saved.amountFen) }));
      navigate(`/app/claims/${saved.claimId}`, { leave: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.errors.length)
        setServerErrors(error.errors);
      else setFailure(error);
      setTries((value) => value + 1);
    } finally {
      setSaving(false);
    }
  };

  // The API's problems with one referenced document show on its row (while it is the document sent).
  const rowProblems = new Map<number, CodedField[]>();
  const rowSummary: { key: string; text: string }[] = [];
  for (const error of serverErrors) {
    const index = DOCUMENT_PATH.exec(error.path)?.[1];
    if (index === undefined) continue;
    const sent = sentRows[Number(index)];
    const row =
      sent && files.rows.find((candidate) => candidate.id === sent.id && candidate.key === sent.key);
    if (!row) continue;
    rowProblems.set(row.id, [...(rowProblems.get(row.id) ?? []), error]);
    rowSummary.push({
      key: error.path + error.message,
      text: `${row.name ?? row.key}${punct().colon}${m(error)}`,
    });
  }
  const general = [...errors.entries()].filter(
    ([path]) =>
      !/^evidence\.(attendance\.\d+|feeInvoiceNo|feeInvoiceAmountFen)/.test(path) &&
      !DOCUMENT_PATH.test(path),
  );
  /** Every problem for the summary beside the save button: fields linked, documents by file name. */
  const problems: Problem[] = [];
  for (const [path, messages] of errors) {
    const hoursRow = /^evidence\.attendance\.(\d+)\.(hours|apprenticeId)$/.exec(path);
    for (const message of messages) {
      if (path === 'evidence.feeInvoiceNo')
        problems.push({
          text: t('error.field', { field: t('claim.feeInvoiceNo'), message: m(message) }),
          target: 'claim-feeInvoiceNo',
        });
      else if (path === 'evidence.feeInvoiceAmountFen')
        problems.push({
          text: t('error.field', { field: t('claim.feeInvoiceAmount'), message: m(message) }),
          target: 'claim-feeInvoiceAmount',
        });
      else if (hoursRow)
        problems.push({
          text: t('error.field', { field: hoursLabel(Number(hoursRow[1])), message: m(message) }),
          target: `claim-hours-${hoursRow[1]}`,
        });
    }
  }
  for (const [path, messages] of general)
    for (const message of messages)
      problems.push({
        text: m(message),
        target: path === 'evidence.documents' ? 'claim-documents' : undefined,
      });
  for (const entry of rowSummary) problems.push({ text: entry.text });

  return (
    <section data-testid="claim-form">
      <PageHeader
        title={existing ? t('claim.editTitle') : t('claim.newTitle')}
        subtitle={`${cohortTitle(t, cohort)}${punct().open}${formatDate(cohort.startDate, lang)} – ${formatDate(cohort.endDate, lang)}${punct().close}`}
      />
      {existing?.returnReason ? (
        <Alert kind="warning">{t('case.returnReason', { reason: existing.returnReason })}</Alert>
      ) : null}
      <fieldset class="form-section">
        <legend>{t('claim.kind')}</legend>
        <div class="choice-row" role="radiogroup">
          {(['advance', 'interim', 'final'] as const).map((choice) => (
            <label key={choice} class="checkbox">
              <input
                type="radio"
                name="claim-kind"
                value={choice}
                checked={kind === choice}
                disabled={existing !== undefined || (choice === 'advance' && advance !== undefined)}
                onChange={() => setKind(choice)}
                data-testid={`kind-${choice}`}
              />
              {t(`claimKind.${choice}` as MessageKey)}
            </label>
          ))}
        </div>
        {kind === 'interim' ? (
          <label>
            {t('claim.trainingYear')}{' '}
            <select
              value={trainingYear}
              disabled={existing !== undefined}
              data-testid="claim-training-year"
              onChange={(event) => setTrainingYear(Number(event.currentTarget.value))}
            >
              {[1, 2].map((year) => (
                <option key={year} value={year}>
                  {t('claim.trainingYearValue', { year })}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <p class="hint">{t(`claim.${kind}Rule` as MessageKey)}</p>
        {advance && !existing ? (
          <p data-testid="advance-known">
            {advance.status === 'PAID'
              ? t('claim.advanceKnownPaid', { amount: formatFen(cohort.ledger?.advancePaidFen ?? 0) })
              : t('claim.advanceKnown', { status: t(`status.${advance.status}` as MessageKey) })}
          </p>
        ) : null}
        {kind === 'final' && !ended ? (
          <Alert kind="warning">{t('claim.notEnded', { date: formatDate(cohort.endDate, lang) })}</Alert>
        ) : null}
        {kind === 'final' && missingOutcomes > 0 ? (
          <Alert kind="warning">
            {t('claim.outcomesMissing', { n: missingOutcomes })}{' '}
            <Link href={`/app/cohorts/${cohort.cohortId}/outcomes`}>{t('outcome.title')}</Link>
          </Alert>
        ) : null}
        {expected ? (
          <p data-testid="claim-estimate">
            {t('claim.estimate', { amount: formatFen(expected.amountFen) })}
            {expected.recoveryFen > 0
              ? ` ${t('claim.estimateRecovery', { amount: formatFen(expected.recoveryFen) })}`
              : ''}
          </p>
        ) : null}
      </fieldset>

      <fieldset class="form-section">
        <legend>{t('claim.evidence')}</legend>
        <div class="form-grid">
          <Field
            id="claim-feeInvoiceNo"
            label={t('claim.feeInvoiceNo')}
            errors={errors.get('evidence.feeInvoiceNo')}
            hint={t('claim.feeInvoiceHint')}
          >
            {(aria) => (
              <input
                {...aria}
                value={invoice}
                maxLength={64}
                onInput={(event) => {
                  setServerErrors([]);
                  setInvoice(event.currentTarget.value);
                }}
              />
            )}
          </Field>
          <Field
            id="claim-feeInvoiceAmount"
            label={t('claim.feeInvoiceAmount')}
            errors={errors.get('evidence.feeInvoiceAmountFen')}
            hint={t('claim.feeInvoiceAmountHint')}
          >
            {(aria) => (
              <input
                {...aria}
                value={feeAmount}
                inputMode="decimal"
                data-testid="claim-fee-amount"
                onInput={(event) => {
                  setServerErrors([]);
                  setFeeAmount(event.currentTarget.value);
                }}
              />
            )}
          </Field>
        </div>

        <h3>{t('claim.documents')}</h3>
        <EvidenceFileTable
          files={files}
          finalClaim={kind === 'final'}
          minVideos={MIN_VIDEOS}
          problems={errors.get('evidence.documents')}
          rowProblems={rowProblems}
        />
      </fieldset>

      <fieldset class="form-section">
        <legend>{t('claim.attendance')}</legend>
        <p class="hint">
          {t('claim.attendanceHint', {
            total: cohort.plannedHours.total,
            concentrated: cohort.plannedHours.concentrated,
          })}
        </p>
        <div class="bulk-row">
          <label>
            {t('claim.bulkHours')}
            <input
              id="bulk-hours"
              value={bulkHours}
              inputMode="numeric"
              size={6}
              onInput={(event) => setBulkHours(event.currentTarget.value)}
            />
          </label>
          <button
            type="button"
            class="button-secondary"
            data-testid="apply-hours"
            onClick={() => {
              setServerErrors([]);
              setHours(
                Object.fromEntries(
                  inTraining.map((apprentice) => [apprentice.apprenticeId, bulkHours.trim()]),
                ),
              );
            }}
          >
            {t('claim.applyHours')}
          </button>
        </div>
        <Progress
          label={t('enrol.progress', { done: filled, total: inTraining.length })}
          value={share(filled, inTraining.length)}
        />
        <ScrollRegion label={t('claim.attendance')}>
          <table class="grid" data-testid="attendance-grid">
            <thead>
              <tr>
                <th scope="col">{t('col.index')}</th>
                <th scope="col">{t('col.name')}</th>
                <th scope="col">{t('col.studentNumber')}</th>
                <th scope="col">{t('col.status')}</th>
                <th scope="col">{t('col.hours')}</th>
              </tr>
            </thead>
            <tbody>
              {inTraining.map((apprentice, index) => {
                const rowErrors =
                  errors.get(`evidence.attendance.${index}.hours`) ??
                  errors.get(`evidence.attendance.${index}.apprenticeId`);
                return (
                  <tr key={apprentice.apprenticeId} class={rowErrors ? 'row-invalid' : ''}>
                    <th scope="row">{index + 1}</th>
                    <td>{apprentice.name}</td>
                    <td class="mono">{apprentice.studentNumber ?? '—'}</td>
                    <td>{t(`apprentice.${apprentice.status}` as MessageKey)}</td>
                    <td>
                      <input
                        id={`claim-hours-${index}`}
                        aria-label={hoursLabel(index)}
                        aria-invalid={Boolean(rowErrors)}
                        aria-describedby={rowErrors ? `claim-hours-${index}-error` : undefined}
                        class={rowErrors ? 'invalid' : ''}
                        inputMode="numeric"
                        size={6}
                        value={hours[apprentice.apprenticeId] ?? ''}
                        onInput={(event) => {
                          setServerErrors([]);
                          setHours({ ...hours, [apprentice.apprenticeId]: event.currentTarget.value });
                        }}
                      />
                      {rowErrors ? (
                        <small class="error-text" id={`claim-hours-${index}-error`}>
                          {rowErrors.map(m).join(punct().semi)}
                        </small>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      </fieldset>

      <ErrorSummary
        id="claim-problems"
        attempt={tries}
        problems={attempted || serverErrors.length ? problems : []}
        error={failure}
        title={problems.length ? t('form.problems', { n: problems.length }) : undefined}
      />
      <div class="form-actions">
        <Link
          class="button button-secondary"
          href={existing ? `/app/claims/${existing.claimId}` : `/app/cohorts/${cohort.cohortId}`}
        >
          {t('common.cancel')}
        </Link>
        <button
          type="button"
          class="button-primary"
          disabled={saving || files.hashing !== undefined}
          onClick={() => void save()}
          data-testid="save-claim"
        >
          {saving ? t('form.saving') : existing ? t('form.saveChanges') : t('claim.save')}
        </button>
      </div>
    </section>
  );
}
