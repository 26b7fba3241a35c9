import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '../../infra/function-map.ts';
import { BUNDLE_BUDGET_BYTES, type BuiltBundle, buildBundle } from '../bench/bundles.ts';

/**
 * Every function bundled exactly as the stack bundles it (`BUNDLING`, infra/constructs/functions.ts,
 * translated to esbuild as aws-cdk-lib does: test/bench/bundles.ts) stays within the byte budget
 * written once, in test/bench/bundles.ts. `npm run bench` prints the same sizes beside the timings.
 */
const builds = new Map<string, Promise<BuiltBundle>>();

beforeAll(() => {
  // All at once: esbuild runs them in parallel (about 20 s for 40 functions on 2 busy cores).
  for (const spec of FUNCTIONS) {
    const built = buildBundle(spec, 'project');
    built.catch(() => undefined); // reported by the function's own test, not as an unhandled rejection
    builds.set(spec.name, built);
  }
});

const usesAws = (spec: FunctionSpec) =>
  spec.access.table !== 'none' || spec.access.piiKey || spec.access.events || spec.access.startWorkflows;

/**
 * The first of these waits for all the builds: on a loaded 2-core machine that took more than the
 * suite's 60 s (seen at load 9). Bytes are the budget here, not seconds, so the wait is generous.
 */
const BUILD_WAIT_MS = 300_000;

describe(`bundles (budget ${BUNDLE_BUDGET_BYTES.toLocaleString('en')} bytes minified)`, () => {
  it.each(FUNCTIONS)(
    '$name is within the budget',
    async (spec) => {
      const bundle = await builds.get(spec.name)!;
      expect(bundle.minifiedBytes, `${spec.name}: ${bundle.minifiedBytes} bytes`).toBeLessThanOrEqual(
        BUNDLE_BUDGET_BYTES,
      );
    },
    BUILD_WAIT_MS,
  );

  it.each(FUNCTIONS.filter(usesAws))(
    '$name carries its SDK clients, with credentials from the environment only',
    async (spec) => {
      const { inputs } = await builds.get(spec.name)!;
      // bundleAwsSDK: the clients are inside, not left to the runtime's copy.
      expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/client-'))).toBe(true);
      // The alias of infra/bundling/credential-provider-env-only.ts took the default chain's place.
      expect(inputs).toContain('infra/bundling/credential-provider-env-only.ts');
      expect(
        inputs.filter((input) => /@aws-sdk\/(credential-provider-node|nested-clients)\//.test(input)),
      ).toEqual([]);
    },
  );
});
