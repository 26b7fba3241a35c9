import { percentile } from './stats.ts';

/**
 * A bounded load generator: `concurrency` workers, each sending its next request as soon as the
 * previous one answered, until `requests` were sent or `durationMs` passed. Latency is measured
 * around each call (client side, loopback).
 */
export interface LoadOptions {
  concurrency: number;
  /** Stop after this many requests… */
  requests?: number;
  /** …or after this long. */
  durationMs?: number;
  /** Sends request number `index`; resolves to the HTTP status. */
  send: (index: number) => Promise<number>;
  /** Status a successful request answers with (default 200). */
  expectStatus?: number;
}

export interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  wallMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  latenciesMs: number[];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.requests === undefined && options.durationMs === undefined) {
    throw new Error('Give runLoad a number of requests or a duration');
  }
  const expected = options.expectStatus ?? 200;
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = options.durationMs === undefined ? Number.POSITIVE_INFINITY : started + options.durationMs;
  const limit = options.requests ?? Number.POSITIVE_INFINITY;
  const worker = async () => {
    while (next < limit && performance.now() < deadline) {
      const index = next++;
      const sent = performance.now();
      let status: number;
      try {
        status = await options.send(index);
      } catch {
        status = 0;
      }
      latencies.push(performance.now() - sent);
      if (status !== expected) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wallMs = performance.now() - started;
  return {
    concurrency: options.concurrency,
    requests: latencies.length,
    errors,
    wallMs,
    requestsPerSecond: (latencies.length / wallMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    latenciesMs: latencies,
  };
}
