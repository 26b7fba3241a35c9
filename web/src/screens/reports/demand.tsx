/**
 * Training beside the labour market's demand (`GET /reports/demand`): for each digital occupation
 * of the catalogue, the apprentices in training beside the demand ratio (求人倍率) and rank of the
 * demand list imported for the period. The district's administrator imports that list here
 * (`PUT /demand-lists/{period}`, CSV `occupationCode,demandRatio,rank`), which replaces the
 * period's list; a file with a bad row is refused whole and its problems shown by row.
 */
import { useState } from 'preact/hooks';
import { ApiError, type FieldError } from '../../api.ts';
import { useApp } from '../../context.ts';
import { formatCount, formatInstant, formatPeriod } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { nameOf } from '../../people.ts';
import { Alert, ErrorAlert, Field, Progress, useLoad } from '../../ui.tsx';
import { PairedBars } from '../charts.tsx';
import { RowErrors } from '../row-errors.tsx';
import { CsvDownload, FiguresTable, Filter, useReportQuery, useReportWords } from './parts.tsx';
import { apiQuery, periodsOf } from './query.ts';
import type { DemandListSaved, DemandReport, DemandRow } from './types.ts';

/** A ratio as the list gives it, two decimals (`2.35`); none → `—`. */
function formatRatio(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '—' : ratio.toFixed(2);
}

/** The occupations the chart draws: those with apprentices in training or on the period's list. */
function charted(rows: readonly DemandRow[]): DemandRow[] {
  return rows.filter((row) => row.inTraining > 0 || row.demandRatio !== null || row.rank !== null);
}

export function DemandView(props: { period: string; district: string }) {
  const { t, lang } = useI18n();
  const rt = useReportWords();
  const { api, session } = useApp();
  const [, update] = useReportQuery();
  const year = Number(props.period.slice(0, 4));
  const query = apiQuery({ period: props.period, districtCode: props.district || undefined });
  const report = useLoad(() => api.get<DemandReport>(`/reports/demand?${query}`), [query]);
  const data = report.data;
  const importedBy = (by: unknown) =>
    typeof by === 'string' ? nameOf({ username: by }) : nameOf(by as { username: string });
  return (
    <section class="panel" aria-labelledby="demand-title" data-testid="report-demand">
      <h2 id="demand-title">{rt('demand.title', { period: formatPeriod(props.period, lang) })}</h2>
      <p class="hint">{rt('demand.hint')}</p>
      <div class="filters">
        <Filter
          id="demand-period"
          label={rt('demand.period')}
          value={props.period}
          options={periodsOf(year).map((period) => ({ value: period, label: formatPeriod(period, lang) }))}
          onChange={(value) => update({ period: value, year })}
        />
      </div>
      {report.loading ? <Progress label={t('app.loading')} /> : null}
      {report.error ? <ErrorAlert error={report.error} onRetry={report.reload} /> : null}
      {data ? (
        <>
          <p data-testid="demand-list">
            {data.list
              ? rt('demand.listImported', {
                  at: formatInstant(data.list.importedAt, lang),
                  by: importedBy(data.list.importedBy),
                  n: formatCount(data.list.rows),
                })
              : rt('demand.noList', { period: formatPeriod(props.period, lang) })}
          </p>
          <CsvDownload
            path={`/reports/demand?${query}`}
            filename={`demand-${data.districtCode}-${props.period}.csv`}
            testId="download-demand"
          />
          <h3>{rt('demand.chart')}</h3>
          {charted(data.rows).length === 0 ? (
            <p class="empty">{rt('demand.nothingToChart')}</p>
          ) : (
            <PairedBars
              title={rt('demand.chart')}
              testId="chart-demand"
              sharedScale={false}
              scaleNote={rt('demand.scaleNote')}
              series={[
                { key: 'inTraining', label: rt('demand.inTraining'), color: '#5b8def' },
                { key: 'demandRatio', label: rt('demand.demandRatio'), color: '#d99a00' },
              ]}
              rows={charted(data.rows).map((row) => ({
                key: row.occupationCode,
                label: row.shortage
                  ? rt('demand.shortageName', { name: row.occupationName })
                  : row.occupationName,
                values: [row.inTraining, row.demandRatio],
                displays: [
                  rt('demand.people', { n: formatCount(row.inTraining) }),
                  formatRatio(row.demandRatio),
                ],
              }))}
            />
          )}
          {charted(data.rows).length < data.rows.length ? (
            <p class="hint" data-testid="demand-not-charted">
              {rt('demand.notCharted', { n: data.rows.length - charted(data.rows).length })}
            </p>
          ) : null}
          <FiguresTable
            caption={rt('demand.tableCaption', { period: formatPeriod(props.period, lang) })}
            testId="table-demand"
          >
            <thead>
              <tr>
                <th scope="col">{rt('reports.occupation')}</th>
                <th scope="col">{rt('demand.code')}</th>
                <th scope="col">{rt('demand.shortage')}</th>
                <th scope="col">{rt('demand.demandRatio')}</th>
                <th scope="col">{rt('demand.rank')}</th>
                <th scope="col">{rt('demand.inTraining')}</th>
                <th scope="col">{rt('demand.cohorts')}</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row) => (
                <tr key={row.occupationCode} data-occupation={row.occupationCode}>
                  <th scope="row">{row.occupationName}</th>
                  <td class="mono">{row.occupationCode}</td>
                  <td>{row.shortage ? rt('demand.yes') : rt('demand.no')}</td>
                  <td class="number">{formatRatio(row.demandRatio)}</td>
                  <td class="number">{row.rank === null ? '—' : formatCount(row.rank)}</td>
                  <td class="number">{formatCount(row.inTraining)}</td>
                  <td class="number">{formatCount(row.cohorts)}</td>
                </tr>
              ))}
            </tbody>
          </FiguresTable>
        </>
      ) : null}
      {session.role === 'bureau.admin' ? (
        <DemandUpload period={props.period} onSaved={report.reload} />
      ) : (
        <p class="hint">{rt('demand.adminImports')}</p>
      )}
    </section>
  );
}

/** The district administrator's import of the period's demand list (it replaces the one before). */
function DemandUpload(props: { period: string; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const rt = useReportWords();
  const { api } = useApp();
  const [file, setFile] = useState<{ name: string; text: string }>();
  const [sending, setSending] = useState(false);
  const [saved, setSaved] = useState<DemandListSaved>();
  const [failure, setFailure] = useState<unknown>();
  const rowErrors: FieldError[] = failure instanceof ApiError && failure.status === 400 ? failure.errors : [];
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setFailure(undefined);
    setSaved(undefined);
    setSending(true);
    try {
      // A PUT replaces the period's list: sending it twice is harmless, so no Idempotency-Key.
      const answer = await api.request<DemandListSaved>('PUT', `/demand-lists/${props.period}`, {
        raw: { text: file.text, contentType: 'text/csv' },
      });
      setSaved(answer);
      props.onSaved();
    } catch (error) {
      setFailure(error);
    } finally {
      setSending(false);
    }
  };
  return (
    <form data-testid="demand-upload" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset class="form-section">
        <legend>{rt('demand.uploadTitle', { period: formatPeriod(props.period, lang) })}</legend>
        <Field id="demand-file" label={rt('demand.file')} hint={rt('demand.fileHint')}>
          {(aria) => (
            <input
              {...aria}
              type="file"
              accept=".csv,text/csv"
              data-testid="demand-file"
              onChange={async (event) => {
                const chosen = event.currentTarget.files?.[0];
                setSaved(undefined);
                setFailure(undefined);
                setFile(chosen ? { name: chosen.name, text: await chosen.text() } : undefined);
              }}
            />
          )}
        </Field>
      </fieldset>
      {sending ? <Progress label={rt('demand.uploading')} /> : null}
      {saved ? (
        <Alert kind="success">
          <span data-testid="demand-saved">
            {rt('demand.saved', { period: formatPeriod(saved.period, lang), n: formatCount(saved.rows) })}
          </span>
        </Alert>
      ) : null}
      {failure && rowErrors.length === 0 ? <ErrorAlert error={failure} /> : null}
      {rowErrors.length > 0 ? (
        <RowErrors
          errors={rowErrors}
          title={t('employment.rowErrorsTitle')}
          summary={rt('demand.rowErrors', { n: rowErrors.length })}
          testId="demand-errors"
        />
      ) : null}
      <div class="form-actions">
        <button type="submit" class="button-primary" disabled={!file || sending} data-testid="demand-submit">
          {sending ? rt('demand.uploading') : rt('demand.upload')}
        </button>
      </div>
    </form>
  );
}
