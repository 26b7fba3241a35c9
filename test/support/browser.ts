import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';
import type { Browser, LaunchOptions } from 'playwright-core';

/**
 * The browser for the console's tests, brought by npm like everything else (issue 19): the headless
 * Chromium that `@sparticuz/chromium` ships inside its package (Linux x64), with the libraries it
 * links against, and fonts from npm — Open Sans from the same package and Noto Sans SC from
 * `@expo-google-fonts/noto-sans-sc` — so zh-CN labels render as glyphs on a machine with no CJK
 * font. Nothing is downloaded and nothing needs root: the package's brotli files are unpacked once
 * per checkout into node_modules/.cache/, keyed by the package's version.
 *
 * CHROMIUM_PATH, when set, names a Chrome or Chromium already on the machine to use instead (any
 * platform); it is never required. The fonts are the npm ones either way (through fontconfig,
 * which Linux builds read), so screenshots look the same whichever browser took them.
 */

const require = createRequire(import.meta.url);

/**
 * Launch flags. The machine's closed network refuses Chromium's own connections (component
 * updates, sync, field trials, QUIC probes), many at a time, unless they are switched off.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--no-default-browser-check',
  '--no-pings',
];

/** The Noto Sans SC weights the console's styles use (400, 600, 700). */
const CJK_WEIGHTS = ['400Regular', '600SemiBold', '700Bold'];

export interface ChromiumLaunch extends LaunchOptions {
  executablePath: string;
  args: string[];
  env: Record<string, string>;
}

/** Options for playwright-core's `chromium.launch`: which browser, its flags and its environment. */
export async function chromiumLaunchOptions(): Promise<ChromiumLaunch> {
  const own = process.env.CHROMIUM_PATH?.trim();
  if (own && !existsSync(own)) {
    throw new Error(
      `CHROMIUM_PATH is ${own}, which does not exist (unset it to use the npm-shipped Chromium)`,
    );
  }
  if (!own && (process.platform !== 'linux' || process.arch !== 'x64')) {
    throw new Error(
      `@sparticuz/chromium ships a Chromium for Linux x64 only, and this is ${process.platform}/${process.arch}: ` +
        'set CHROMIUM_PATH to a Chrome or Chromium on this machine.',
    );
  }
  const pack = await unpackedChromium(!own);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env.FONTCONFIG_FILE = pack.fontsConf;
  if (!own) env.LD_LIBRARY_PATH = [pack.libDir, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return { executablePath: own || pack.executable, args: [...ARGS], env };
}

interface UnpackedChromium {
  executable: string;
  libDir: string;
  fontsConf: string;
}

/**
 * The package's files unpacked under node_modules/.cache/chromium-<version>/ (first call ≈ 4 s,
 * later ones only check that it is there). `withBrowser` false unpacks the fonts alone.
 * Each unpacking goes to a folder of its own and is renamed into place, so two test processes
 * starting at once never see half a binary.
 */
async function unpackedChromium(withBrowser: boolean): Promise<UnpackedChromium> {
  const entry = require.resolve('@sparticuz/chromium');
  const packageDir = resolve(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const bin = join(packageDir, 'bin');
  // <project>/node_modules/.cache, wherever npm put the package.
  const cache = resolve(packageDir, '..', '..', '.cache', `chromium-${version}`);

  const fontsDir = await ensure(join(cache, 'fonts'), async (dir) => untar(join(bin, 'fonts.tar.br'), dir));
  const executableDir = withBrowser
    ? await ensure(join(cache, 'browser'), async (dir) => {
        await pipeline(
          createReadStream(join(bin, 'chromium.br')),
          createBrotliDecompress(),
          createWriteStream(join(dir, 'chromium'), { mode: 0o755 }),
        );
        // The binary looks for the SwiftShader/ANGLE libraries beside itself.
        untar(join(bin, 'swiftshader.tar.br'), dir);
        // libnss3, libnspr4, libexpat: built for Amazon Linux 2023, found through LD_LIBRARY_PATH so
        // that a machine without them (no Debian chromium installed) can still start the browser.
        untar(join(bin, 'al2023.tar.br'), dir);
      })
    : join(cache, 'browser');

  const cjkPackage = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  const fontDirs = [join(fontsDir, 'fonts'), ...CJK_WEIGHTS.map((weight) => join(cjkPackage, weight))];
  const fontsConf = join(cache, 'fonts.conf');
  const conf = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<!-- Written by test/support/browser.ts: only the fonts that npm brought, none of the system. -->',
    '<fontconfig>',
    ...fontDirs.map((dir) => `  <dir>${escapeXml(dir)}</dir>`),
    `  <cachedir>${escapeXml(join(cache, 'fontconfig-cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
  if (!existsSync(fontsConf) || readFileSync(fontsConf, 'utf8') !== conf) {
    const partial = `${fontsConf}.${process.pid}`;
    writeFileSync(partial, conf);
    renameSync(partial, fontsConf);
  }
  return { executable: join(executableDir, 'chromium'), libDir: join(executableDir, 'lib'), fontsConf };
}

/** `dir` filled once by `fill`, atomically: unpacked beside it, then renamed into place. */
async function ensure(dir: string, fill: (dir: string) => Promise<void>): Promise<string> {
  if (existsSync(dir)) return dir;
  removeAbandoned(dir);
  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(partial, { recursive: true });
  try {
    await fill(partial);
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // Another process finished first: its copy is as good as ours.
    if (!existsSync(dir)) throw error;
  }
  return dir;
}

/** Half-unpacked copies left by a process that was killed meanwhile (the browser is 200 MB). */
function removeAbandoned(dir: string) {
  const prefix = `${basename(dir)}.partial-`;
  for (const name of existsSync(dirname(dir)) ? readdirSync(dirname(dir)) : []) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!alive(pid)) rmSync(join(dirname(dir), name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Unpacks a brotli-compressed tar of the package (regular files and folders in ustar form, as
 * the package's own archives are) into `dir`. Anything else is refused rather than guessed at.
 */
function untar(archive: string, dir: string) {
  const tar = brotliDecompressSync(readFileSync(archive));
  const text = (start: number, length: number) =>
    tar
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = offset;
    if (tar[header] === 0) break; // two zero blocks end the archive
    const name = [text(header + 345, 155), text(header + 0, 100)].filter(Boolean).join('/');
    const size = Number.parseInt(text(header + 124, 12).trim() || '0', 8);
    const mode = Number.parseInt(text(header + 100, 8).trim() || '644', 8);
    const type = String.fromCharCode(tar[header + 156] || 48);
    const target = resolve(dir, name);
    if (!target.startsWith(resolve(dir))) throw new Error(`${archive}: ${name} points outside the folder`);
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, tar.subarray(header + 512, header + 512 + size), { mode: mode & 0o777 });
    } else throw new Error(`${archive}: entry ${name} of tar type '${type}' is not unpacked here`);
    offset = header + 512 + Math.ceil(size / 512) * 512;
  }
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A zh-CN page at phone width (390 px) kept as `path` and named in the test log: the proof that
 * the npm fonts draw the console's Chinese labels as glyphs, not boxes (issue 19).
 */
export async function keepPhoneScreenshot(browser: Browser, url: string, ready: string, path: string) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.locator(ready).first().waitFor();
    await page.evaluate('document.fonts.ready.then(() => true)');
    mkdirSync(dirname(path), { recursive: true });
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
    console.log(`390 px zh-CN screenshot (fonts from npm): ${path}`);
  } finally {
    await context.close();
  }
}
