import { WITHDRAWAL_REASONS } from '../read-models/cells.ts';
import { spreadsheetCsv as csv, yuan } from '../spreadsheet-csv.ts';
import type {
  DemandReport,
  LiabilityReport,
  PipelineFigures,
  PipelineReport,
  StageTimesReport,
} from './watch-reports.ts';

/** The watch reports as the CSV downloads (`format=csv`): headers in Chinese and English. */
export function liabilityCsv(report: LiabilityReport): string {
  return csv([
    [
      '月份 month',
      '笔数 claims',
      '预拨(元) advance',
      '中期(元) interim',
      '清算(元) final',
      '合计(元) liability',
    ],
    ...report.byMonth.map((row) => [
      row.month,
      row.claims,
      yuan(row.advanceFen),
      yuan(row.interimFen),
      yuan(row.finalFen),
      yuan(row.liabilityFen),
    ]),
    [
      '合计 total',
      report.totals.claims,
      yuan(report.totals.advanceFen),
      yuan(report.totals.interimFen),
      yuan(report.totals.finalFen),
      yuan(report.totals.liabilityFen),
    ],
    ['此前 before', report.beforeYear.claims, '', '', '', yuan(report.beforeYear.liabilityFen)],
    ['此后 after', report.afterYear.claims, '', '', '', yuan(report.afterYear.liabilityFen)],
  ]);
}

export function pipelineCsv(report: PipelineReport): string {
  const header = [
    '职业 occupation',
    '名称 name',
    '等级 level',
    '院校 school',
    '班 cohorts',
    '入学 enrolled',
    '在训 in training',
    '结业 completed',
    '取证 certified',
    '未取证 not certified',
    '退出 withdrawn',
    ...WITHDRAWAL_REASONS.map((reason) => `退出:${reason}`),
    '取证率 certification rate',
    '退出率 withdrawal rate',
  ];
  const line = (row: PipelineFigures) => [
    row.cohorts,
    row.enrolled,
    row.inTraining,
    row.completed,
    row.certified,
    row.notCertified,
    row.withdrawn,
    ...WITHDRAWAL_REASONS.map((reason) => row.withdrawalsByReason[reason]),
    row.certificationRate,
    row.withdrawalRate,
  ];
  return csv([
    header,
    ...report.rows.map((row) => [
      row.occupationCode,
      row.occupationName,
      row.targetLevel,
      row.schoolId,
      ...line(row),
    ]),
    ['合计 total', '', '', '', ...line(report.totals)],
  ]);
}

export function stageTimesCsv(report: StageTimesReport): string {
  return csv([
    [
      '流程 workflow',
      '环节 stage',
      '月份 month',
      '件数 count',
      '中位天数 median days',
      '90%天数 p90 days',
      '超期 overdue',
    ],
    ...report.byStage.map((row) => [
      row.workflow,
      row.stage,
      '全年 year',
      row.count,
      row.medianDays,
      row.p90Days,
      row.overdue,
    ]),
    ...report.rows.map((row) => [
      row.workflow,
      row.stage,
      row.month,
      row.count,
      row.medianDays,
      row.p90Days,
      row.overdue,
    ]),
  ]);
}

export function demandCsv(report: DemandReport): string {
  return csv([
    [
      '职业 occupation',
      '名称 name',
      '紧缺 shortage',
      '求人倍率 demand ratio',
      '排名 rank',
      '在训 in training',
      '班 cohorts',
    ],
    ...report.rows.map((row) => [
      row.occupationCode,
      row.occupationName,
      row.shortage ? 'Y' : '',
      row.demandRatio,
      row.rank,
      row.inTraining,
      row.cohorts,
    ]),
  ]);
}
