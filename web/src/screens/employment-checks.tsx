/**
 * Employment verification (社保 check) on the bureau's review pages: every check run for a cohort
 * (at filing and before each payment) with the failing months marked, and the reviewer's override
 * form for the apprentices a failed check names. The override takes effect once another bureau
 * user confirms it (the employment page, and the inbox's notice).
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { useApp } from '../context.ts';
import { formatDate, formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Alert, ErrorAlert, Field, Progress, ScrollRegion, useLoad } from '../ui.tsx';
import type { MessageKey } from '../words/zh.ts';

export interface EmploymentCheck {
  checkId: string;
  runId: string;
  at: string;
  stage: 'BUREAU_REVIEW' | 'PAYMENT';
  rule: 'insured_at_start' | 'not_insured_before' | 'insured_before_payment';
  caseId: string;
  apprenticeId: string;
  row: number;
  window: { from: string; to: string };
  result: 'pass' | 'fail';
  months: string[];
  checkedMonths: string[];
  overrideId: string | null;
}

export function EmploymentChecks(props: {
  cohortId: string;
  /** Only the runs of this case (a claim's payment); all of the cohort's otherwise. */
  caseId?: string;
  names: Map<string, string>;
  refreshKey?: unknown;
}) {
  const { t, lang } = useI18n();
  const { api, session } = useApp();
  const [written, setWritten] = useState<string>();
  const loaded = useLoad(
    async () =>
      (await api.get<{ items: EmploymentCheck[] }>(`/cohorts/${props.cohortId}/employment-checks?limit=100`))
        .items,
    [props.cohortId, props.refreshKey],
  );
  if (loaded.error) return <ErrorAlert error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Progress label={t('app.loading')} />;
  const checks = loaded.data.filter((check) => !props.caseId || check.caseId === props.caseId);
  const latestRun = checks.at(-1)?.runId;
  const failing = checks.filter(
    (check) => check.runId === latestRun && check.result === 'fail' && !check.overrideId,
  );
  return (
    <section class="employment-checks" data-testid="employment-checks">
      <h2>{t('employment.checksTitle')}</h2>
      {checks.length === 0 ? (
        <p class="empty">{t('employment.checksEmpty')}</p>
      ) : (
        <ScrollRegion label={t('employment.checksTitle')}>
          <table class="data">
            <caption class="visually-hidden">{t('employment.checksTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('employment.at')}</th>
                <th scope="col">{t('employment.apprentice')}</th>
                <th scope="col">{t('employment.rule')}</th>
                <th scope="col">{t('employment.window')}</th>
                <th scope="col">{t('employment.months')}</th>
                <th scope="col">{t('employment.result')}</th>
              </tr>
            </thead>
            <tbody>
              {[...checks].reverse().map((check) => (
                <tr key={check.checkId} data-result={check.result} data-apprentice={check.apprenticeId}>
                  <td>
                    {formatInstant(check.at, lang)}
                    <br />
                    <small>{t(`employment.stage.${check.stage}` as MessageKey)}</small>
                  </td>
                  <td>
                    {props.names.get(check.apprenticeId) ?? check.apprenticeId}
                    <br />
                    <small>{t('employment.rowOf', { row: check.row + 1 })}</small>
                  </td>
                  <td>{t(`employment.rule.${check.rule}` as MessageKey)}</td>
                  <td>
                    {formatDate(check.window.from, lang)} – {formatDate(check.window.to, lang)}
                  </td>
                  <td>
                    {check.checkedMonths.length === 0
                      ? '—'
                      : check.checkedMonths.map((month) =>
                          check.months.includes(month) ? (
                            <mark key={month} class="month-failed" data-testid="failed-month">
                              {month}{' '}
                            </mark>
                          ) : (
                            <span key={month}>{month} </span>
                          ),
                        )}
                  </td>
                  <td>
                    {check.result === 'pass' ? t('employment.pass') : t('employment.fail')}
                    {check.overrideId ? (
                      <>
                        <br />
                        <small>{t('employment.overridden', { id: check.overrideId.slice(-6) })}</small>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {written ? <Alert kind="success">{written}</Alert> : null}
      {session.role === 'bureau.reviewer' && failing.length > 0 && !written ? (
        <OverrideForm
          caseId={failing[0]!.caseId}
          apprenticeIds={[...new Set(failing.map((check) => check.apprenticeId))]}
          names={props.names}
          onWritten={(overrideId) =>
            setWritten(t('employment.overrideWritten', { id: overrideId.slice(-6) }))
          }
        />
      ) : null}
    </section>
  );
}

/** The reviewer's override of the failed checks of one case: reason, case reference, expiry. */
function OverrideForm(props: {
  caseId: string;
  apprenticeIds: string[];
  names: Map<string, string>;
  onWritten: (overrideId: string) => void;
}) {
  const { t, m } = useI18n();
  const { api } = useApp();
  const [reason, setReason] = useState('');
  const [caseReference, setCaseReference] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const errors = failure instanceof ApiError ? failure.errors : [];
  const at = (path: string) => errors.filter((error) => error.path === path);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const written = await api.post<{ overrideId: string }>('/overrides', {
        body: {
          caseId: props.caseId,
          apprenticeIds: props.apprenticeIds,
          check: 'employment',
          reason: reason.trim(),
          caseReference: caseReference.trim(),
          expiresOn,
        },
      });
      props.onWritten(written.overrideId);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form data-testid="override-form" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset class="form-section">
        <legend>{t('employment.overrideTitle')}</legend>
        <p class="hint">
          {t('employment.overrideFor', {
            names: props.apprenticeIds.map((id) => props.names.get(id) ?? id).join('、'),
          })}
        </p>
        <div class="form-grid">
          <Field id="override-reason" label={t('employment.reason')} errors={at('reason')} class="wide">
            {(aria) => (
              <textarea
                {...aria}
                rows={3}
                maxLength={1000}
                value={reason}
                onInput={(event) => setReason(event.currentTarget.value)}
              />
            )}
          </Field>
          <Field id="override-reference" label={t('employment.caseReference')} errors={at('caseReference')}>
            {(aria) => (
              <input
                {...aria}
                maxLength={100}
                value={caseReference}
                onInput={(event) => setCaseReference(event.currentTarget.value)}
              />
            )}
          </Field>
          <Field id="override-expires" label={t('employment.expiresOn')} errors={at('expiresOn')}>
            {(aria) => (
              <input
                {...aria}
                type="date"
                value={expiresOn}
                onInput={(event) => setExpiresOn(event.currentTarget.value)}
              />
            )}
          </Field>
        </div>
      </fieldset>
      {failure && errors.length === 0 ? <ErrorAlert error={failure} /> : null}
      {errors
        .filter((error) => !['reason', 'caseReference', 'expiresOn'].includes(error.path))
        .map((error) => (
          <Alert key={error.path} kind="error">
            {m(error)}
          </Alert>
        ))}
      <div class="form-actions">
        <button type="submit" class="button-primary" disabled={busy} data-testid="override-submit">
          {busy ? t('decision.sending') : t('employment.overrideSubmit')}
        </button>
      </div>
    </form>
  );
}
