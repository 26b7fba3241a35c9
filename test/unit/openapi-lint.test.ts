import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { openApiDocument } from '../../shared/http/openapi.ts';

/**
 * The document `GET /openapi.json` serves passes `@redocly/cli lint` with Redocly's recommended
 * rules, without a single warning (issue 11, item 8). Redocly runs offline, from node_modules,
 * with its telemetry and update check off.
 */
const CLI = join(import.meta.dirname, '../../node_modules/@redocly/cli/bin/cli.js');

it('passes redocly lint with the recommended rules, no errors and no warnings', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(openApiDocument(), null, 2));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'lint', file, '--extends=recommended', '--format=json'],
      {
        cwd: dir,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map(({ ruleId, message }) => `${ruleId}: ${message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
