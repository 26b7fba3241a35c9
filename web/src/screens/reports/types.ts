/** The report API's answers (`GET /reports/…`, `PUT /demand-lists/{period}`), as the console reads them. */

export interface LiabilityMonth {
  month: string;
  claims: number;
  advanceFen: number;
  interimFen: number;
  finalFen: number;
  liabilityFen: number;
}

export interface LiabilityReport {
  year: number;
  districtCode: string;
  /** Every open cohort of the district: filed entitlement − paid − recoveries. */
  summary: {
    cohorts: number;
    entitlementFen: number;
    paidFen: number;
    recoveryFen: number;
    liabilityFen: number;
  };
  /** The remaining claims by the month each is expected, January to December. */
  byMonth: LiabilityMonth[];
  totals: Omit<LiabilityMonth, 'month'>;
  beforeYear: { claims: number; liabilityFen: number };
  afterYear: { claims: number; liabilityFen: number };
}

export const WITHDRAWAL_REASONS = ['resigned', 'dismissed', 'transferred_out', 'other'] as const;

export interface PipelineFigures {
  cohorts: number;
  enrolled: number;
  inTraining: number;
  completed: number;
  certified: number;
  notCertified: number;
  withdrawn: number;
  withdrawalsByReason: Record<(typeof WITHDRAWAL_REASONS)[number], number>;
  /** 0..1, null when nobody has finished yet. */
  certificationRate: number | null;
  withdrawalRate: number | null;
}

export interface PipelineRow extends PipelineFigures {
  occupationCode: string;
  occupationName: string;
  targetLevel: number;
  schoolId: string;
}

export interface PipelineReport {
  /** The cohorts' start year. */
  year: number;
  districtCode: string;
  totals: PipelineFigures;
  rows: PipelineRow[];
  expectedCompletions: {
    month: string;
    occupationCode: string;
    targetLevel: number;
    schoolId: string;
    apprentices: number;
  }[];
}

export interface StageTime {
  workflow: 'cohort-filing' | 'subsidy-claim';
  stage: string;
  count: number;
  medianDays: number | null;
  p90Days: number | null;
  overdue: number;
}

export interface StageTimesReport {
  year: number;
  districtCode: string;
  byStage: StageTime[];
  rows: (StageTime & { month: string })[];
}

export interface DemandRow {
  occupationCode: string;
  occupationName: string;
  shortage: boolean;
  demandRatio: number | null;
  rank: number | null;
  inTraining: number;
  cohorts: number;
}

export interface DemandReport {
  period: string;
  districtCode: string;
  list: { importedAt: string; importedBy: string; rows: number } | null;
  /** One row per digital occupation of the catalogue. */
  rows: DemandRow[];
}

export interface DemandListSaved {
  period: string;
  districtCode: string;
  rows: number;
}
