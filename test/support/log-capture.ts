import { afterAll } from 'vitest';
import { scanChunk, takeLogScan } from './log-scan.ts';
import { recordReliability } from './reliability.ts';

/**
 * A vitest setup file: every line written to stdout or stderr while a test file runs — the
 * logger's JSON lines, anything a handler or the runtime prints — and every line a test runtime
 * logs (`startTestRuntime` sends its request log to `scanLogLine`) is scanned for a full ID
 * number, a phone number, a bank account or a token (domain.md: logs never hold one). A file that
 * logged one fails, naming the kind of value (masked) and where it appeared; the counts go to the
 * reliability table. (console.* output goes to the main process instead, where the reliability
 * reporter scans it.)
 */
const PATCHED = Symbol.for('apprenticeflow.log-capture.patched');

for (const stream of ['stdout', 'stderr'] as const) {
  const target = process[stream] as NodeJS.WriteStream & { [PATCHED]?: true };
  if (target[PATCHED]) continue;
  target[PATCHED] = true;
  const write = target.write.bind(target) as (...args: unknown[]) => boolean;
  target.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    try {
      const text =
        typeof chunk === 'string'
          ? chunk
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk).toString(
                typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
              )
            : String(chunk);
      scanChunk(stream, text);
    } catch {
      // Scanning must never break the output itself.
    }
    return write(chunk, encoding, callback);
  }) as typeof target.write;
}

// vitest hands hooks their fixtures first (destructured, as it requires) and the file's suite second.
// biome-ignore lint/correctness/noEmptyPattern: no fixture is needed, only the suite
afterAll(({}, suite) => {
  const { lines, findings } = takeLogScan();
  recordReliability(suite, { logLinesScanned: lines, unmaskedInLogs: findings.length });
  if (findings.length > 0) {
    const list = findings
      .slice(0, 10)
      .map(({ finding, source, excerpt }) => `  ${finding.kind} ${finding.masked} in ${source}: ${excerpt}`)
      .join('\n');
    throw new Error(
      `${findings.length} log line(s) of this file hold personal data or a token (domain.md: never):\n${list}`,
    );
  }
});
