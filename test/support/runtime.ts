import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { DEV_ISSUER } from '../../infra/local/dev-issuer.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { type RunningRuntime, type RuntimeOptions, startRuntime } from '../../infra/local/runtime.ts';
import { ApiClient } from '../../scripts/lib/api-client.ts';
import type { CryptoSuite } from '../../shared/adapters/config.ts';
import { scanLogLine } from './log-scan.ts';

/**
 * The embedded runtime for one test file: its own table (from the one definition) on the run's
 * DynamoDB Local, the local Step Functions engine and the local API on free ports. Everything is
 * real but the clock, which tests move instead of waiting.
 */
export async function startTestRuntime(
  options: {
    tableName?: string;
    dataDir?: string;
    /** The API's port (also the EventBridge stand-in's); keep it across restarts whose events must arrive. */
    port?: number;
    stepFunctionsPort?: number;
    objectStoragePort?: number;
    /** The runtime's own log lines (one per request); by default scanned for personal data, not printed. */
    log?: (line: string) => void;
    /**
     * The dev issuer's identifier is its own URL, so a browser signs in by OIDC discovery (the
     * console's tests). By default it is the fixed `DEV_ISSUER`, which `test/support/security.ts`
     * mints tokens with without asking the runtime.
     */
    discoverableIssuer?: boolean;
    /** ROLES_CLAIM and ORG_CLAIM of the functions; default Cognito's. */
    claims?: { roles: string; org: string };
    /** CRYPTO_SUITE of the functions; default `standard`. */
    cryptoSuite?: CryptoSuite;
  } & Pick<RuntimeOptions, 'caseChangedTargets' | 'streamPollIntervalMs' | 'eventRetryBaseMs'> = {},
): Promise<{
  runtime: RunningRuntime;
  api: ApiClient;
  dataDir: string;
}> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'apprenticeflow-'));
  // Ports kept across a restart are free while it restarts: a fresh one must not be one of them.
  const taken = new Set([options.port, options.stepFunctionsPort, options.objectStoragePort]);
  const distinctPort = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  const runtime = await startRuntime({
    port: options.port ?? (await distinctPort()),
    // A restarted runtime keeps its Step Functions port: handler modules (like Lambda containers)
    // keep the SDK clients they made, and a new process would have the same endpoint anyway.
    stepFunctionsPort: options.stepFunctionsPort ?? (await distinctPort()),
    objectStoragePort: options.objectStoragePort ?? (await distinctPort()),
    issuerPort: await distinctPort(),
    ...(options.discoverableIssuer ? {} : { issuer: DEV_ISSUER }),
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName: options.tableName ?? `it-${ulid()}`,
    dataDir,
    log: options.log ?? ((line) => scanLogLine(line)),
    claims: options.claims,
    cryptoSuite: options.cryptoSuite,
    caseChangedTargets: options.caseChangedTargets,
    streamPollIntervalMs: options.streamPollIntervalMs,
    eventRetryBaseMs: options.eventRetryBaseMs,
  });
  return { runtime, api: new ApiClient(runtime.url), dataDir };
}
