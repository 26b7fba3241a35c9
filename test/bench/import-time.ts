import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BUILD_DIR } from './bundles.ts';
import { percentile } from './stats.ts';

const run = promisify(execFile);

/**
 * Cold-start proxy: how long `import()` of a bundle takes in a fresh Node process, timed inside
 * that process (so process start-up is not in it), sampled in rounds so that a noisy moment on a
 * shared machine touches every bundle alike. An empty module's import is the baseline.
 */
const PROBE = [
  'const started = performance.now();',
  'await import(process.argv[1]);',
  'process.stdout.write(String(performance.now() - started));',
].join('\n');

/** What a handler module may read while it loads; the values point nowhere (nothing is called). */
const CHILD_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'bench',
  LOG_LEVEL: 'WARN',
  NODE_NO_WARNINGS: '1',
};

async function importOnce(file: string): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', PROBE, pathToFileURL(file).href],
    { env: CHILD_ENV },
  );
  const ms = Number(stdout);
  if (!Number.isFinite(ms)) throw new Error(`import of ${file} printed ${stdout}`);
  return ms;
}

export interface ImportTiming {
  /** Raw import times (ms), baseline not subtracted. */
  samples: number[];
  p50Ms: number;
  p95Ms: number;
}

export interface ImportTimes {
  /** How many probe processes ran at once. */
  parallel: number;
  baseline: ImportTiming;
  /** By file: p50/p95 with the baseline's p50 subtracted. */
  byFile: Map<string, ImportTiming>;
}

/**
 * Times `runs` fresh-process imports of every file, in interleaved rounds, `parallel` processes at
 * a time (at most one per core, so that each import has a core of its own; on 2 cores, 2).
 */
export async function measureImportTimes(
  files: string[],
  runs: number,
  onRound?: (round: number) => void,
  parallel = Math.max(1, Math.min(4, availableParallelism())),
): Promise<ImportTimes> {
  mkdirSync(BUILD_DIR, { recursive: true });
  const empty = join(BUILD_DIR, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const samples = new Map<string, number[]>([
    [empty, []],
    ...files.map((file) => [file, []] as [string, number[]]),
  ]);
  for (let round = 0; round < runs; round++) {
    const queue = [...samples];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) next[1].push(await importOnce(next[0]));
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    onRound?.(round + 1);
  }
  const baselineSamples = samples.get(empty)!;
  const baselineP50 = percentile(baselineSamples, 50);
  const timing = (times: number[], minus: number): ImportTiming => ({
    samples: times,
    p50Ms: percentile(times, 50) - minus,
    p95Ms: percentile(times, 95) - minus,
  });
  return {
    parallel,
    baseline: timing(baselineSamples, 0),
    byFile: new Map(files.map((file) => [file, timing(samples.get(file)!, baselineP50)])),
  };
}
