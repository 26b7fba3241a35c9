import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm start` without Java: it stops at once and says how to install it (architecture.md). */
describe('npm start without java on PATH', () => {
  it('exits with a message that says how to install Java', () => {
    const tsx = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist', 'cli.mjs');
    const result = spawnSync(process.execPath, [tsx, 'infra/local/main.ts'], {
      env: {
        PATH: mkdtempSync(join(tmpdir(), 'no-java-')),
        PORT: '0',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'af-')),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DynamoDB Local needs Java 17 or newer');
    expect(result.stderr).toContain('apt-get install -y openjdk-17-jre-headless');
    expect(result.stdout).not.toContain('ApprenticeFlow is running');
  });
});
