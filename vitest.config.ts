import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // log-capture: every line a test file writes or its runtime logs is scanned for personal data.
    setupFiles: ['test/support/log-capture.ts'],
    // The reliability table (issue 4) after the usual report.
    reporters: ['default', './test/support/reliability-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
