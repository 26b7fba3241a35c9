/**
 * The apprentices in the pipeline (`GET /reports/pipeline`) of the cohorts that started in a
 * year: per occupation and level how many are in training, completed or withdrawn (and why), the
 * certification and withdrawal rates, and when the ones in training are expected to complete.
 * Filtered by occupation and school, both kept in the address.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Occupation } from '../../../../shared/domain/occupations.ts';
import { organisationName, useApp } from '../../context.ts';
import { formatCount, formatMonth, formatMonthShort, formatRate } from '../../format.ts';
import { type MessageKey, punct, useI18n } from '../../i18n.ts';
import { ErrorAlert, Progress, useLoad } from '../../ui.tsx';
import { ColumnChart, StackedBars } from '../charts.tsx';
import { levelName } from '../cohort-parts.tsx';
import { CsvDownload, FiguresTable, Filter, useReportQuery, useReportWords } from './parts.tsx';
import { apiQuery } from './query.ts';
import { type PipelineFigures, type PipelineReport, WITHDRAWAL_REASONS } from './types.ts';

const SERIES = [
  { key: 'inTraining', color: '#5b8def' },
  { key: 'completed', color: '#1f7a3d' },
  { key: 'withdrawn', color: '#b42318' },
] as const;

export function PipelineView(props: {
  year: number;
  district: string;
  occupation: string | undefined;
  school: string | undefined;
}) {
  const { t, lang } = useI18n();
  const rt = useReportWords();
  const { api, organisations, occupations } = useApp();
  const [, update] = useReportQuery();
  const [catalogue, setCatalogue] = useState<Occupation[]>([]);
  useEffect(() => {
    occupations().then(setCatalogue, () => undefined);
  }, [occupations]);
  // Every registered school: a district's cohorts may train at a school of another district.
  const schools = [...organisations.values()]
    .filter((org) => org.kind === 'school')
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  const query = apiQuery({
    year: props.year,
    districtCode: props.district || undefined,
    occupationCode: props.occupation,
    schoolId: props.school,
  });
  const report = useLoad(() => api.get<PipelineReport>(`/reports/pipeline?${query}`), [query]);
  const data = report.data;
  const series = SERIES.map((entry) => ({ ...entry, label: rt(`pipeline.${entry.key}`) }));
  const title = (row: { occupationName?: string; occupationCode: string; targetLevel: number }) =>
    `${row.occupationName ?? occupationNameOf(catalogue, row.occupationCode)} · ${levelName(t, row.targetLevel)}`;

  // The chart per occupation and level: the rows of every school added up.
  const byTrack = new Map<string, { label: string; values: number[] }>();
  for (const row of data?.rows ?? []) {
    const key = `${row.occupationCode}/${row.targetLevel}`;
    const track = byTrack.get(key) ?? { label: title(row), values: SERIES.map(() => 0) };
    SERIES.forEach((entry, index) => {
      track.values[index] = (track.values[index] ?? 0) + row[entry.key];
    });
    byTrack.set(key, track);
  }
  const byMonth = new Map<string, number>();
  for (const row of data?.expectedCompletions ?? [])
    byMonth.set(row.month, (byMonth.get(row.month) ?? 0) + row.apprentices);
  const months = [...byMonth.keys()].sort();
  const people = (n: number) => rt('pipeline.people', { n: formatCount(n) });

  return (
    <section class="panel" aria-labelledby="pipeline-title" data-testid="report-pipeline">
      <h2 id="pipeline-title">{rt('pipeline.title', { year: props.year })}</h2>
      <p class="hint">{rt('pipeline.hint', { year: props.year })}</p>
      <div class="filters" data-testid="pipeline-filters">
        <Filter
          id="pipeline-occupation"
          label={rt('reports.occupation')}
          value={props.occupation ?? ''}
          options={[
            { value: '', label: rt('reports.allOccupations') },
            ...catalogue.map((occupation) => ({ value: occupation.code, label: occupation.name })),
          ]}
          onChange={(value) => update({ occupation: value || undefined })}
        />
        <Filter
          id="pipeline-school"
          label={rt('reports.school')}
          value={props.school ?? ''}
          options={[
            { value: '', label: rt('reports.allSchools') },
            ...schools.map((school) => ({ value: school.orgId, label: school.name })),
          ]}
          onChange={(value) => update({ school: value || undefined })}
        />
      </div>
      {report.loading ? <Progress label={t('app.loading')} /> : null}
      {report.error ? <ErrorAlert error={report.error} onRetry={report.reload} /> : null}
      {data ? (
        <>
          <Totals figures={data.totals} />
          <CsvDownload
            path={`/reports/pipeline?${query}`}
            filename={`pipeline-${data.districtCode}-${props.year}.csv`}
            testId="download-pipeline"
          />
          {data.rows.length === 0 ? (
            <p class="empty" data-testid="pipeline-empty">
              {rt('pipeline.empty', { year: props.year })}
            </p>
          ) : (
            <>
              <h3>{rt('pipeline.byTrack')}</h3>
              <StackedBars
                title={rt('pipeline.byTrack')}
                testId="chart-pipeline"
                labelWidth={230}
                series={series}
                rows={[...byTrack.entries()].map(([key, track]) => ({ key, ...track }))}
              />
            </>
          )}
          <FiguresTable caption={rt('pipeline.tableCaption', { year: props.year })} testId="table-pipeline">
            <thead>
              <tr>
                <th scope="col">{rt('reports.occupationLevel')}</th>
                <th scope="col">{rt('reports.school')}</th>
                <th scope="col">{rt('pipeline.cohorts')}</th>
                <th scope="col">{rt('pipeline.enrolled')}</th>
                <th scope="col">{rt('pipeline.inTraining')}</th>
                <th scope="col">{rt('pipeline.completed')}</th>
                <th scope="col">{rt('pipeline.certified')}</th>
                <th scope="col">{rt('pipeline.notCertified')}</th>
                <th scope="col">{rt('pipeline.withdrawn')}</th>
                {WITHDRAWAL_REASONS.map((reason) => (
                  <th scope="col" key={reason}>
                    {reasonName(t, rt, reason)}
                  </th>
                ))}
                <th scope="col">{rt('pipeline.certificationRate')}</th>
                <th scope="col">{rt('pipeline.withdrawalRate')}</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row) => (
                <tr
                  key={`${row.occupationCode}/${row.targetLevel}/${row.schoolId}`}
                  data-occupation={row.occupationCode}
                  data-school={row.schoolId}
                >
                  <th scope="row">{title(row)}</th>
                  <td>{organisationName(organisations, row.schoolId)}</td>
                  <FigureCells figures={row} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-occupation="total">
                <th scope="row" colSpan={2}>
                  {rt('reports.total')}
                </th>
                <FigureCells figures={data.totals} />
              </tr>
            </tfoot>
          </FiguresTable>
          <h3>{rt('pipeline.completions')}</h3>
          {months.length === 0 ? (
            <p class="empty">{rt('pipeline.noCompletions')}</p>
          ) : (
            <ColumnChart
              title={rt('pipeline.completions')}
              testId="chart-completions"
              series={[{ key: 'apprentices', label: rt('pipeline.apprentices'), color: '#16407f' }]}
              format={people}
              columns={months.map((month) => ({
                key: month,
                label:
                  month.slice(5, 7) === '01' || month === months[0]
                    ? formatMonth(month, lang)
                    : formatMonthShort(month, lang),
                name: formatMonth(month, lang),
                values: [byMonth.get(month) ?? 0],
              }))}
            />
          )}
          <FiguresTable caption={rt('pipeline.completionsCaption')} testId="table-completions">
            <thead>
              <tr>
                <th scope="col">{rt('reports.month')}</th>
                <th scope="col">{rt('reports.occupationLevel')}</th>
                <th scope="col">{rt('reports.school')}</th>
                <th scope="col">{rt('pipeline.apprentices')}</th>
              </tr>
            </thead>
            <tbody>
              {data.expectedCompletions.map((row) => (
                <tr
                  key={`${row.month}/${row.occupationCode}/${row.targetLevel}/${row.schoolId}`}
                  data-month={row.month}
                >
                  <th scope="row">{formatMonth(row.month, lang)}</th>
                  <td>{title(row)}</td>
                  <td>{organisationName(organisations, row.schoolId)}</td>
                  <td class="number">{formatCount(row.apprentices)}</td>
                </tr>
              ))}
            </tbody>
          </FiguresTable>
        </>
      ) : null}
    </section>
  );
}

function occupationNameOf(catalogue: readonly Occupation[], code: string): string {
  return catalogue.find((occupation) => occupation.code === code)?.name ?? code;
}

function reasonName(
  t: ReturnType<typeof useI18n>['t'],
  rt: ReturnType<typeof useReportWords>,
  reason: (typeof WITHDRAWAL_REASONS)[number],
): string {
  return reason === 'other' ? rt('pipeline.reasonOther') : t(`withdrawReason.${reason}` as MessageKey);
}

function FigureCells(props: { figures: PipelineFigures }) {
  const { figures } = props;
  return (
    <>
      <td class="number">{formatCount(figures.cohorts)}</td>
      <td class="number">{formatCount(figures.enrolled)}</td>
      <td class="number">{formatCount(figures.inTraining)}</td>
      <td class="number">{formatCount(figures.completed)}</td>
      <td class="number">{formatCount(figures.certified)}</td>
      <td class="number">{formatCount(figures.notCertified)}</td>
      <td class="number">{formatCount(figures.withdrawn)}</td>
      {WITHDRAWAL_REASONS.map((reason) => (
        <td class="number" key={reason}>
          {formatCount(figures.withdrawalsByReason[reason])}
        </td>
      ))}
      <td class="number">{formatRate(figures.certificationRate)}</td>
      <td class="number">{formatRate(figures.withdrawalRate)}</td>
    </>
  );
}

/** The year's figures in one line, the rates as percentages. */
function Totals(props: { figures: PipelineFigures }) {
  const rt = useReportWords();
  const { figures } = props;
  const p = punct();
  return (
    <p class="big-figure" data-testid="pipeline-totals">
      {[
        rt('pipeline.totalEnrolled', {
          n: formatCount(figures.enrolled),
          cohorts: formatCount(figures.cohorts),
        }),
        rt('pipeline.totalInTraining', { n: formatCount(figures.inTraining) }),
        rt('pipeline.totalCompleted', { n: formatCount(figures.completed) }),
        rt('pipeline.totalWithdrawn', { n: formatCount(figures.withdrawn) }),
        rt('pipeline.totalCertificationRate', { rate: formatRate(figures.certificationRate) }),
        rt('pipeline.totalWithdrawalRate', { rate: formatRate(figures.withdrawalRate) }),
      ].join(p.semi)}
    </p>
  );
}
