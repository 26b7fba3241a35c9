/**
 * The bureau's dashboard for a year. Its overview: the budget as reserved, paid and left
 * (`GET /budgets/{district}/{year}`); what was paid by occupation and by level
 * (`GET /reports/subsidies`, with its CSV for download); and the district's cases by stage and by
 * how long they have waited there (`GET /cohorts`, `GET /claims`, every page). Then what the bureau
 * watches (issue 15), one view each: what it still owes (`reports/liability.tsx`), the apprentices
 * in the pipeline (`pipeline.tsx`), how long each stage takes (`stage-times.tsx`) and training
 * beside the labour market's demand (`demand.tsx`). The view and its filters are in the address.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { organisationName, useApp } from '../context.ts';
import { formatFen, todayInChina } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { Alert, ErrorAlert, PageHeader, Progress, ScrollRegion, useFocusHeading, useLoad } from '../ui.tsx';
import { BarChart, StackedBar, StackedBars } from './charts.tsx';
import { CLAIM_STATUSES } from './claim-list.tsx';
import { type Budget, type ClaimView, type SubsidyReport, useOccupationNames } from './claim-parts.tsx';
import { type CohortSummary, levelName } from './cohort-parts.tsx';
import { DemandView } from './reports/demand.tsx';
import { LiabilityView } from './reports/liability.tsx';
import { CsvDownload, useReportQuery, useReportWords } from './reports/parts.tsx';
import { PipelineView } from './reports/pipeline.tsx';
import { apiQuery, periodOf, type ReportView, reportHref } from './reports/query.ts';
import { StageTimesView } from './reports/stage-times.tsx';

const COHORT_STATUSES = [
  'DRAFT',
  'COMPANY_REVIEW',
  'SCHOOL_REVIEW',
  'BUREAU_REVIEW',
  'RETURNED',
  'FILED',
  'COMPLETED',
  'REJECTED',
  'WITHDRAWN',
];

/** Days since a case last changed, in buckets. */
const AGE_BUCKETS = [
  { key: 'week', upTo: 7, color: '#1f7a3d' },
  { key: 'fortnight', upTo: 14, color: '#5b8def' },
  { key: 'month', upTo: 30, color: '#d99a00' },
  { key: 'older', upTo: Number.POSITIVE_INFINITY, color: '#b42318' },
] as const;

export function BudgetDashboard() {
  const { t } = useI18n();
  const rt = useReportWords();
  const { systemNow, session, organisations } = useApp();
  const [query, update] = useReportQuery();
  // The municipal bureau has no budget: it reads the city's report, by district or one district at a time.
  const city = session.role === 'city.admin';
  const districts = [...organisations.values()].filter((org) => org.kind === 'bureau');
  const [now, setNow] = useState<Date>();
  useFocusHeading('budget');
  useEffect(() => {
    systemNow().then(setNow);
  }, [systemNow]);
  if (!now) return <Progress label={t('app.loading')} />;
  const thisYear = Number(todayInChina(now).slice(0, 4));
  const year = query.year ?? (query.period ? Number(query.period.slice(0, 4)) : thisYear);
  // Years of cohorts that may still be running, and of claims still to come.
  const years = [
    ...new Set([thisYear - 3, thisYear - 2, thisYear - 1, thisYear, thisYear + 1, thisYear + 2, year]),
  ].sort();
  const district = city ? (query.district ?? '') : '';
  const views: { view: ReportView; label: string }[] = [
    { view: 'overview', label: rt('reports.view.overview') },
    { view: 'liability', label: rt('reports.view.liability') },
    { view: 'pipeline', label: rt('reports.view.pipeline') },
    { view: 'stageTimes', label: rt('reports.view.stageTimes') },
    { view: 'demand', label: rt('reports.view.demand') },
  ];
  return (
    <section data-testid="budget-dashboard" data-year={year} data-view={query.view}>
      <PageHeader title={city ? t('city.dashboardTitle') : t('budget.title')}>
        {city ? (
          <label class="inline-field">
            {t('city.district')}
            <select
              id="report-district"
              value={district}
              onChange={(event) => update({ district: event.currentTarget.value || undefined })}
            >
              <option value="">{t('city.allDistricts')}</option>
              {districts.map((org) => (
                <option key={org.orgId} value={org.orgId}>
                  {org.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label class="inline-field">
          {t('budget.year')}
          <select
            id="budget-year"
            value={String(year)}
            onChange={(event) => {
              const chosen = Number(event.currentTarget.value);
              // The demand list's period moves with the year (the same quarter or month).
              update({
                year: chosen,
                period: query.period ? `${chosen}${query.period.slice(4)}` : undefined,
              });
            }}
          >
            {years.map((value) => (
              <option key={value} value={String(value)}>
                {t('budget.yearValue', { year: value })}
              </option>
            ))}
          </select>
        </label>
      </PageHeader>
      <nav class="report-views" aria-label={rt('reports.views')}>
        <ul>
          {views.map((entry) => (
            <li key={entry.view}>
              <Link
                href={reportHref({ ...query, view: entry.view })}
                aria-current={entry.view === query.view ? 'page' : undefined}
                data-testid={`report-view-${entry.view}`}
              >
                {entry.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {city ? <Alert kind="info">{t('city.readOnly')}</Alert> : null}
      {query.view === 'overview' ? (
        <>
          <div class="dashboard">
            {city ? null : <BudgetPanel year={year} />}
            <ReportPanel year={year} district={district} />
          </div>
          <CasesPanel now={now} />
        </>
      ) : null}
      {query.view === 'liability' ? <LiabilityView year={year} district={district} /> : null}
      {query.view === 'pipeline' ? (
        <PipelineView year={year} district={district} occupation={query.occupation} school={query.school} />
      ) : null}
      {query.view === 'stageTimes' ? <StageTimesView year={year} district={district} /> : null}
      {query.view === 'demand' ? (
        <DemandView period={periodOf(year, query.period, now)} district={district} />
      ) : null}
    </section>
  );
}

function BudgetPanel(props: { year: number }) {
  const { t } = useI18n();
  const { api, session } = useApp();
  const budget = useLoad(
    () =>
      api.get<Budget>(`/budgets/${session.orgId}/${props.year}`).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404 && !error.fromGateway) return undefined;
        throw error;
      }),
    [props.year],
  );
  return (
    <section class="panel" aria-labelledby="budget-panel-title">
      <h2 id="budget-panel-title">{t('budget.panel', { year: props.year })}</h2>
      {budget.loading ? <Progress label={t('app.loading')} /> : null}
      {budget.error ? <ErrorAlert error={budget.error} onRetry={budget.reload} /> : null}
      {!budget.loading && !budget.error && !budget.data ? (
        <Alert kind="info">{t('budget.none', { year: props.year })}</Alert>
      ) : null}
      {budget.data ? (
        <>
          <p class="big-figure" data-testid="budget-total">
            {t('budget.totalValue', { amount: formatFen(budget.data.budgetFen) })}
          </p>
          <StackedBar
            title={t('budget.panel', { year: props.year })}
            testId="budget-bar"
            segments={[
              {
                key: 'paid',
                label: t('budget.paid'),
                value: budget.data.paidFen,
                display: formatFen(budget.data.paidFen),
                color: '#1f7a3d',
              },
              {
                key: 'reserved',
                label: t('budget.reserved'),
                value: budget.data.reservedFen,
                display: formatFen(budget.data.reservedFen),
                color: '#d99a00',
              },
              {
                key: 'available',
                label: t('budget.available'),
                value: budget.data.availableFen,
                display: formatFen(budget.data.availableFen),
                color: '#c9d1da',
              },
            ]}
          />
          <p class="hint">{t('budget.rule')}</p>
        </>
      ) : null}
    </section>
  );
}

function ReportPanel(props: { year: number; district: string }) {
  const { t } = useI18n();
  const { api, organisations } = useApp();
  const names = useOccupationNames();
  const query = apiQuery({ year: props.year, districtCode: props.district || undefined });
  const report = useLoad(() => api.get<SubsidyReport>(`/reports/subsidies?${query}`), [query]);

  const data = report.data;
  return (
    <section class="panel" aria-labelledby="report-panel-title">
      <h2 id="report-panel-title">{t('report.title', { year: props.year })}</h2>
      {report.loading ? <Progress label={t('app.loading')} /> : null}
      {report.error ? <ErrorAlert error={report.error} onRetry={report.reload} /> : null}
      {data ? (
        <>
          <p class="big-figure" data-testid="report-totals">
            {t('report.totals', {
              n: data.totals.claims,
              paid: formatFen(data.totals.paidFen),
              recovery: formatFen(data.totals.recoveryFen),
            })}
          </p>
          <CsvDownload
            path={`/reports/subsidies?${query}`}
            filename={`subsidies-${data.districtCode}-${props.year}.csv`}
            testId="download-report"
          />
          {data.byDistrict ? (
            <ScrollRegion label={t('city.byDistrict')}>
              <h3>{t('city.byDistrict')}</h3>
              <table class="data" data-testid="report-districts">
                <thead>
                  <tr>
                    <th scope="col">{t('city.district')}</th>
                    <th scope="col">{t('report.claims')}</th>
                    <th scope="col">{t('budget.paid')}</th>
                    <th scope="col">{t('claim.recovery')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.byDistrict.map((row) => (
                    <tr key={row.districtCode} data-district={row.districtCode}>
                      <td>{organisationName(organisations, row.districtCode)}</td>
                      <td class="number">{row.claims}</td>
                      <td class="money">{formatFen(row.paidFen)}</td>
                      <td class="money">{formatFen(row.recoveryFen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          ) : null}
          {data.totals.claims === 0 ? (
            <p class="empty">{t('report.empty', { year: props.year })}</p>
          ) : (
            <>
              <h3>{t('report.byOccupation')}</h3>
              <BarChart
                title={t('report.byOccupation')}
                testId="chart-occupation"
                rows={data.byOccupation.map((row) => ({
                  key: row.occupationCode,
                  label: names.get(row.occupationCode) ?? row.occupationCode,
                  value: row.paidFen,
                  display: formatFen(row.paidFen),
                }))}
              />
              <h3>{t('report.byLevel')}</h3>
              <BarChart
                title={t('report.byLevel')}
                testId="chart-level"
                color="#16407f"
                rows={data.byLevel.map((row) => ({
                  key: String(row.targetLevel),
                  label: levelName(t, row.targetLevel),
                  value: row.paidFen,
                  display: formatFen(row.paidFen),
                }))}
              />
              <h3>{t('report.byEnterprise')}</h3>
              <ScrollRegion label={t('report.byEnterprise')}>
                <table class="data" data-testid="report-enterprises">
                  <thead>
                    <tr>
                      <th scope="col">{t('cohorts.enterprise')}</th>
                      <th scope="col">{t('report.claims')}</th>
                      <th scope="col">{t('budget.paid')}</th>
                      <th scope="col">{t('claim.recovery')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.byEnterprise.map((row) => (
                      <tr key={row.enterpriseId}>
                        <td>{organisationName(organisations, row.enterpriseId)}</td>
                        <td class="number">{row.claims}</td>
                        <td class="money">{formatFen(row.paidFen)}</td>
                        <td class="money">{formatFen(row.recoveryFen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollRegion>
            </>
          )}
        </>
      ) : null}
    </section>
  );
}

function CasesPanel(props: { now: Date }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [loaded, setLoaded] = useState(0);
  const cases = useLoad(async () => {
    let cohortCount = 0;
    const cohorts = await api.all<CohortSummary>('/cohorts', (n) => {
      cohortCount = n;
      setLoaded(n);
    });
    const claims = await api.all<ClaimView>('/claims', (n) => setLoaded(cohortCount + n));
    return { cohorts, claims };
  }, []);
  const series = AGE_BUCKETS.map((bucket) => ({
    key: bucket.key,
    label: t(`age.${bucket.key}` as MessageKey),
    color: bucket.color,
  }));
  const rowsOf = (items: { status: string; updatedAt: string }[], statuses: string[], prefix: string) =>
    statuses
      .map((status) => {
        const values = AGE_BUCKETS.map(() => 0);
        for (const item of items) {
          if (item.status !== status) continue;
          const days = Math.max(
            0,
            Math.floor((props.now.getTime() - Date.parse(item.updatedAt)) / 86_400_000),
          );
          const bucket = AGE_BUCKETS.findIndex((candidate) => days <= candidate.upTo);
          values[bucket] = (values[bucket] ?? 0) + 1;
        }
        return { key: status, label: t(`${prefix}${status}` as MessageKey), values };
      })
      .filter((row) => row.values.some((value) => value > 0));
  return (
    <section class="panel" aria-labelledby="cases-panel-title">
      <h2 id="cases-panel-title">{t('cases.title')}</h2>
      <p class="hint">{t('cases.hint')}</p>
      {cases.loading ? <Progress label={t('common.loadingCount', { n: loaded })} /> : null}
      {cases.error ? <ErrorAlert error={cases.error} onRetry={cases.reload} /> : null}
      {cases.data ? (
        <div class="dashboard">
          <div>
            <h3>{t('cases.cohorts', { n: cases.data.cohorts.length })}</h3>
            <StackedBars
              title={t('cases.cohorts', { n: cases.data.cohorts.length })}
              testId="chart-cohort-stages"
              series={series}
              rows={rowsOf(cases.data.cohorts, COHORT_STATUSES, 'status.')}
            />
          </div>
          <div>
            <h3>{t('cases.claims', { n: cases.data.claims.length })}</h3>
            <StackedBars
              title={t('cases.claims', { n: cases.data.claims.length })}
              testId="chart-claim-stages"
              series={series}
              rows={rowsOf(cases.data.claims, CLAIM_STATUSES, 'status.')}
            />
          </div>
        </div>
      ) : null}
    </section>
  );
}
