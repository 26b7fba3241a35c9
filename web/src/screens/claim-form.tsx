/**
 * The enterprise clerk prepares a claim on a filed cohort — the advance, or the final settlement
 * once training has ended and every apprentice has an outcome — with its evidence: the school's fee
 * invoice number, the hours each apprentice attended, and the training records: each file picked
 * is hashed here (SHA-256), uploaded to the object store (evidence-upload.ts) and referenced by the
 * key and checksum the API recorded. A returned claim is corrected
 * here too (`PATCH`, with the version read). The signatory then signs and submits it.
 */
import { useMemo, useState } from 'preact/hooks';
import { advanceCeilingFen, earnedFen, finalSettlement } from '../../../shared/domain/claim-money.ts';
import type { ApprenticeRecord } from '../../../shared/domain/cohort.ts';
import { ApiError, type FieldError } from '../api.ts';
import { type Policy, useApp } from '../context.ts';
import { formatDate, formatFen, todayInChina } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.tsx';
import { Alert, ErrorAlert, Field, PageHeader, Progress, share, useFocusHeading, useLoad } from '../ui.tsx';
import { setFlash } from './checks.ts';
import type { ClaimView } from './claim-parts.tsx';
import { type CohortView, cohortTitle } from './cohort-parts.tsx';
import { type DocumentKind, fileProblem, sha256Hex, uploadDocument } from './evidence-upload.ts';

type Kind = 'advance' | 'final';
const DOCUMENT_KINDS: DocumentKind[] = [
  'sign_in_sheet',
  'training_video',
  'fee_invoice',
  'certificate',
  'other',
];
/** A final claim references at least this many training videos (domain.md; the API checks too). */
const MIN_VIDEOS = 10;

interface DocumentRow {
  /** The row's own id in this form. */
  id: number;
  /** The object key the API issued, once the document is STORED. */
  key?: string;
  sha256: string;
  kind: DocumentKind;
  /** The file's own name, shown only. */
  name: string;
  size?: number;
  status: 'uploading' | 'stored' | 'failed';
  /** 0–1 while uploading. */
  progress?: number;
  error?: string;
  /** The file picked (absent for rows of a claim read back): kept to upload it again. */
  file?: File;
}

let rowIds = 0;

export function ClaimNew(props: { cohortId: string }) {
  const { t } = useI18n();
  const { api, policy, systemNow } = useApp();
  const kind: Kind = new URLSearchParams(location.search).get('kind') === 'final' ? 'final' : 'advance';
  const loaded = useLoad(
    () =>
      Promise.all([api.get<CohortView>(`/cohorts/${props.cohortId}`), policy(), systemNow()]).then(
        ([cohort, inForce, now]) => ({ cohort, policy: inForce, now }),
      ),
    [props.cohortId],
  );
  useFocusHeading(loaded.data?.cohort.cohortId);
  if (loaded.error) {
    return (
      <section data-testid="case-unavailable">
        <ErrorAlert error={loaded.error} />
        <Link href="/app/cohorts">{t('common.back')}</Link>
      </section>
    );
  }
  if (!loaded.data) return <Progress label={t('app.loading')} />;
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
    return (
      <section data-testid="case-unavailable">
        <ErrorAlert error={loaded.error} notFound="error.claimNotFound" />
        <Link href="/app/claims">{t('common.back')}</Link>
      </section>
    );
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

/** What the rules would allow now, from the cohort as read (the API computes it again, and decides). */
function estimate(cohort: CohortView, policy: Policy, kind: Kind) {
  // The view's apprentices carry what the money rules read: status, entitlement, certificate.
  const apprentices = cohort.apprentices as unknown as ApprenticeRecord[];
  if (kind === 'advance') {
    const bp = cohort.policyVersion === policy.policyVersion ? policy.advanceShareBasisPoints : undefined;
    return bp === undefined ? undefined : { amountFen: advanceCeilingFen(apprentices, bp), recoveryFen: 0 };
  }
  return finalSettlement(earnedFen(apprentices, cohort.targetLevel), cohort.ledger?.advancePaidFen ?? 0);
}

function documentKindOf(file: File): DocumentKind {
  const name = file.name.toLowerCase();
  if (file.type.startsWith('video/') || /\.(mp4|mov|avi|mkv|webm)$/.test(name)) return 'training_video';
  if (/签到|sign/.test(name)) return 'sign_in_sheet';
  if (/发票|invoice/.test(name)) return 'fee_invoice';
  if (/证书|cert/.test(name)) return 'certificate';
  return 'other';
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
  const inTraining = cohort.apprentices.filter((apprentice) => apprentice.status !== 'withdrawn');
  const [invoice, setInvoice] = useState(existing?.evidence.feeInvoiceNo ?? '');
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
  const [documents, setDocuments] = useState<DocumentRow[]>(
    () =>
      existing?.evidence.documents.map((document) => ({
        ...document,
        id: ++rowIds,
        name: document.key,
        status: 'stored' as const,
      })) ?? [],
  );
  const [hashing, setHashing] = useState<{ done: number; total: number }>();
  const [uploading, setUploading] = useState<{ done: number; total: number }>();
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [saving, setSaving] = useState(false);

  const today = todayInChina(props.now);
  const ended = today > cohort.endDate;
  const missingOutcomes = cohort.apprentices.filter((apprentice) =>
    ['enrolled', 'completed'].includes(apprentice.status),
  ).length;
  const stored = documents.filter((document) => document.status === 'stored' && document.key);
  const notReady = documents.length - stored.length;
  const videos = stored.filter((document) => document.kind === 'training_video').length;
  const expected = estimate(cohort, props.policy, kind);

  const evidence = useMemo(
    () => ({
      feeInvoiceNo: invoice.trim(),
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
    [invoice, hours, stored, inTraining],
  );

  const clientErrors = useMemo(() => {
    const found: FieldError[] = [];
    if (!evidence.feeInvoiceNo) found.push({ path: 'evidence.feeInvoiceNo', message: 'is required' });
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
  }, [evidence, hours, inTraining, kind, videos, notReady, t]);

  const errors = new Map<string, string[]>();
  for (const error of [...(attempted ? clientErrors : []), ...serverErrors])
    errors.set(error.path, [...(errors.get(error.path) ?? []), error.message]);
  const filled = inTraining.filter((apprentice) =>
    /^\d+$/.test((hours[apprentice.apprenticeId] ?? '').trim()),
  ).length;

  const patchRow = (id: number, change: Partial<DocumentRow>) =>
    setDocuments((rows) => rows.map((row) => (row.id === id ? { ...row, ...change } : row)));

  /** Uploads a row's file as its kind; the row shows progress, then stored or the reason it failed. */
  const upload = async (row: DocumentRow) => {
    const file = row.file;
    if (!file) return;
    const problem = fileProblem(file, row.kind);
    if (problem) {
      const kindName = t(`docKind.${row.kind}` as MessageKey);
      patchRow(row.id, {
        status: 'failed',
        key: undefined,
        error: t(problem.key, { kind: kindName, ...problem.values }),
      });
      return;
    }
    patchRow(row.id, { status: 'uploading', progress: 0, key: undefined, error: undefined });
    try {
      const { key } = await uploadDocument(api, cohort.cohortId, file, row.kind, row.sha256, (fraction) =>
        patchRow(row.id, { progress: fraction }),
      );
      patchRow(row.id, { status: 'stored', key, progress: 1 });
    } catch (error) {
      const reason =
        error instanceof ApiError
          ? error.errors.map((item) => `${item.path}: ${m(item.message)}`).join('；') || error.message
          : (error as Error).message;
      patchRow(row.id, { status: 'failed', error: reason });
    }
  };

  const addFiles = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const picked = Array.from(files);
    setHashing({ done: 0, total: picked.length });
    const rows: DocumentRow[] = [];
    for (const file of picked) {
      const sha = await sha256Hex(file);
      if (!documents.some((old) => old.sha256 === sha) && !rows.some((old) => old.sha256 === sha))
        rows.push({
          id: ++rowIds,
          sha256: sha,
          kind: documentKindOf(file),
          name: file.name,
          size: file.size,
          status: 'uploading',
          progress: 0,
          file,
        });
      setHashing((previous) => previous && { ...previous, done: previous.done + 1 });
    }
    setHashing(undefined);
    setServerErrors([]);
    setDocuments((previous) => [...previous, ...rows]);
    setUploading({ done: 0, total: rows.length });
    for (const row of rows) {
      await upload(row);
      setUploading((previous) => previous && { ...previous, done: previous.done + 1 });
    }
    setUploading(undefined);
  };

  const save = async () => {
    setAttempted(true);
    setFailure(undefined);
    setServerErrors([]);
    if (clientErrors.length > 0) {
      document.getElementById('claim-problems')?.focus();
      return;
    }
    setSaving(true);
    try {
      const saved = existing
        ? await api.patch<ClaimView>(`/claims/${existing.claimId}`, {
            body: { version: existing.version, evidence },
          })
        : await api.post<ClaimView>('/claims', { body: { cohortId: cohort.cohortId, kind, evidence } });
      setFlash(existing ? t('claim.saved') : t('claim.created', { amount: formatFen(saved.amountFen) }));
      navigate(`/app/claims/${saved.claimId}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.errors.length)
        setServerErrors(error.errors);
      else setFailure(error);
    } finally {
      setSaving(false);
    }
  };

  const general = [...errors.entries()].filter(
    ([path]) => !/^evidence\.(attendance\.\d+|feeInvoiceNo)/.test(path),
  );
  const hoursLabel = (index: number) => t('roster.rowLabel', { n: index + 1, column: t('col.hours') });

  return (
    <section data-testid="claim-form">
      <PageHeader
        title={existing ? t('claim.editTitle') : t('claim.newTitle')}
        subtitle={`${cohortTitle(t, cohort)}（${formatDate(cohort.startDate, lang)} – ${formatDate(cohort.endDate, lang)}）`}
      />
      {existing?.returnReason ? (
        <Alert kind="warning">{t('case.returnReason', { reason: existing.returnReason })}</Alert>
      ) : null}
      {failure ? <ErrorAlert error={failure} /> : null}
      {attempted && (clientErrors.length > 0 || serverErrors.length > 0) ? (
        <div id="claim-problems" tabIndex={-1}>
          <Alert kind="error">
            <p>{t('form.problems', { n: clientErrors.length + serverErrors.length })}</p>
            {general.length ? (
              <ul>
                {general.flatMap(([path, messages]) =>
                  messages.map((message) => <li key={path + message}>{m(message)}</li>),
                )}
              </ul>
            ) : null}
          </Alert>
        </div>
      ) : null}

      <fieldset class="form-section">
        <legend>{t('claim.kind')}</legend>
        <div class="choice-row" role="radiogroup">
          {(['advance', 'final'] as const).map((choice) => (
            <label key={choice} class="checkbox">
              <input
                type="radio"
                name="claim-kind"
                value={choice}
                checked={kind === choice}
                disabled={existing !== undefined}
                onChange={() => setKind(choice)}
                data-testid={`kind-${choice}`}
              />
              {t(`claimKind.${choice}` as MessageKey)}
            </label>
          ))}
        </div>
        <p class="hint">{kind === 'advance' ? t('claim.advanceRule') : t('claim.finalRule')}</p>
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
        </div>

        <h3>{t('claim.documents')}</h3>
        <p class="hint">{t('claim.documentsHint', { min: MIN_VIDEOS })}</p>
        <div class="bulk-row">
          <label class="button button-secondary" for="claim-documents">
            {t('claim.pickFiles')}
          </label>
          <input
            id="claim-documents"
            class="visually-hidden"
            type="file"
            multiple
            onChange={(event) => {
              const input = event.currentTarget;
              void addFiles(input.files).finally(() => {
                input.value = '';
              });
            }}
          />
          <span
            data-testid="video-count"
            class={kind === 'final' && videos < MIN_VIDEOS ? 'error-count' : 'ok-count'}
          >
            {t('claim.videoCount', { n: videos, min: MIN_VIDEOS })}
          </span>
        </div>
        {hashing ? (
          <Progress
            label={t('claim.hashing', { done: hashing.done, total: hashing.total })}
            value={share(hashing.done, hashing.total)}
          />
        ) : null}
        {uploading ? (
          <Progress
            label={t('claim.uploading', { done: uploading.done, total: uploading.total })}
            value={share(uploading.done, uploading.total)}
          />
        ) : null}
        {errors.get('evidence.documents') ? (
          <small class="error-text">{errors.get('evidence.documents')!.map(m).join('；')}</small>
        ) : null}
        {documents.length ? (
          <div class="table-scroll">
            <table class="grid" data-testid="documents">
              <thead>
                <tr>
                  <th scope="col">{t('claim.fileName')}</th>
                  <th scope="col">{t('claim.docKind')}</th>
                  <th scope="col">{t('claim.docStatus')}</th>
                  <th scope="col">{t('claim.docKey')}</th>
                  <th scope="col">SHA-256</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {documents.map((document, index) => {
                  // Server errors name the reference's place among the stored rows the claim listed.
                  const listed = stored.indexOf(document);
                  const problems =
                    listed < 0
                      ? []
                      : ['key', 'sha256', 'kind'].flatMap(
                          (field) => errors.get(`evidence.documents.${listed}.${field}`) ?? [],
                        );
                  return (
                    <tr key={document.id} data-status={document.status}>
                      <td>{document.name}</td>
                      <td>
                        <select
                          aria-label={t('roster.rowLabel', { n: index + 1, column: t('claim.docKind') })}
                          value={document.kind}
                          disabled={!document.file || document.status === 'uploading'}
                          onChange={(event) => {
                            const value = event.currentTarget.value as DocumentKind;
                            if (value === document.kind) return;
                            // The kind is recorded with the upload: a new kind is a new upload.
                            const changed = { ...document, kind: value };
                            patchRow(document.id, { kind: value });
                            void upload(changed);
                          }}
                        >
                          {DOCUMENT_KINDS.map((value) => (
                            <option key={value} value={value}>
                              {t(`docKind.${value}` as MessageKey)}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td data-testid="document-status">
                        {document.status === 'uploading' ? (
                          <Progress
                            label={t('doc.uploading', {
                              percent: Math.round((document.progress ?? 0) * 100),
                            })}
                            value={document.progress ?? 0}
                          />
                        ) : document.status === 'stored' ? (
                          <span class="ok-count">✓ {t('doc.stored')}</span>
                        ) : (
                          <span class="error-text">
                            {t('doc.failed', { reason: document.error ?? '' })}{' '}
                            {document.file ? (
                              <button
                                type="button"
                                class="button-ghost small"
                                onClick={() => void upload(document)}
                              >
                                {t('doc.retry')}
                              </button>
                            ) : null}
                          </span>
                        )}
                        {problems.length ? (
                          <small class="error-text">{problems.map(m).join('；')}</small>
                        ) : null}
                      </td>
                      <td class="mono small">{document.key ?? '—'}</td>
                      <td class="mono small" title={document.sha256}>
                        {document.sha256.slice(0, 16)}…
                      </td>
                      <td>
                        <button
                          type="button"
                          class="button-ghost small"
                          onClick={() => setDocuments(documents.filter((row) => row.id !== document.id))}
                        >
                          {t('common.remove')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
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
        <div class="table-scroll">
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
                        aria-label={hoursLabel(index)}
                        aria-invalid={Boolean(rowErrors)}
                        class={rowErrors ? 'invalid' : ''}
                        inputMode="numeric"
                        size={6}
                        value={hours[apprentice.apprenticeId] ?? ''}
                        onInput={(event) => {
                          setServerErrors([]);
                          setHours({ ...hours, [apprentice.apprenticeId]: event.currentTarget.value });
                        }}
                      />
                      {rowErrors ? <small class="error-text">{rowErrors.map(m).join('；')}</small> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </fieldset>

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
          disabled={saving || hashing !== undefined}
          onClick={() => void save()}
          data-testid="save-claim"
        >
          {saving ? t('form.saving') : existing ? t('form.saveChanges') : t('claim.save')}
        </button>
      </div>
    </section>
  );
}
