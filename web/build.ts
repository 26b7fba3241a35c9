import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, buildSync, type Metafile, type OutputFile } from 'esbuild';

/**
 * Builds the web console with esbuild: one ESM entry (`src/main.tsx`, Preact with the automatic
 * JSX runtime), code-split chunks for what only some screens need (roster validation with the
 * shared zod schemas, XLSX reading and writing), one stylesheet, and `index.html` pointing at the
 * content-hashed files. Synchronous on purpose: CDK's local bundling (`infra/constructs/console.ts`)
 * calls it from `tryBundle`, and the embedded runtime builds it in memory on the first request.
 *
 * `npm run build:console` writes the same files to `web/dist/` and prints their sizes.
 */
const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_SOURCE_DIR = WEB_DIR;
/** Where `npm run build:console` writes; esbuild also names its in-memory output files under it. */
const OUTDIR = join(WEB_DIR, 'dist');

export interface ConsoleFile {
  /** URL path: `/index.html`, `/assets/main-3FQ2.js`. */
  path: string;
  contentType: string;
  text: string;
  /** Hashed assets never change under their name; `index.html` must be revalidated. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function contentTypeOf(path: string): string {
  const extension = path.slice(path.lastIndexOf('.'));
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

function buildOptions(minify: boolean): BuildOptions & { write: false; metafile: true } {
  return {
    absWorkingDir: WEB_DIR,
    entryPoints: { main: join(WEB_DIR, 'src/main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    outdir: OUTDIR,
    entryNames: 'assets/[name]-[hash]',
    chunkNames: 'assets/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  };
}

const urlPath = (file: string) => `/${relative(OUTDIR, resolve(WEB_DIR, file)).split('\\').join('/')}`;

function consoleFiles(result: { outputFiles: OutputFile[]; metafile: Metafile }): ConsoleFile[] {
  const files: ConsoleFile[] = result.outputFiles.map((file) => {
    const path = urlPath(file.path);
    return { path, contentType: contentTypeOf(path), text: file.text, immutable: true };
  });
  // Modules loaded by `import()` are entry points of their own in the metafile: pick the page's.
  const entry = Object.entries(result.metafile.outputs).find(([, output]) =>
    output.entryPoint?.replace(/\\/g, '/').endsWith('src/main.tsx'),
  );
  if (!entry) throw new Error('esbuild produced no entry chunk for the console');
  const [entryPath, entryOutput] = entry;
  const template = readFileSync(join(WEB_DIR, 'index.html'), 'utf8');
  const html = template
    .replace(
      '<!--style-->',
      entryOutput.cssBundle ? `<link rel="stylesheet" href="${urlPath(entryOutput.cssBundle)}">` : '',
    )
    .replace('<!--script-->', `<script type="module" src="${urlPath(entryPath)}"></script>`);
  files.push({ path: '/index.html', contentType: contentTypeOf('.html'), text: html, immutable: false });
  return files;
}

/** The console's files, built in memory (the embedded runtime serves them from there). */
export async function buildConsole(options: { minify?: boolean } = {}): Promise<ConsoleFile[]> {
  return consoleFiles(await build(buildOptions(options.minify ?? true)));
}

/** The same, synchronously (CDK's `tryBundle` cannot wait for a promise). */
export function buildConsoleSync(options: { minify?: boolean } = {}): ConsoleFile[] {
  return consoleFiles(buildSync(buildOptions(options.minify ?? true)));
}

/** Writes the build to `outdir` (emptied first); returns the files written. */
export function writeConsole(outdir: string, options: { minify?: boolean } = {}): ConsoleFile[] {
  const files = buildConsoleSync(options);
  rmSync(outdir, { recursive: true, force: true });
  for (const file of files) {
    const target = join(outdir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.text);
  }
  return files;
}

/** Bytes of the files a first visit loads (HTML, entry script, stylesheet), raw and gzipped. */
export function firstLoadSize(files: readonly ConsoleFile[]): { raw: number; gzip: number } {
  const html = files.find((file) => file.path === '/index.html')!;
  const loaded = new Set([html, ...files.filter((file) => html.text.includes(`"${file.path}"`))]);
  // Follow static imports (`from"./chunk.js"`, `import"./chunk.js"`); `import("./x.js")` loads later.
  for (const file of loaded) {
    const folder = file.path.slice(0, file.path.lastIndexOf('/') + 1);
    for (const match of file.text.matchAll(/(?:from|import)\s*"\.\/([^"]+)"/g)) {
      const imported = files.find((candidate) => candidate.path === `${folder}${match[1]}`);
      if (imported) loaded.add(imported);
    }
  }
  return [...loaded].reduce(
    (total, file) => ({
      raw: total.raw + Buffer.byteLength(file.text),
      gzip: total.gzip + gzipSync(file.text).length,
    }),
    { raw: 0, gzip: 0 },
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? join(WEB_DIR, 'dist'));
  const started = performance.now();
  const files = writeConsole(outdir);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const file of files) {
    const size = Buffer.byteLength(file.text);
    process.stdout.write(
      `  ${file.path.padEnd(40)} ${kb(size).padStart(10)}  gzip ${kb(gzipSync(file.text).length).padStart(9)}\n`,
    );
  }
  const first = firstLoadSize(files);
  process.stdout.write(
    `console built in ${Math.round(performance.now() - started)} ms to ${outdir}: ` +
      `first load ${kb(first.raw)} (gzip ${kb(first.gzip)})\n`,
  );
}
