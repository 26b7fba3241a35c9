import { AssetHashType, DockerImage, Duration, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as deployment from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_SOURCE_DIR, writeConsole } from '../../web/build.ts';
import { consoleContentSecurityPolicy } from '../../web/content-security-policy.ts';

/** Paths the console's router owns; CloudFront answers them with `index.html` (as the embedded runtime does). */
export const CONSOLE_CLIENT_ROUTES = { exact: ['/', '/app', '/auth/callback'], prefixes: ['/app/'] } as const;

/** Where the issuer's sign-in (Cognito's hosted UI by default) sends people back to, on the console's origin. */
export const CONSOLE_CALLBACK_PATH = '/auth/callback';

/**
 * CloudFront Function (viewer request): client routes get `index.html`; every other path (hashed
 * assets, `console-config.json`) is fetched as it is, so a missing asset stays a 403/404 instead of
 * an HTML page a browser would try to run.
 */
export const CONSOLE_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var exact = ${JSON.stringify(CONSOLE_CLIENT_ROUTES.exact)};
  var prefixes = ${JSON.stringify(CONSOLE_CLIENT_ROUTES.prefixes)};
  var client = exact.indexOf(uri) !== -1;
  for (var i = 0; !client && i < prefixes.length; i++) client = uri.indexOf(prefixes[i]) === 0;
  if (client) request.uri = '/index.html';
  return request;
}`;

export interface ConsolePublishProps {
  /** Base URL of the HTTP API the console calls. */
  apiUrl: string;
  userPool: cognito.IUserPool;
  /** The public PKCE client of the console (`Auth.consoleClient`). */
  client: cognito.IUserPoolClient;
  /**
   * The OIDC issuer the console signs in through (it reads the endpoints from its discovery
   * document); default the user pool's, `https://cognito-idp.<region>.<suffix>/<poolId>`.
   */
  issuer?: string;
  /**
   * Prefix of the Cognito hosted sign-in domain, when the pool has none yet (the Auth construct adds
   * one only when given `authDomainPrefix`); default `apprenticeflow-<account>`.
   */
  signInDomainPrefix?: string;
}

export interface WebConsoleProps {
  /**
   * Origins the console signs in through (the issuer's discovery and token endpoints), for the
   * CSP's `connect-src`; default Cognito's: the region's cognito-idp and the hosted UI domains.
   */
  signInOrigins?: readonly string[];
}

/**
 * The web console on AWS: the static build in a private S3 bucket, served only through CloudFront
 * with origin access control (no public bucket, no legacy OAI), HTTPS only, security headers, and
 * client routes answered with `index.html`. The build is made at synth with the project's esbuild
 * (no Docker); `publish` uploads it with `console-config.json`, which tells the console where the
 * API is and which OIDC issuer to sign in through (the user pool: discovery at its cognito-idp URL,
 * whose endpoints are the hosted UI's; authorization code with PKCE).
 *
 * Two steps because the origin is needed before the user pool client (its callback URL) and the
 * HTTP API (CORS), and the config needs both of them.
 */
export class WebConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>` */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: WebConsoleProps = {}) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });

    const region = Stack.of(this).region;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'ApprenticeFlow console: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The API, the sign-in issuer, and the evidence bucket the console uploads to (presigned PUTs).
          contentSecurityPolicy: consoleContentSecurityPolicy([
            `https://*.execute-api.${region}.amazonaws.com`,
            ...(props.signInOrigins ?? [
              `https://cognito-idp.${region}.amazonaws.com`,
              'https://*.amazoncognito.com',
            ]),
            `https://*.s3.${region}.amazonaws.com`,
          ]),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const routing = new cloudfront.Function(this, 'ClientRoutes', {
      comment: 'ApprenticeFlow console: client routes answer index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(CONSOLE_ROUTING_FUNCTION),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'ApprenticeFlow web console',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [{ function: routing, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * Uploads the console: hashed assets cached for a year (old ones kept, so open pages can still
   * load their chunks after a deploy), `index.html` and `console-config.json` never cached, and a
   * CloudFront invalidation of those two.
   */
  publish(props: ConsolePublishProps): void {
    const stack = Stack.of(this);
    const domain =
      props.userPool.node.children.find(
        (child): child is cognito.UserPoolDomain => child instanceof cognito.UserPoolDomain,
      ) ??
      props.userPool.addDomain('ConsoleSignIn', {
        cognitoDomain: { domainPrefix: props.signInDomainPrefix ?? `apprenticeflow-${stack.account}` },
      });

    const build = deployment.Source.asset(CONSOLE_SOURCE_DIR, {
      // Hash what is built, not web/ alone: the bundle also holds shared/ (schemas, rules).
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never used: the local esbuild always builds it (synth stays offline and Docker-free).
        image: DockerImage.fromRegistry('none'),
        local: {
          tryBundle(outputDir: string) {
            writeConsole(outputDir);
            return true;
          },
        },
      },
    });
    // web/src/config.ts `ConsoleConfig`: the issuer is the pool's cognito-idp URL (its discovery names
    // the hosted UI's authorize and token endpoints); Cognito's discovery names no end-session
    // endpoint, so sign-out goes to the hosted UI's `/logout`.
    const config = deployment.Source.jsonData('console-config.json', {
      apiUrl: props.apiUrl,
      auth: {
        issuer:
          props.issuer ??
          `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${props.userPool.userPoolId}`,
        clientId: props.client.userPoolClientId,
        redirectPath: CONSOLE_CALLBACK_PATH,
        scopes: ['openid', 'email', 'profile'],
        logoutUrl: `${domain.baseUrl()}/logout`,
      },
    });

    new deployment.BucketDeployment(this, 'Assets', {
      destinationBucket: this.bucket,
      sources: [build],
      exclude: ['index.html', 'console-config.json'],
      cacheControl: [
        deployment.CacheControl.setPublic(),
        deployment.CacheControl.maxAge(Duration.days(365)),
        deployment.CacheControl.immutable(),
      ],
      prune: false,
      memoryLimit: 512,
    });
    new deployment.BucketDeployment(this, 'EntryPoints', {
      destinationBucket: this.bucket,
      sources: [build, config],
      exclude: ['*'],
      include: ['index.html', 'console-config.json'],
      cacheControl: [deployment.CacheControl.noCache()],
      prune: false,
      memoryLimit: 512,
      distribution: this.distribution,
      distributionPaths: ['/', '/index.html', '/console-config.json'],
    });
  }
}
