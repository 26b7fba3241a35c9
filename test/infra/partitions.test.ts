import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { applyNagSuppressions } from '../../infra/nag-suppressions.ts';
import { ApprenticeFlowStack, STACK_NAME } from '../../infra/stack.ts';
import { ENVIRONMENT } from '../../shared/adapters/config.ts';

/**
 * The stack in each partition (issue 18): the global default (us-east-1, no context) is today's
 * deployment — Cognito pool, origin access control, tracing — and the AWS China regions, given an
 * OIDC issuer and the console's domain, use only what is offered there. Each is synthesized as
 * `npm run synth` does it, with CDK's own CloudFormation validation (the `validation-report.json`
 * a deployer reads) and cdk-nag, but without bundling (bundles change only asset hashes).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
  context?: Record<string, unknown>;
};

const CHINA_CONTEXT = {
  oidcIssuer: 'https://idp.rsj.beijing.example.cn/realms/apprenticeflow',
  oidcAudience: 'apprenticeflow-console',
  oidcRolesClaim: 'roles',
  oidcOrgClaim: 'org_code',
  consoleDomain: 'apprenticeflow.rsj.beijing.example.cn',
  consoleCertificateId: 'ASCAEXAMPLECERTIFICATE1',
};

interface Synthesized {
  stack: ApprenticeFlowStack;
  template: Template;
  json: Record<string, any>;
  /** `validation-report.json` as CDK writes it into the cloud assembly. */
  report: {
    pluginReports: { pluginName: string; violations: { ruleName: string; description: string }[] }[];
  };
  nagFindings: string[];
}

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function synth(region: string, context: Record<string, string> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), `apprenticeflow-${region}-`));
  outdirs.push(outdir);
  const app = new App({
    outdir,
    context: { ...cdkJson.context, ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new ApprenticeFlowStack(app, STACK_NAME, { env: { region } });
  applyNagSuppressions(stack);
  const nag = new AwsSolutionsChecks(app).validateScope(stack);
  const template = Template.fromStack(stack);
  app.synth();
  return {
    stack,
    template,
    json: template.toJSON(),
    report: JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')),
    nagFindings: nag.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    ),
  };
}

/** Every string of the template with where it is. */
function* strings(value: unknown, path: string[] = []): Generator<[string[], string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value))
    for (const [index, item] of value.entries()) yield* strings(item, [...path, String(index)]);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) yield* strings(item, [...path, key]);
}

const resourcesOf = (json: Record<string, any>, type: string) =>
  Object.entries(json.Resources as Record<string, { Type: string; Properties: any }>).filter(
    ([, resource]) => resource.Type === type,
  );

describe.each(['cn-north-1', 'cn-northwest-1'])(
  'in %s (aws-cn) with an OIDC issuer and the console domain',
  (region) => {
    const synthesized = synth(region, CHINA_CONTEXT);
    const { template, json } = synthesized;

    it('synthesizes with no CloudFormation validation finding and no cdk-nag finding', () => {
      expect(synthesized.report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
      expect(synthesized.nagFindings).toEqual([]);
    });

    it('has no Cognito resource; the JWT authorizer trusts the issuer and the audience given', () => {
      const types = Object.values(json.Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types.filter((type) => type.startsWith('AWS::Cognito::'))).toEqual([]);
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        JwtConfiguration: { Issuer: CHINA_CONTEXT.oidcIssuer, Audience: [CHINA_CONTEXT.oidcAudience] },
      });
      expect(json.Outputs.IssuerUrl.Value).toBe(CHINA_CONTEXT.oidcIssuer);
      expect(json.Outputs.UserPoolId).toBeUndefined();
    });

    it('traces nothing with X-Ray: no active tracing, no state-machine tracing, no X-Ray grant', () => {
      for (const [name, fn] of resourcesOf(json, 'AWS::Lambda::Function')) {
        expect(fn.Properties.TracingConfig, name).toBeUndefined();
      }
      const machines = resourcesOf(json, 'AWS::StepFunctions::StateMachine');
      expect(machines).toHaveLength(2);
      for (const [name, machine] of machines) {
        expect(machine.Properties.TracingConfiguration?.Enabled ?? false, name).toBe(false);
      }
      const actions = [...strings(json)].filter(([, value]) => value.startsWith('xray:'));
      expect(actions).toEqual([]);
    });

    it('serves the console on its domain with the IAM certificate, an origin access identity and no CloudFront Function', () => {
      template.resourceCountIs('AWS::CloudFront::Function', 0);
      template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
      template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 1);
      const [[, distribution]] = resourcesOf(json, 'AWS::CloudFront::Distribution') as [[string, any]];
      const config = distribution.Properties.DistributionConfig;
      expect(config.Aliases).toEqual([CHINA_CONTEXT.consoleDomain]);
      expect(config.ViewerCertificate).toEqual({
        IamCertificateId: CHINA_CONTEXT.consoleCertificateId,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
      expect(config.DefaultCacheBehavior.FunctionAssociations).toBeUndefined();
      // The public notice list (issue 14) is a behaviour of this distribution, on the same domain.
      expect(config.CacheBehaviors).toEqual([
        expect.objectContaining({ PathPattern: '/public/notices', AllowedMethods: ['GET', 'HEAD'] }),
      ]);
      expect(config.CustomErrorResponses).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html' }),
          expect.objectContaining({ ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html' }),
        ]),
      );
      expect(json.Outputs.ConsoleUrl.Value).toBe(`https://${CHINA_CONTEXT.consoleDomain}`);
    });

    it('has no string with the global suffix outside service principals, and no aws-partition ARN', () => {
      const global = [...strings(json)].filter(
        ([path, value]) =>
          /amazonaws\.com(?!\.cn)/.test(value) &&
          !(
            /^[a-z0-9.-]+\.amazonaws\.com$/.test(value) &&
            (path.includes('Service') || path.at(-1) === 'Principal')
          ),
      );
      expect(global.map(([path, value]) => `${path.join('.')}: ${value}`)).toEqual([]);
      expect([...strings(json)].filter(([, value]) => value.includes('arn:aws:'))).toEqual([]);
    });

    it('builds the console CSP with the partition suffix and the issuer origin', () => {
      const [[, policy]] = resourcesOf(json, 'AWS::CloudFront::ResponseHeadersPolicy') as [[string, any]];
      const csp = JSON.stringify(
        policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy,
      );
      expect(csp).toContain('AWS::URLSuffix');
      expect(csp).toContain(new URL(CHINA_CONTEXT.oidcIssuer).origin);
      expect(csp).not.toContain('amazoncognito.com');
    });

    it('keeps the table replicas in China', () => {
      const [[, table]] = resourcesOf(json, 'AWS::DynamoDB::GlobalTable') as [[string, any]];
      const replicas = (table.Properties.Replicas as { Region: string }[]).map((replica) => replica.Region);
      expect(replicas.length).toBeGreaterThan(0);
      for (const replica of replicas) expect(replica).toMatch(/^cn-/);
    });

    it('gives every function the claims and the GM suite', () => {
      const functions = synthesized.stack.functions.entries();
      expect(functions.length).toBeGreaterThan(0);
      for (const [spec, fn] of functions) {
        const resolved = synthesized.stack.resolve(
          (json.Resources[synthesized.stack.getLogicalId(fn.node.defaultChild as never)] as any).Properties
            .Environment.Variables,
        );
        expect(resolved, spec.name).toMatchObject({
          [ENVIRONMENT.rolesClaim]: 'roles',
          [ENVIRONMENT.orgClaim]: 'org_code',
          [ENVIRONMENT.cryptoSuite]: 'gm',
        });
      }
    });
  },
);

describe('in us-east-1 with no context (the global default)', () => {
  const synthesized = synth('us-east-1');
  const { template, json } = synthesized;

  it('is today’s deployment: Cognito pool, origin access control, the routing function, tracing', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.resourceCountIs('AWS::CloudFront::Function', 1);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    for (const [name, fn] of resourcesOf(json, 'AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('Functions'),
    )) {
      expect(fn.Properties.TracingConfig, name).toEqual({ Mode: 'Active' });
    }
    for (const [, machine] of resourcesOf(json, 'AWS::StepFunctions::StateMachine')) {
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    }
  });

  it('has no CloudFormation validation finding and no cdk-nag finding', () => {
    expect(synthesized.report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
    expect(synthesized.nagFindings).toEqual([]);
  });

  it('gives every function the Cognito claims and the standard suite', () => {
    for (const [spec, fn] of synthesized.stack.functions.entries()) {
      const variables = (json.Resources[synthesized.stack.getLogicalId(fn.node.defaultChild as never)] as any)
        .Properties.Environment.Variables;
      expect(variables, spec.name).toMatchObject({
        [ENVIRONMENT.rolesClaim]: 'cognito:groups',
        [ENVIRONMENT.orgClaim]: 'custom:org',
        [ENVIRONMENT.cryptoSuite]: 'standard',
      });
    }
  });
});

describe('refusals in the China regions', () => {
  const attempt = (region: string, context: Record<string, string>) => () =>
    new ApprenticeFlowStack(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } }), STACK_NAME, {
      env: { region },
    });
  const { oidcIssuer: _issuer, ...withoutIssuer } = CHINA_CONTEXT;
  const { consoleDomain: _domain, ...withoutDomain } = CHINA_CONTEXT;

  it.each(['cn-north-1', 'cn-northwest-1'])('%s: without oidcIssuer, naming it', (region) => {
    expect(attempt(region, withoutIssuer)).toThrow(/oidcIssuer/);
    expect(attempt(region, {})).toThrow(/oidcIssuer/);
  });

  it.each(['cn-north-1', 'cn-northwest-1'])('%s: without consoleDomain, naming it', (region) => {
    expect(attempt(region, withoutDomain)).toThrow(/consoleDomain/);
  });

  it('refuses a cryptoSuite that is neither gm nor standard', () => {
    expect(attempt('us-east-1', { cryptoSuite: 'sm9' })).toThrow(/cryptoSuite/);
  });
});
