import type { BenchRuntime } from './embedded.ts';

/**
 * The subsidy-claim scenarios (issue 3), one function each, to be filled in when the claims API
 * is there. Until then each answers NOT_MEASURED and the bench prints that row as "not measured
 * yet" — never a made-up figure. When claims land:
 *  - `measureClaimPaid`: like `fileCohortMeasured` (filing.ts) for one claim on a FILED cohort,
 *    POST /claims → submit → the bureau's review → PAID, each call followed by `runtime.idle()`;
 *    return a CaseWork-like record (API calls, `executionFacts` of the subsidy-claim execution,
 *    `dynamoDbWork`, KMS and event counts) so cost.ts prices it as it prices a filing;
 *  - `measureCasesDraftToPaid`: like `fileCohortsConcurrently` (throughput.ts), K cohorts from
 *    DRAFT to PAID (filing, then the advance and the final claim) at a fixed concurrency.
 */
export const CLAIMS_PENDING = 'not measured yet (claims API pending)';

export interface NotMeasured {
  measured: false;
  reason: string;
}

export const NOT_MEASURED: NotMeasured = { measured: false, reason: CLAIMS_PENDING };

/** Work and cost of one claim from DRAFT to PAID. */
export async function measureClaimPaid(_bench: BenchRuntime): Promise<NotMeasured> {
  return NOT_MEASURED;
}

/** Throughput of whole cases: cohorts of 30 from DRAFT to PAID (filed, advance and final claim paid). */
export async function measureCasesDraftToPaid(
  _bench: BenchRuntime,
  _options: { cases: number; apprentices: number; concurrency: number },
): Promise<NotMeasured> {
  return NOT_MEASURED;
}
