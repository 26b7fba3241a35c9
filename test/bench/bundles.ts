import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as esbuild from 'esbuild';
import { BUNDLING } from '../../infra/constructs/functions.ts';
import { FUNCTIONS, type FunctionSpec } from '../../infra/function-map.ts';

/**
 * Every function's bundle, built as CDK builds it: the esbuild options come from the stack's own
 * `BUNDLING` (infra/constructs/functions.ts), turned into esbuild's build options the way
 * `aws-cdk-lib/aws-lambda-nodejs` turns them into its command line (bundling.js,
 * `buildEsbuildArgs`). Beside it, the same handler built the way common samples do.
 */

/**
 * The byte budget of every function's minified bundle, in one place: `npm test` asserts it
 * (test/unit/bundle-budget.test.ts) and `npm run bench` prints it. Issue 6 starts it at 350 KB
 * (350,000 bytes, so it holds whether a KB is 1,000 or 1,024 bytes); lower it as it is beaten.
 * Lowered to 330,000 when the largest bundle (add-apprentices) came to 323,071 bytes: the SDK's
 * credential chain aliased to the environment only (infra/bundling/) and the schemas on zod/mini.
 */
export const BUNDLE_BUDGET_BYTES = 330_000;

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
/** Built bundles go here: under node_modules, so a sample-style bundle finds the SDK at run time. */
export const BUILD_DIR = join(PROJECT_ROOT, 'node_modules/.cache/apprenticeflow-bench');

export type BundleStyle = 'project' | 'sample';

/** The `BUNDLING` keys translated below; any other key is refused rather than silently ignored. */
const TRANSLATED = new Set([
  'format',
  'target',
  'mainFields',
  'banner',
  'footer',
  'minify',
  'sourceMap',
  'bundleAwsSDK',
  'externalModules',
  'define',
  'keepNames',
  'logLevel',
  'esbuildArgs',
  'forceDockerBundling',
]);

/**
 * esbuild's options for a NodejsFunction with `BUNDLING`, as aws-cdk-lib passes them: `--bundle
 * --target --platform=node --format --outfile=index.mjs --minify --external:… --log-level
 * --banner:js --main-fields`, run from the project root (where esbuild finds tsconfig.json).
 */
export function cdkEsbuildOptions(entry: string, outfile: string): esbuild.BuildOptions {
  const bundling: nodejs.BundlingOptions = BUNDLING;
  for (const key of Object.keys(bundling)) {
    if (!TRANSLATED.has(key)) {
      throw new Error(`test/bench/bundles.ts does not translate BUNDLING.${key} to esbuild yet: add it`);
    }
  }
  const args = Object.entries(bundling.esbuildArgs ?? {});
  for (const [flag] of args) {
    if (flag !== '--alias')
      throw new Error(`test/bench/bundles.ts does not translate esbuildArgs ${flag} yet`);
  }
  // `--alias:from=to`, one per array item (aws-cdk-lib's toCliArgsArray); `to` is resolved from
  // the working directory, the project root, as CDK runs esbuild.
  const alias = Object.fromEntries(
    args
      .flatMap(([, value]) => [value].flat())
      .map((entry) => {
        const [from, to] = String(entry).split('=');
        if (!from || !to) throw new Error(`esbuildArgs --alias ${String(entry)} is not from=to`);
        return [from, to];
      }),
  );
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format as esbuild.Format,
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    // CDK's default (`bundleAwsSDK: false`) leaves the SDK to the Lambda runtime.
    external: bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : ['@aws-sdk/*']),
    define: bundling.define,
    keepNames: bundling.keepNames,
    logLevel: bundling.logLevel as esbuild.LogLevel | undefined,
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    footer: bundling.footer ? { js: bundling.footer } : undefined,
    mainFields: bundling.mainFields ? [...bundling.mainFields] : undefined,
    alias: args.length > 0 ? alias : undefined,
  };
}

/**
 * The sample style: CDK's defaults for the SDK (`@aws-sdk/*` external, loaded from the runtime's
 * node_modules at run time, no alias) and zod as common samples import it, `import { z } from
 * 'zod'` (the chaining API with every locale), everything else as the project builds it.
 */
function sampleEsbuildOptions(entry: string, outfile: string): esbuild.BuildOptions {
  return {
    ...cdkEsbuildOptions(entry, outfile),
    external: ['@aws-sdk/*'],
    alias: undefined,
    plugins: [namedZodImport],
  };
}

/** The one module through which the project's schemas reach zod (`zod/mini`, English messages). */
const SCHEMAS_ZOD = join(PROJECT_ROOT, 'shared/schemas/zod.ts');

/**
 * Serves, in place of `shared/schemas/zod.ts`, the same names taken from `import { z } from
 * 'zod'`: the schemas' `z.optional(…)`, `.check(z.trim(), …)` run unchanged on the chaining API
 * (it exports the same functions), except `z.extend(schema, shape)`, a method there.
 */
const namedZodImport: esbuild.Plugin = {
  name: 'named-zod-import',
  setup(build) {
    build.onLoad({ filter: /[\\/]shared[\\/]schemas[\\/]zod\.ts$/ }, async (args) => {
      if (args.path !== SCHEMAS_ZOD) return undefined;
      const names = Object.keys(await import('zod/mini')).filter((name) => name !== 'extend');
      const contents = [
        "import { z } from 'zod';",
        ...names.map((name, index) => `const $${index} = z[${JSON.stringify(name)}];`),
        'const $extend = (schema, shape) => schema.extend(shape);',
        `export { ${names.map((name, index) => `$${index} as ${name}`).join(', ')}, $extend as extend };`,
      ].join('\n');
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

export interface BuiltBundle {
  name: string;
  style: BundleStyle;
  /** The bundle on disk (index.mjs). */
  file: string;
  minifiedBytes: number;
  gzippedBytes: number;
  /** sha256 of the bundle: a function with neither SDK nor zod builds the same file in both styles. */
  sha256: string;
  /** The modules esbuild put into it (paths from the project root), from its metafile. */
  inputs: string[];
}

/** Builds one function's bundle in memory (for sizes) and, with `write`, to BUILD_DIR too. */
export async function buildBundle(
  spec: FunctionSpec,
  style: BundleStyle,
  options: { write?: boolean } = {},
): Promise<BuiltBundle> {
  const file = join(BUILD_DIR, style, spec.name, 'index.mjs');
  const build = style === 'project' ? cdkEsbuildOptions : sampleEsbuildOptions;
  const result = await esbuild.build({ ...build(spec.entry, file), write: false, metafile: true });
  const output = result.outputFiles?.find((out) => out.path.endsWith('index.mjs'));
  if (!output) throw new Error(`esbuild wrote no index.mjs for ${spec.name}`);
  const inputs = Object.keys(result.metafile.inputs);
  if (style === 'sample' && inputs.some((input) => input.includes('node_modules/zod/v4/mini/'))) {
    throw new Error(`The sample-style ${spec.name} still bundles zod/mini: does ${SCHEMAS_ZOD} still exist?`);
  }
  if (options.write) {
    rmSync(dirname(file), { recursive: true, force: true });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, output.contents);
  }
  return {
    name: spec.name,
    style,
    file,
    minifiedBytes: output.contents.byteLength,
    gzippedBytes: gzipSync(output.contents, { level: 9 }).byteLength,
    sha256: createHash('sha256').update(output.contents).digest('hex'),
    inputs,
  };
}

/** Every function of the function map, built in the given style (esbuild runs them in parallel). */
export async function buildAll(
  style: BundleStyle,
  options: { write?: boolean } = {},
): Promise<BuiltBundle[]> {
  return Promise.all(FUNCTIONS.map((spec) => buildBundle(spec, style, options)));
}
