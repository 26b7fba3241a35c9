import '../../infra/local/node-version.ts';
import { noteBilledUnits } from './capacity.ts';
import { startBenchRuntime } from './embedded.ts';
import { measureWatchReports, renderWatch } from './watch.ts';

/** `npm run bench:watch`: the reports' figures alone (`npm run bench` measures them with everything else). */
noteBilledUnits();
const bench = await startBenchRuntime();
try {
  const figures = await measureWatchReports(bench, Number(process.env.WATCH_COHORTS ?? 10_000), 200);
  process.stdout.write(`${renderWatch(figures)}\n\n${JSON.stringify(figures, null, 2)}\n`);
} finally {
  await bench.stop();
}
