/**
 * What the district still owes (`GET /reports/liability`): every open cohort's filed entitlement
 * less what was paid and recovered, and the claims still to come by the month each is expected —
 * the advance after filing, an interim after each training year, the final after the end date —
 * as stacked monthly columns, with the months before and after the year beside them.
 */
import { useApp } from '../../context.ts';
import { formatCount, formatFen, formatMonth, formatMonthShort } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { ErrorAlert, Progress, useLoad } from '../../ui.tsx';
import { ColumnChart } from '../charts.tsx';
import { CsvDownload, FiguresTable, useReportWords } from './parts.tsx';
import { apiQuery } from './query.ts';
import type { LiabilityReport } from './types.ts';

const SERIES = [
  { key: 'advanceFen', color: '#5b8def' },
  { key: 'interimFen', color: '#d99a00' },
  { key: 'finalFen', color: '#a3231a' },
] as const;

export function LiabilityView(props: { year: number; district: string }) {
  const { t, lang } = useI18n();
  const rt = useReportWords();
  const { api } = useApp();
  const query = apiQuery({ year: props.year, districtCode: props.district || undefined });
  const report = useLoad(() => api.get<LiabilityReport>(`/reports/liability?${query}`), [query]);
  const data = report.data;
  const series = SERIES.map((entry) => ({ ...entry, label: rt(`liability.${entry.key}`) }));
  return (
    <section class="panel" aria-labelledby="liability-title" data-testid="report-liability">
      <h2 id="liability-title">{rt('liability.title', { year: props.year })}</h2>
      <p class="hint">{rt('liability.hint')}</p>
      {report.loading ? <Progress label={t('app.loading')} /> : null}
      {report.error ? <ErrorAlert error={report.error} onRetry={report.reload} /> : null}
      {data ? (
        <>
          <dl class="figures-summary" data-testid="liability-summary">
            <div>
              <dt>{rt('liability.cohorts')}</dt>
              <dd class="figure">{formatCount(data.summary.cohorts)}</dd>
            </div>
            <div>
              <dt>{rt('liability.entitlement')}</dt>
              <dd class="figure">{formatFen(data.summary.entitlementFen)}</dd>
            </div>
            <div>
              <dt>{rt('liability.paid')}</dt>
              <dd class="figure">{formatFen(data.summary.paidFen)}</dd>
            </div>
            <div>
              <dt>{rt('liability.recovery')}</dt>
              <dd class="figure">{formatFen(data.summary.recoveryFen)}</dd>
            </div>
            <div class="figure-main">
              <dt>{rt('liability.owed')}</dt>
              <dd class="figure" data-testid="liability-owed">
                {formatFen(data.summary.liabilityFen)}
              </dd>
            </div>
          </dl>
          <CsvDownload
            path={`/reports/liability?${query}`}
            filename={`liability-${data.districtCode}-${props.year}.csv`}
            testId="download-liability"
          />
          <h3>{rt('liability.byMonth', { year: props.year })}</h3>
          <ColumnChart
            title={rt('liability.byMonth', { year: props.year })}
            testId="chart-liability"
            series={series}
            format={formatFen}
            columns={data.byMonth.map((row) => ({
              key: row.month,
              label: formatMonthShort(row.month, lang),
              name: formatMonth(row.month, lang),
              values: SERIES.map((entry) => row[entry.key]),
            }))}
          />
          <p data-testid="liability-outside">
            {rt('liability.beforeYear', {
              year: props.year,
              n: data.beforeYear.claims,
              amount: formatFen(data.beforeYear.liabilityFen),
            })}
            <br />
            {rt('liability.afterYear', {
              year: props.year,
              n: data.afterYear.claims,
              amount: formatFen(data.afterYear.liabilityFen),
            })}
          </p>
          <FiguresTable caption={rt('liability.tableCaption', { year: props.year })} testId="table-liability">
            <thead>
              <tr>
                <th scope="col">{rt('reports.month')}</th>
                <th scope="col">{rt('liability.claims')}</th>
                {series.map((entry) => (
                  <th scope="col" key={entry.key}>
                    {entry.label}
                  </th>
                ))}
                <th scope="col">{rt('liability.monthTotal')}</th>
              </tr>
            </thead>
            <tbody>
              {data.byMonth.map((row) => (
                <tr key={row.month} data-month={row.month}>
                  <th scope="row">{formatMonth(row.month, lang)}</th>
                  <td class="number">{formatCount(row.claims)}</td>
                  <td class="money">{formatFen(row.advanceFen)}</td>
                  <td class="money">{formatFen(row.interimFen)}</td>
                  <td class="money">{formatFen(row.finalFen)}</td>
                  <td class="money">{formatFen(row.liabilityFen)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-month="total">
                <th scope="row">{rt('reports.total')}</th>
                <td class="number">{formatCount(data.totals.claims)}</td>
                <td class="money">{formatFen(data.totals.advanceFen)}</td>
                <td class="money">{formatFen(data.totals.interimFen)}</td>
                <td class="money">{formatFen(data.totals.finalFen)}</td>
                <td class="money">{formatFen(data.totals.liabilityFen)}</td>
              </tr>
              <tr data-month="before">
                <th scope="row">{rt('liability.beforeYearShort', { year: props.year })}</th>
                <td class="number">{formatCount(data.beforeYear.claims)}</td>
                <td colSpan={3} />
                <td class="money">{formatFen(data.beforeYear.liabilityFen)}</td>
              </tr>
              <tr data-month="after">
                <th scope="row">{rt('liability.afterYearShort', { year: props.year })}</th>
                <td class="number">{formatCount(data.afterYear.claims)}</td>
                <td colSpan={3} />
                <td class="money">{formatFen(data.afterYear.liabilityFen)}</td>
              </tr>
            </tfoot>
          </FiguresTable>
        </>
      ) : null}
    </section>
  );
}
