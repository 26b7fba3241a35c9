import type { UserConsoleLog } from 'vitest';
import type { Reporter, TestModule } from 'vitest/node';
import { findPersonalData } from './personal-data-scan.ts';
import { addCounts, emptyCounts } from './reliability.ts';

/**
 * Prints the one reliability table at the end of `npm test` and `npm run test:reliability`, from
 * what the tests of this very run recorded (`test/support/reliability.ts`). Console output of the
 * tests reaches this (main) process rather than the workers' stdout, so it is scanned for personal
 * data here; the workers' own stdout/stderr is scanned by `test/support/log-capture.ts`.
 *
 * Printed only when a test recorded a figure of its own (a run of unit tests alone prints nothing).
 */
/** Said of a figure no test file of this run recorded (e.g. `vitest run test/security`). */
const NOT_RUN = 'not run this time';

export default class ReliabilityReporter implements Reporter {
  private consoleLines = 0;
  private consoleFindings = 0;

  onUserConsoleLog(log: UserConsoleLog) {
    for (const line of log.content.split('\n')) {
      if (line.trim() === '') continue;
      this.consoleLines++;
      this.consoleFindings += findPersonalData(line).length;
    }
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const totals = emptyCounts();
    let recordedByTests = 0;
    const failed: string[] = [];
    for (const module of testModules) {
      addCounts(totals, module.meta().reliability);
      for (const test of module.children.allTests()) {
        const counts = test.meta().reliability;
        if (!counts) continue;
        recordedByTests++;
        addCounts(totals, counts);
        if (!test.ok()) failed.push(`${module.moduleId.split('/test/').pop()} > ${test.name}`);
      }
    }
    if (recordedByTests === 0) return;
    totals.logLinesScanned += this.consoleLines;
    totals.unmaskedInLogs += this.consoleFindings;
    const invariantsOk = totals.invariantsViolated === 0 && failed.length === 0;

    const rows: [string, number, string][] = [
      [
        'runs',
        totals.runs,
        totals.runs === 0 ? `${NOT_RUN} (test/reliability/faults.test.ts)` : 'seeded fault-injection runs',
      ],
      [
        'faults injected',
        totals.faultsInjected,
        totals.faultsInjected === 0 ? NOT_RUN : 'DynamoDB and Step Functions',
      ],
      [
        'crashes',
        totals.crashes,
        totals.crashes === 0 ? `${NOT_RUN} (test/reliability/crash.test.ts)` : 'kill -9 and restart',
      ],
      ['fuzz cases', totals.fuzzCases, 'no 5xx, nothing stored on a 4xx'],
      ['authorization cases', totals.authorizationCases, 'route x role x own/foreign org x case state'],
      [
        'invariants violated',
        totals.invariantsViolated,
        `must be 0; ${totals.invariantsChecked} checked${invariantsOk ? '' : ' — FAILED'}`,
      ],
      [
        'unmasked personal data found in logs',
        totals.unmaskedInLogs,
        `must be 0; ${totals.logLinesScanned} log lines scanned${totals.unmaskedInLogs === 0 ? '' : ' — FAILED'}`,
      ],
    ];
    const widths = [
      Math.max(...rows.map(([name]) => name.length)),
      Math.max(...rows.map(([, value]) => String(value).length)),
      Math.max(...rows.map(([, , note]) => note.length)),
    ] as const;
    const line = (left: string, mid: string, right: string) =>
      `${left}${widths.map((width) => '─'.repeat(width + 2)).join(mid)}${right}`;
    const out = [
      '',
      ' Reliability (issue 4)',
      line('┌', '┬', '┐'),
      ...rows.map(
        ([name, value, note]) =>
          `│ ${name.padEnd(widths[0])} │ ${String(value).padStart(widths[1])} │ ${note.padEnd(widths[2])} │`,
      ),
      line('└', '┴', '┘'),
      ...failed.map((name) => ` failed: ${name}`),
      '',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
}
