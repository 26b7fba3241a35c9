import type { Clock, ReferenceData } from '../ports.ts';

/**
 * `GET /health`: the API answers and its table can be read. One GetItem of a key that never
 * exists (the register is read as any request reads it), timed; a failure propagates and is
 * answered 503 like any other dependency failure.
 */
export async function health(deps: {
  reference: Pick<ReferenceData, 'organisation'>;
  clock: Pick<Clock, 'now'>;
}) {
  const started = performance.now();
  await deps.reference.organisation('HEALTH-PROBE');
  return {
    status: 'ok',
    now: deps.clock.now().toISOString(),
    checks: { dynamodb: { status: 'ok', ms: Math.round((performance.now() - started) * 10) / 10 } },
  };
}
