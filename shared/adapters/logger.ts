import { AsyncLocalStorage } from 'node:async_hooks';
import * as settings from './config.ts';

/**
 * The one logger: JSON lines, one per event. Whatever is logged passes a scrubber first, so a full
 * ID number, phone number, bank account or token never reaches the logs even by mistake
 * (domain.md, personal information).
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Digit boundaries, not word boundaries: a number glued to letters (`id110105…`, `tel138…`,
// `acct_0200…`) is still a number, and `\b` would let it through.
const PATTERNS: [RegExp, string][] = [
  [/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]'],
  [/(?<!\d)\d{17}[\dXx](?!\d)/g, '[id-number]'],
  [/(?<!\d)\d{15}(?!\d)/g, '[id-number]'],
  [/(?<!\d)1[3-9]\d{9}(?!\d)/g, '[phone]'],
  [/(?<!\d)\d{12,22}(?!\d)/g, '[account]'],
];

export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function threshold(): number {
  const level = settings.logLevel() as Level;
  return ORDER[level] ?? ORDER.info;
}

/** What every line of one invocation carries: its request id and the case it is about. */
export interface InvocationFields {
  /** The Lambda request id (`context.awsRequestId`). */
  requestId?: string;
  /** The cohort, claim, task or document the invocation is about, when it names one. */
  caseId?: string;
}

// Per invocation, not per process: the embedded runtime runs many handlers in one process at once.
const invocation = new AsyncLocalStorage<InvocationFields>();

/** Runs one invocation so that every line logged while it runs (awaits included) carries `fields`. */
export function withInvocationFields<T>(fields: InvocationFields, run: () => T): T {
  return invocation.run(fields, run);
}

function emit(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold()) return;
  const line = JSON.stringify({
    level,
    time: new Date().toISOString(),
    service: settings.serviceName(),
    message,
    ...invocation.getStore(),
    ...fields,
  });
  const safe = scrub(line);
  if (level === 'error' || level === 'warn') process.stderr.write(`${safe}\n`);
  else process.stdout.write(`${safe}\n`);
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => emit('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => emit('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => emit('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => emit('error', message, fields),
};

/** What may be logged of an error: its name and message, scrubbed; never request data. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorName: typeof error };
}
