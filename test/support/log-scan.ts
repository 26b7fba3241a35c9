import { findPersonalData, type PersonalDataFinding } from './personal-data-scan.ts';

/**
 * The log lines of one test file, scanned as they are written for a full ID number, a phone
 * number, a bank account or a token (domain.md: logs never hold one). Kept on `globalThis`, so the
 * setup file that captures stdout/stderr (`log-capture.ts`) and the test runtimes (`runtime.ts`,
 * whose request log goes here instead of to the console) share one tally whatever module instance
 * they were loaded as.
 */
export interface LogFinding {
  finding: PersonalDataFinding;
  source: string;
  /** Where it appeared: the line with tokens and long digit runs cut, so the excerpt leaks nothing. */
  excerpt: string;
}

interface Capture {
  findings: LogFinding[];
  lines: number;
  pending: Record<string, string>;
}

const KEY = Symbol.for('apprenticeflow.log-scan');
const registry = globalThis as typeof globalThis & { [KEY]?: Capture };
const capture = (): Capture => (registry[KEY] ??= { findings: [], lines: 0, pending: {} });

/** Scans one log line (it is not printed). */
export function scanLogLine(line: string, source = 'runtime log'): void {
  if (line.trim() === '') return;
  const state = capture();
  state.lines++;
  for (const finding of findPersonalData(line)) {
    const excerpt = line
      .replace(/eyJ[\w-]*\.[\w-]*\.?[\w-]*/g, '[token]')
      .replace(/\d{6,}/g, (digits) => `${digits.slice(0, 3)}…`)
      .slice(0, 100);
    state.findings.push({ finding, source, excerpt });
  }
}

/** Scans a chunk written to a stream, line by line (a line may span chunks). */
export function scanChunk(stream: string, text: string): void {
  const state = capture();
  const parts = ((state.pending[stream] ?? '') + text).split('\n');
  state.pending[stream] = parts.pop() ?? '';
  for (const line of parts) scanLogLine(line, stream);
}

/** What was found since the last call, and a fresh start. */
export function takeLogScan(): { lines: number; findings: LogFinding[] } {
  const state = capture();
  for (const [stream, rest] of Object.entries(state.pending)) if (rest) scanLogLine(rest, stream);
  const result = { lines: state.lines, findings: state.findings };
  registry[KEY] = { findings: [], lines: 0, pending: {} };
  return result;
}
