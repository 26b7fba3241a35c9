/**
 * Figures the security and reliability tests record for `npm run test:reliability` (and the end of
 * `npm test`): each test adds what it did to its own task's `meta`, which vitest hands to the
 * reporter in `test/support/reliability-reporter.ts`. Nothing is written to disk; a figure counts
 * only if the test that produced it ran in this very run.
 */
export interface ReliabilityCounts {
  /** Seeded runs of the fault-injection harness over the full flow. */
  runs?: number;
  faultsInjected?: number;
  /** kill -9 of the embedded runtime followed by a restart. */
  crashes?: number;
  /** fast-check runs against a route (bodies and query strings). */
  fuzzCases?: number;
  /** (route, caller, case) answers checked against the authorization table. */
  authorizationCases?: number;
  /** Invariants checked and found broken (must be 0). */
  invariantsChecked?: number;
  invariantsViolated?: number;
  /** Log lines scanned for personal data and tokens, and those that held some (must be 0). */
  logLinesScanned?: number;
  unmaskedInLogs?: number;
}

declare module 'vitest' {
  interface TaskMeta {
    reliability?: ReliabilityCounts;
  }
}

export const RELIABILITY_FIELDS = [
  'runs',
  'faultsInjected',
  'crashes',
  'fuzzCases',
  'authorizationCases',
  'invariantsChecked',
  'invariantsViolated',
  'logLinesScanned',
  'unmaskedInLogs',
] as const satisfies readonly (keyof ReliabilityCounts)[];

/** Adds `counts` to what the task (a test, or a file's root suite) has recorded so far. */
export function recordReliability(
  task: { meta: { reliability?: ReliabilityCounts } },
  counts: ReliabilityCounts,
) {
  task.meta.reliability ??= {};
  const current = task.meta.reliability;
  for (const field of RELIABILITY_FIELDS) {
    const value = counts[field];
    if (value !== undefined) current[field] = (current[field] ?? 0) + value;
  }
}

export function addCounts(into: Required<ReliabilityCounts>, counts: ReliabilityCounts | undefined) {
  if (!counts) return;
  for (const field of RELIABILITY_FIELDS) into[field] += counts[field] ?? 0;
}

export function emptyCounts(): Required<ReliabilityCounts> {
  return Object.fromEntries(RELIABILITY_FIELDS.map((field) => [field, 0])) as Required<ReliabilityCounts>;
}
