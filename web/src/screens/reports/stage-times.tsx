/**
 * How long each stage takes (`GET /reports/stage-times`): per stage of the filing and of the
 * subsidy claim, the median and 90th-percentile days of the stages finished in the year, how many
 * ran past their limit, and the same month by month.
 */
import { useApp } from '../../context.ts';
import { formatCount, formatDays, formatMonth } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { ErrorAlert, Progress, useLoad } from '../../ui.tsx';
import type { ReportKey } from '../../words/reports-zh.ts';
import { BarChart, PairedBars } from '../charts.tsx';
import { CsvDownload, FiguresTable, type ReportWords, useReportWords } from './parts.tsx';
import { apiQuery } from './query.ts';
import type { StageTime, StageTimesReport } from './types.ts';

/** `学徒班备案 · 企业审核`; a stage this console has no words for shows as the API names it. */
export function stageName(rt: ReportWords, row: Pick<StageTime, 'workflow' | 'stage'>): string {
  const workflow = rt(`stageTimes.workflow.${row.workflow}` as ReportKey);
  const key = `stageTimes.stage.${row.stage}` as ReportKey;
  const stage = rt(key);
  return `${workflow} · ${stage === key ? row.stage : stage}`;
}

export function StageTimesView(props: { year: number; district: string }) {
  const { t, lang } = useI18n();
  const rt = useReportWords();
  const { api } = useApp();
  const query = apiQuery({ year: props.year, districtCode: props.district || undefined });
  const report = useLoad(() => api.get<StageTimesReport>(`/reports/stage-times?${query}`), [query]);
  const data = report.data;
  const days = (value: number | null) =>
    value === null ? '—' : rt('stageTimes.days', { n: formatDays(value) });
  const cells = (row: StageTime) => (
    <>
      <td class="number">{formatCount(row.count)}</td>
      <td class="number">{formatDays(row.medianDays)}</td>
      <td class="number">{formatDays(row.p90Days)}</td>
      <td class="number">{formatCount(row.overdue)}</td>
    </>
  );
  const headers = (
    <>
      <th scope="col">{rt('stageTimes.count')}</th>
      <th scope="col">{rt('stageTimes.medianDays')}</th>
      <th scope="col">{rt('stageTimes.p90Days')}</th>
      <th scope="col">{rt('stageTimes.overdue')}</th>
    </>
  );
  return (
    <section class="panel" aria-labelledby="stage-times-title" data-testid="report-stage-times">
      <h2 id="stage-times-title">{rt('stageTimes.title', { year: props.year })}</h2>
      <p class="hint">{rt('stageTimes.hint')}</p>
      {report.loading ? <Progress label={t('app.loading')} /> : null}
      {report.error ? <ErrorAlert error={report.error} onRetry={report.reload} /> : null}
      {data ? (
        <>
          <CsvDownload
            path={`/reports/stage-times?${query}`}
            filename={`stage-times-${data.districtCode}-${props.year}.csv`}
            testId="download-stage-times"
          />
          {data.byStage.every((row) => row.count === 0) ? (
            <p class="empty" data-testid="stage-times-empty">
              {rt('stageTimes.empty', { year: props.year })}
            </p>
          ) : (
            <>
              <h3>{rt('stageTimes.chart')}</h3>
              <PairedBars
                title={rt('stageTimes.chart')}
                testId="chart-stage-times"
                sharedScale
                series={[
                  { key: 'median', label: rt('stageTimes.medianDays'), color: '#5b8def' },
                  { key: 'p90', label: rt('stageTimes.p90Days'), color: '#16407f' },
                ]}
                rows={data.byStage.map((row) => ({
                  key: `${row.workflow}/${row.stage}`,
                  label: stageName(rt, row),
                  values: [row.medianDays, row.p90Days],
                  displays: [days(row.medianDays), days(row.p90Days)],
                }))}
              />
              <h3>{rt('stageTimes.overdueChart')}</h3>
              <BarChart
                title={rt('stageTimes.overdueChart')}
                testId="chart-overdue"
                color="#b42318"
                rows={data.byStage.map((row) => ({
                  key: `${row.workflow}/${row.stage}`,
                  label: stageName(rt, row),
                  value: row.overdue,
                  display: rt('stageTimes.cases', { n: formatCount(row.overdue) }),
                }))}
              />
            </>
          )}
          <FiguresTable
            caption={rt('stageTimes.tableCaption', { year: props.year })}
            testId="table-stage-times"
          >
            <thead>
              <tr>
                <th scope="col">{rt('stageTimes.stage')}</th>
                {headers}
              </tr>
            </thead>
            <tbody>
              {data.byStage.map((row) => (
                <tr key={`${row.workflow}/${row.stage}`} data-stage={`${row.workflow}/${row.stage}`}>
                  <th scope="row">{stageName(rt, row)}</th>
                  {cells(row)}
                </tr>
              ))}
            </tbody>
          </FiguresTable>
          <h3>{rt('stageTimes.byMonth')}</h3>
          {data.rows.length === 0 ? (
            <p class="empty">{rt('stageTimes.empty', { year: props.year })}</p>
          ) : (
            <FiguresTable
              caption={rt('stageTimes.monthCaption', { year: props.year })}
              testId="table-stage-months"
              shownAtFirst
            >
              <thead>
                <tr>
                  <th scope="col">{rt('reports.month')}</th>
                  <th scope="col">{rt('stageTimes.stage')}</th>
                  {headers}
                </tr>
              </thead>
              <tbody>
                {data.rows.map((row) => (
                  <tr
                    key={`${row.month}/${row.workflow}/${row.stage}`}
                    data-month={row.month}
                    data-stage={`${row.workflow}/${row.stage}`}
                  >
                    <th scope="row">{formatMonth(row.month, lang)}</th>
                    <td>{stageName(rt, row)}</td>
                    {cells(row)}
                  </tr>
                ))}
              </tbody>
            </FiguresTable>
          )}
        </>
      ) : null}
    </section>
  );
}
