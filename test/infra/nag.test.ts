import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { applyNagSuppressions, type NagAcknowledgement } from '../../infra/nag-suppressions.ts';
import { ApprenticeFlowStack, STACK_NAME, stackEnvironment } from '../../infra/stack.ts';

/**
 * cdk-nag's AwsSolutions pack on the synthesized stack (issue 4): no error or warning is left
 * unacknowledged, every acknowledgement lives in infra/nag-suppressions.ts with a written reason
 * and still matches a finding (so the list cannot outlive what it excuses), and the CDK app itself
 * (`infra/app.ts`, what `cdk synth` runs) runs the pack and synthesizes clean.
 */
type PolicyViolation = ReturnType<AwsSolutionsChecks['validateScope']>['violations'][number];

const ROOT = join(import.meta.dirname, '..', '..');
const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
  context?: Record<string, unknown>;
};
/** The template is what matters here; bundles change only asset hashes. */
const CONTEXT = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };

const checked = new Map<boolean, { violations: PolicyViolation[]; applied: NagAcknowledgement[] }>();

/** The pack's findings on a fresh app, with or without the acknowledgements (each built once per file). */
function check(withSuppressions: boolean): { violations: PolicyViolation[]; applied: NagAcknowledgement[] } {
  const cached = checked.get(withSuppressions);
  if (cached) return cached;
  const app = new App({ context: CONTEXT, builtinCloudFormationValidation: false });
  const stack = new ApprenticeFlowStack(app, STACK_NAME, { env: stackEnvironment({}) });
  const applied = withSuppressions ? applyNagSuppressions(stack) : [];
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  const result = { violations: [...report.violations], applied };
  checked.set(withSuppressions, result);
  return result;
}

const describeViolations = (violations: PolicyViolation[]) =>
  violations
    .flatMap((violation) =>
      violation.violatingResources.map(
        (resource) =>
          `${violation.severity} ${violation.ruleName} at ${resource.constructPath}: ${violation.description}`,
      ),
    )
    .join('\n');

describe('cdk-nag AwsSolutions', () => {
  it('leaves no error or warning unacknowledged', () => {
    const { violations, applied } = check(true);
    console.info(
      `cdk-nag: ${applied.length} acknowledgements over ${new Set(applied.map((a) => a.id.split('[')[0])).size} rules`,
    );
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('gives every acknowledgement a reason, and each still matches a finding', () => {
    const { applied } = check(true);
    const { violations } = check(false);
    for (const acknowledgement of applied) {
      expect(
        acknowledgement.reason.length,
        `${acknowledgement.id} at ${acknowledgement.path}`,
      ).toBeGreaterThan(60);
      const matched = violations.some(
        (violation) =>
          violation.ruleName === acknowledgement.id &&
          violation.violatingResources.some(
            (resource) =>
              resource.constructPath === acknowledgement.path ||
              resource.constructPath?.startsWith(`${acknowledgement.path}/`),
          ),
      );
      expect(
        matched,
        `${acknowledgement.id} at ${acknowledgement.path} excuses no finding any more: remove it`,
      ).toBe(true);
    }
  });

  it('is acknowledged in infra/nag-suppressions.ts alone', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
      });
    const elsewhere = [
      ...sources(join(ROOT, 'infra')),
      ...sources(join(ROOT, 'shared')),
      ...sources(join(ROOT, 'functions')),
    ]
      .filter((path) => !path.endsWith('nag-suppressions.ts'))
      .filter((path) => /\.acknowledge\(|NagSuppressions\.|cdk_nag/.test(readFileSync(path, 'utf8')));
    expect(elsewhere).toEqual([]);
  });

  it('runs in the CDK app itself: infra/app.ts synthesizes with the pack and no finding', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'apprenticeflow-nag-'));
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'infra/app.ts')], {
        cwd: ROOT,
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(CONTEXT) },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(result.status, `${result.stdout}\n${result.stderr}`.slice(0, 3000)).toBe(0);
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: unknown[];
      };
      expect(report.pluginReports).toEqual([]);
      expect(readdirSync(outdir)).toContain(`${STACK_NAME}.template.json`);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
