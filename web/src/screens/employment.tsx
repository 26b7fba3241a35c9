/**
 * The district's employment register (社保核验): its administrator imports the monthly
 * contribution file (CSV: idNumber, enterpriseId, districtCode, month, insured) — every row is
 * checked by the API and a file with any bad row is refused whole, its errors shown by row — and
 * the district's overrides of failed checks, which another bureau user than their writer confirms.
 */
import { useState } from 'preact/hooks';
import { ApiError, type FieldError } from '../api.ts';
import { useApp } from '../context.ts';
import { formatDate, formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import {
  Alert,
  ErrorAlert,
  Field,
  PageHeader,
  Progress,
  ScrollRegion,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import type { MessageKey } from '../words/zh.ts';
import { RowErrors } from './row-errors.tsx';

interface OverrideView {
  overrideId: string;
  status: 'PENDING' | 'ACTIVE' | 'EXPIRED';
  caseId: string;
  cohortId: string;
  apprenticeIds: string[];
  reason: string;
  caseReference: string;
  expiresOn: string;
  writtenBy: { username: string };
  writtenAt: string;
  confirmedBy?: { username: string };
}

export function EmploymentPage() {
  const { t } = useI18n();
  const { session } = useApp();
  useFocusHeading('employment');
  return (
    <section data-testid="employment">
      <PageHeader title={t('employment.title')} subtitle={t('employment.subtitle')} />
      {session.role === 'bureau.admin' ? <ImportForm /> : <p class="hint">{t('employment.adminImports')}</p>}
      <Overrides />
    </section>
  );
}

/** Data rows of a CSV (lines after the header that are not empty). */
function dataRows(text: string): number {
  return Math.max(0, text.split(/\r?\n/).filter((line) => line.trim() !== '').length - 1);
}

function ImportForm() {
  const { t } = useI18n();
  const { api } = useApp();
  const [file, setFile] = useState<{ name: string; text: string }>();
  const [share, setShare] = useState<number>();
  const [done, setDone] = useState<{ rows: number; months: string[]; sha256: string }>();
  const [failure, setFailure] = useState<unknown>();
  const rowErrors: FieldError[] = failure instanceof ApiError ? failure.errors : [];
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setFailure(undefined);
    setDone(undefined);
    setShare(0);
    try {
      const answer = await api.post<{ rows: number; months: string[]; sha256: string }>(
        '/employment-records/imports',
        { raw: { text: file.text, contentType: 'text/csv' }, onUploadProgress: setShare },
      );
      setDone(answer);
    } catch (error) {
      setFailure(error);
    } finally {
      setShare(undefined);
    }
  };
  return (
    <form data-testid="import-form" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset class="form-section">
        <legend>{t('employment.importTitle')}</legend>
        <Field id="import-file" label={t('employment.file')} hint={t('employment.fileHint')}>
          {(aria) => (
            <input
              {...aria}
              type="file"
              accept=".csv,text/csv"
              onChange={async (event) => {
                const chosen = event.currentTarget.files?.[0];
                setDone(undefined);
                setFailure(undefined);
                setFile(chosen ? { name: chosen.name, text: await chosen.text() } : undefined);
              }}
            />
          )}
        </Field>
        {file ? (
          <p data-testid="import-rows">
            {t('employment.rowsInFile', { name: file.name, n: dataRows(file.text) })}
          </p>
        ) : null}
      </fieldset>
      {share !== undefined ? <Progress label={t('employment.importing')} value={share} /> : null}
      {done ? (
        <Alert kind="success">
          <span data-testid="import-done">
            {t('employment.imported', {
              rows: done.rows,
              from: done.months[0] ?? '',
              to: done.months.at(-1) ?? '',
              sha: done.sha256.slice(0, 12),
            })}
          </span>
        </Alert>
      ) : null}
      {failure && rowErrors.length === 0 ? <ErrorAlert error={failure} /> : null}
      {rowErrors.length > 0 ? (
        <RowErrors
          errors={rowErrors}
          title={t('employment.rowErrorsTitle')}
          summary={t('employment.rowErrors', { n: rowErrors.length })}
          testId="import-errors"
        />
      ) : null}
      <div class="form-actions">
        <button
          type="submit"
          class="button-primary"
          disabled={!file || share !== undefined}
          data-testid="import-submit"
        >
          {share !== undefined ? t('employment.importing') : t('employment.import')}
        </button>
      </div>
    </form>
  );
}

/** The district's overrides; the PENDING ones another user wrote may be confirmed here. */
function Overrides() {
  const { t, lang } = useI18n();
  const { api, session } = useApp();
  const [flash, setFlash] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const loaded = useLoad(
    async () => (await api.get<{ items: OverrideView[] }>('/overrides?limit=100')).items,
    [],
  );
  const confirms = session.role === 'bureau.reviewer' || session.role === 'bureau.admin';
  const confirm = async (override: OverrideView) => {
    setFailure(undefined);
    try {
      await api.post(`/overrides/${override.overrideId}/confirm`);
      setFlash(t('employment.confirmed', { id: override.overrideId.slice(-6) }));
      loaded.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <section data-testid="overrides">
      <h2>{t('employment.overridesTitle')}</h2>
      {flash ? <Alert kind="success">{flash}</Alert> : null}
      {failure ? <ErrorAlert error={failure} /> : null}
      {loaded.error ? (
        <ErrorAlert error={loaded.error} onRetry={loaded.reload} />
      ) : !loaded.data ? (
        <Progress label={t('app.loading')} />
      ) : loaded.data.length === 0 ? (
        <p class="empty">{t('employment.overridesEmpty')}</p>
      ) : (
        <ScrollRegion label={t('employment.overridesTitle')}>
          <table class="data">
            <caption class="visually-hidden">{t('employment.overridesTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('employment.case')}</th>
                <th scope="col">{t('employment.reason')}</th>
                <th scope="col">{t('employment.expiresOn')}</th>
                <th scope="col">{t('employment.status')}</th>
                <th scope="col">{t('employment.writtenBy')}</th>
                {confirms ? <th scope="col">{t('col.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {loaded.data.map((override) => (
                <tr
                  key={override.overrideId}
                  data-override={override.overrideId}
                  data-status={override.status}
                >
                  <td>
                    <a href={`/app/cohorts/${override.cohortId}`} class="mono">
                      {override.caseId.slice(-8)}
                    </a>
                    <br />
                    <small>{t('employment.apprenticeCount', { n: override.apprenticeIds.length })}</small>
                  </td>
                  <td>
                    {override.reason}
                    <br />
                    <small>{override.caseReference}</small>
                  </td>
                  <td>{formatDate(override.expiresOn, lang)}</td>
                  <td>
                    {t(`employment.status.${override.status}` as MessageKey)}
                    {override.confirmedBy ? (
                      <>
                        <br />
                        <small>{override.confirmedBy.username}</small>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {override.writtenBy.username}
                    <br />
                    <small>{formatInstant(override.writtenAt, lang)}</small>
                  </td>
                  {confirms ? (
                    <td>
                      {override.status !== 'PENDING' ? null : override.writtenBy.username ===
                        session.username ? (
                        <small>{t('employment.ownOverride')}</small>
                      ) : (
                        <button
                          type="button"
                          class="button-secondary"
                          data-testid="override-confirm"
                          onClick={() => void confirm(override)}
                        >
                          {t('employment.confirm')}
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
