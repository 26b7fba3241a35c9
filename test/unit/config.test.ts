import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localSettings } from '../../infra/local/settings.ts';
import * as settings from '../../shared/adapters/config.ts';
import { ENVIRONMENT, functionEnvironment, stateMachineArnVariable } from '../../shared/adapters/config.ts';

/**
 * The functions' environment is named once (shared/adapters/config.ts): what CDK and the embedded
 * runtime write with `functionEnvironment` is what the adapters' readers read back, and no other
 * module of shared/ or functions/ reads `process.env` itself.
 */
const ROOT = join(import.meta.dirname, '../..');
const saved = { ...process.env };

afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

describe('the configuration module', () => {
  it('reads back what functionEnvironment writes', () => {
    for (const name of Object.values(ENVIRONMENT)) delete process.env[name];
    Object.assign(
      process.env,
      functionEnvironment({
        serviceName: 'svc',
        logLevel: 'WARN',
        tableName: 'table-1',
        piiKeyId: 'arn:aws:kms:eu-west-1:000000000000:key/1',
        eventBusName: 'bus-1',
        documentsBucket: 'bucket-1',
        rolesClaim: 'roles',
        orgClaim: 'org_code',
        cryptoSuite: 'gm',
        stateMachineArns: { 'subsidy-claim': 'arn:aws:states:eu-west-1:000000000000:stateMachine:sc' },
      }),
    );
    expect(settings.rolesClaim()).toBe('roles');
    expect(settings.orgClaim()).toBe('org_code');
    expect(settings.cryptoSuite()).toBe('gm');
    expect(settings.auditHashAlgorithm()).toBe('sm3');
    expect(settings.serviceName()).toBe('svc');
    expect(settings.logLevel()).toBe('warn');
    expect(settings.tableName()).toBe('table-1');
    expect(settings.personalDataKey()).toEqual({ kmsKeyId: 'arn:aws:kms:eu-west-1:000000000000:key/1' });
    expect(settings.eventBusName()).toBe('bus-1');
    expect(settings.documentsBucket()).toBe('bucket-1');
    expect(settings.stateMachineArn('subsidy-claim')).toContain(':stateMachine:sc');
    expect(settings.stateMachineArn('cohort-filing')).toBeUndefined();
    expect(stateMachineArnVariable('cohort-filing')).toBe('COHORT_FILING_STATE_MACHINE_ARN');
  });

  it('leaves unset what has no value, and names what is missing', () => {
    for (const name of Object.values(ENVIRONMENT)) delete process.env[name];
    expect(functionEnvironment({ tableName: 't', piiKeyId: undefined })).toEqual({ TABLE_NAME: 't' });
    expect(() => settings.tableName()).toThrow('TABLE_NAME is not set');
    expect(() => settings.documentsBucket()).toThrow('DOCUMENTS_BUCKET is not set');
    expect(() => settings.personalDataKey()).toThrow(
      'Set PII_KEY_ID (KMS) or PII_KEY_FILE (embedded runtime)',
    );
    process.env[ENVIRONMENT.piiKeyFile] = '/tmp/key.json';
    expect(settings.personalDataKey()).toEqual({ keyFile: '/tmp/key.json' });
    expect(settings.serviceName()).toBe('apprenticeflow');
    expect(settings.logLevel()).toBe('info');
    expect(settings.rolesClaim()).toBe('cognito:groups');
    expect(settings.orgClaim()).toBe('custom:org');
    expect(settings.cryptoSuite()).toBe('standard');
    expect(settings.auditHashAlgorithm()).toBe('sha256');
    process.env[ENVIRONMENT.cryptoSuite] = 'sm9';
    expect(() => localSettings({ [ENVIRONMENT.cryptoSuite]: 'sm9' })).toThrow(
      'CRYPTO_SUITE must be one of standard, gm, not "sm9"',
    );
    expect(localSettings({ [ENVIRONMENT.cryptoSuite]: 'gm', ROLES_CLAIM: 'roles' })).toMatchObject({
      cryptoSuite: 'gm',
      claims: { roles: 'roles', org: 'custom:org' },
    });
  });

  it('is the only module of shared/ and functions/ that reads process.env', () => {
    const readers = ['shared', 'functions']
      .flatMap((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(ROOT, dir, f)),
      )
      .filter((file) => file.endsWith('.ts') && readFileSync(file, 'utf8').includes('process.env'))
      .map((file) => relative(ROOT, file));
    expect(readers).toEqual(['shared/adapters/config.ts']);
  });
});
