import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROUTING_FUNCTION, WebConsole } from '../../infra/constructs/console.ts';
import { type SynthesizedApp, synthApp } from '../support/synth.ts';

/**
 * The web console on AWS: a private bucket behind CloudFront with origin access control, the
 * console built at synth by esbuild (no Docker) and uploaded with its configuration, and the
 * Cognito console client sending people back to the distribution. The whole stack is synthesized
 * without bundling (the Lambda bundles are stack.test.ts's business); the console's own build is
 * checked on a stack that holds the console alone.
 */
let synthesized: SynthesizedApp;
let template: Template;
let id: { bucket: string; distribution: string; client: string; userPool: string; api: string };

beforeAll(() => {
  synthesized = synthApp({ bundle: false });
  template = synthesized.template;
  const { stack, logicalId } = synthesized;
  id = {
    bucket: logicalId(stack.webConsole.bucket),
    distribution: logicalId(stack.webConsole.distribution),
    client: logicalId(stack.auth!.consoleClient),
    userPool: logicalId(stack.auth!.userPool),
    api: logicalId(stack.api.httpApi),
  };
});

const distributionOrigin = () => ({
  'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [id.distribution, 'DomainName'] }]],
});

describe('the public notice list (issue 14)', () => {
  it('is cached a minute by CloudFront, per district, GET and HEAD only, from the API itself', () => {
    const { stack, logicalId } = synthesized;
    const notices = stack.webConsole.publicNoticesDistribution;
    expect(notices).toBeDefined();
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 60,
        MaxTTL: 60,
        MinTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          QueryStringsConfig: {
            QueryStringBehavior: 'whitelist',
            QueryStrings: ['districtCode', 'limit', 'cursor'],
          },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      }),
    });
    const config = template.findResources('AWS::CloudFront::Distribution')[logicalId(notices!)]!.Properties
      .DistributionConfig;
    expect(config.DefaultCacheBehavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD'],
      ViewerProtocolPolicy: 'https-only',
    });
    expect(JSON.stringify(config.Origins[0].DomainName)).toContain(id.api);
  });

  it('is throttled on the API stage per route, below the stage default, and has no authorizer', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!.Properties;
    expect(stage.RouteSettings).toEqual({
      'GET /public/notices': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      'POST /public/notices/{claimId}/objections': { ThrottlingRateLimit: 2, ThrottlingBurstLimit: 10 },
    });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties,
    );
    for (const key of ['GET /public/notices', 'POST /public/notices/{claimId}/objections']) {
      expect(routes.find((route) => route.RouteKey === key)).toMatchObject({ AuthorizationType: 'NONE' });
    }
  });
});

describe('hosting', () => {
  it('keeps the bucket private: all public access blocked, encrypted, TLS only, owner-enforced', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id.bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('serves it through CloudFront with origin access control only (no OAI), HTTPS, security headers', () => {
    // The console's, and the public notice list's own (issue 14: no console domain here).
    template.resourceCountIs('AWS::CloudFront::Distribution', 2);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const distribution = template.findResources('AWS::CloudFront::Distribution')[id.distribution]!.Properties
      .DistributionConfig;
    expect(distribution).toMatchObject({
      DefaultRootObject: 'index.html',
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        Compress: true,
        FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: expect.anything() }],
      },
    });
    const [origin] = distribution.Origins;
    expect(origin.OriginAccessControlId).toBeDefined();
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    // Only this distribution may read the bucket.
    const policy = template.findResources('AWS::S3::BucketPolicy');
    const statements = Object.values(policy).flatMap(
      (resource) => resource.Properties.PolicyDocument.Statement,
    );
    const read = statements.find((statement) => statement.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(read).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject' });
    expect(JSON.stringify(read.Condition)).toContain(id.distribution);
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: Match.objectLike({ Override: true }),
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000 }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      },
    });
    // connect-src names the sign-in issuer's origin (discovery; the hosted UI's token endpoint). The
    // policy is joined with the partition's URL suffix (amazonaws.com here, amazonaws.com.cn in China).
    const [headers] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const [separator, parts] = headers!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig
      .ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'] as [string, unknown[]];
    const csp = parts
      .map((part) =>
        typeof part === 'string'
          ? part
          : JSON.stringify(part) === '{"Ref":"AWS::URLSuffix"}'
            ? 'amazonaws.com'
            : '?',
      )
      .join(separator);
    expect(csp).toMatch(/^default-src 'self'.*frame-ancestors 'none'$/);
    expect(csp).toContain(
      "connect-src 'self' https://*.execute-api.us-east-1.amazonaws.com https://cognito-idp.us-east-1.amazonaws.com https://*.amazoncognito.com https://*.s3.us-east-1.amazonaws.com https://*.cloudfront.net;",
    );
  });

  it('answers client routes with index.html and leaves assets and the API alone (the routing function)', () => {
    template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: CONSOLE_ROUTING_FUNCTION,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    });
    const handler = new Function(`${CONSOLE_ROUTING_FUNCTION}; return handler;`)() as (event: {
      request: { uri: string };
    }) => { uri: string };
    const route = (uri: string) => handler({ request: { uri } }).uri;
    expect(route('/')).toBe('/index.html');
    expect(route('/app')).toBe('/index.html');
    expect(route('/app/cohorts/01J0000000000000000000000A/review')).toBe('/index.html');
    expect(route('/auth/callback')).toBe('/index.html');
    expect(route('/assets/main-ABC123.js')).toBe('/assets/main-ABC123.js');
    expect(route('/console-config.json')).toBe('/console-config.json');
    expect(route('/application.js')).toBe('/application.js');
  });
});

describe('the build and its configuration', () => {
  it('uploads the console built at synth: hashed assets cached for a year, entry points never cached', () => {
    const deployments = template.findResources('Custom::CDKBucketDeployment');
    const list = Object.values(deployments).map((resource) => resource.Properties);
    expect(list).toHaveLength(2);
    const assets = list.find((props) => JSON.stringify(props.SystemMetadata ?? {}).includes('immutable'))!;
    const entry = list.find((props) => JSON.stringify(props.SystemMetadata ?? {}).includes('no-cache'))!;
    expect(assets.SystemMetadata['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(assets.Exclude).toEqual(['index.html', 'console-config.json']);
    expect(assets.Prune).toBe(false);
    expect(entry.Include).toEqual(['index.html', 'console-config.json']);
    expect(entry.DistributionId).toEqual({ Ref: id.distribution });
    expect(entry.DistributionPaths).toEqual(['/', '/index.html', '/console-config.json']);
  });

  it('is the real build, made at synth with esbuild (no Docker): index.html and the hashed files it loads', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'ConsoleOnly', { env: { region: 'us-east-1' } });
    const userPool = new cognito.UserPool(stack, 'Pool');
    const client = userPool.addClient('Client', { oAuth: { flows: { authorizationCodeGrant: true } } });
    new WebConsole(stack, 'Console').publish({
      apiUrl: 'https://api.example.com',
      auth: { kind: 'cognito', userPool, client },
    });
    const deployments = Template.fromStack(stack).findResources('Custom::CDKBucketDeployment');
    const assembly = app.synth();
    // Both deployments upload the same build (the entry one adds console-config.json).
    const keysOf = (resource: Record<string, any>) =>
      (resource.Properties.SourceObjectKeys as unknown[]).filter(
        (key): key is string => typeof key === 'string',
      );
    const [assets, entry] = Object.values(deployments).map(keysOf);
    const shared = assets!.filter((key) => entry!.includes(key));
    expect(shared).toHaveLength(1);
    const assetKey = shared[0]!;
    const assetDir = join(assembly.directory, `asset.${assetKey.replace(/\.zip$/, '')}`);
    const html = readFileSync(join(assetDir, 'index.html'), 'utf8');
    const script = /<script type="module" src="\/(assets\/main-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    const style = /<link rel="stylesheet" href="\/(assets\/main-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    const files = readdirSync(join(assetDir, 'assets'));
    expect(files).toContain(script!.slice('assets/'.length));
    expect(files).toContain(style!.slice('assets/'.length));
  });

  it('tells the console the API URL, the PKCE client, the issuer to discover and the hosted sign-out', () => {
    const entry = Object.values(template.findResources('Custom::CDKBucketDeployment'))
      .map((resource) => resource.Properties)
      .find((props) => props.Include)!;
    const markers = JSON.stringify(entry.SourceMarkers);
    expect(markers).toContain(id.client); // client id
    expect(markers).toContain(id.api); // API endpoint
    // The issuer: the pool's cognito-idp URL, whose discovery names the hosted UI's endpoints.
    expect(markers).toContain(`{"Ref":"${id.userPool}"}`);
    expect(markers).toContain('AWS::URLSuffix');
    expect(markers).toContain('UserPoolConsoleSignIn'); // the hosted domain (its /logout)
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: id.userPool },
      Domain: { 'Fn::Join': ['', ['apprenticeflow-', { Ref: 'AWS::AccountId' }]] },
    });
  });
});

describe('sign-in and CORS', () => {
  it('sends Cognito sign-in back to the distribution (code grant, PKCE client without a secret)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: [
        {
          'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [id.distribution, 'DomainName'] }, '/auth/callback']],
        },
      ],
      LogoutURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [id.distribution, 'DomainName'] }, '/']] },
      ],
    });
  });

  it('lets the distribution call the API (CORS)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [distributionOrigin()] }),
    });
    template.hasOutput('ConsoleUrl', { Value: distributionOrigin() });
  });
});
