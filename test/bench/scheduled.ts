import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTIONS } from '../../infra/function-map.ts';
import { dynamoDbRequests } from '../../shared/adapters/dynamodb/request-counter.ts';
import { runAs } from './attribution.ts';
import { PROJECT_ROOT } from './bundles.ts';
import { type BilledRequest, type DynamoDbWork, dynamoDbWork } from './capacity.ts';
import { DEFAULT_MEMORY_MB } from './cost.ts';

/**
 * Functions that run on a schedule (the callback reconciler): what one run costs, measured by
 * invoking the handler the way the schedule does, with nothing pending (the usual case). On AWS
 * they run every `scheduleMinutes` whatever the traffic: a fixed monthly cost.
 */
export interface ScheduledWork {
  name: string;
  scheduleMinutes: number;
  runsPerMonth: number;
  /** Per run: how long it took on the embedded runtime, and its DynamoDB work. */
  ms: number;
  memoryMb: number;
  dynamodb: DynamoDbWork;
}

const MINUTES_PER_MONTH = 30 * 24 * 60;

export async function measureScheduledFunctions(runs = 3): Promise<ScheduledWork[]> {
  const measured: ScheduledWork[] = [];
  for (const spec of FUNCTIONS.filter((candidate) => candidate.scheduleMinutes)) {
    const module = (await import(pathToFileURL(join(PROJECT_ROOT, spec.entry)).href)) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const context = { functionName: spec.name, getRemainingTimeInMillis: () => 60_000 };
    await runAs({ kind: 'scheduled', name: spec.name }, () => module.handler({}, context)); // warm
    const mark = dynamoDbRequests.mark();
    const started = performance.now();
    for (let run = 0; run < runs; run++) {
      await runAs({ kind: 'scheduled', name: spec.name }, () => module.handler({}, context));
    }
    const ms = (performance.now() - started) / runs;
    const ours = (
      dynamoDbRequests.since(mark) as (BilledRequest & { origin?: { kind: string; name?: string } })[]
    ).filter((request) => request.origin?.kind === 'scheduled' && request.origin.name === spec.name);
    const total = dynamoDbWork(ours);
    const perRun = (value: number) => value / runs;
    measured.push({
      name: spec.name,
      scheduleMinutes: spec.scheduleMinutes!,
      runsPerMonth: MINUTES_PER_MONTH / spec.scheduleMinutes!,
      ms,
      memoryMb: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      dynamodb: {
        requests: Object.fromEntries(
          Object.entries(total.requests).map(([command, n]) => [command, perRun(n)]),
        ),
        readRequests: perRun(total.readRequests),
        writeRequests: perRun(total.writeRequests),
        readUnits: perRun(total.readUnits),
        writeUnitsReported: perRun(total.writeUnitsReported),
        writeUnits: perRun(total.writeUnits),
      },
    });
  }
  return measured;
}
