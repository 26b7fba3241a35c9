import { AssetHashType, DockerImage, Duration, Fn, Stack } from 'aws-cdk-lib';
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

/** Where Cognito's hosted sign-in sends people back to, on the console's origin. */
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

export interface WebConsoleProps {
  /**
   * The AWS China regions: no CloudFront Function and no origin access control there, so an origin
   * access identity reads the bucket and error responses answer client routes with `index.html`.
   */
  china?: boolean;
  /** The console's alternate domain (ICP-recorded in China) and the id of its IAM server certificate. */
  domain?: { name: string; iamCertificateId: string } | undefined;
  /** An OIDC issuer the console signs in with (its origin joins `connect-src`); Cognito when undefined. */
  issuer?: string | undefined;
}

export interface ConsolePublishProps {
  /** Base URL of the HTTP API the console calls. */
  apiUrl: string;
  /**
   * The API's CORS names this distribution's own domain (no `consoleDomain`, no `consoleOrigin`):
   * a behaviour of it pointing at the API would close a dependency cycle, so the public notice list
   * gets a small distribution of its own.
   */
  apiNamesDistribution?: boolean;
  auth:
    | {
        kind: 'cognito';
        userPool: cognito.IUserPool;
        /** The public PKCE client of the console (`Auth.consoleClient`). */
        client: cognito.IUserPoolClient;
        /**
         * Prefix of the Cognito hosted sign-in domain, when the pool has none yet (the Auth construct adds
         * one only when given `authDomainPrefix`); default `apprenticeflow-<account>`.
         */
        signInDomainPrefix?: string;
      }
    | {
        kind: 'oidc';
        /** The issuer's URL (discovery at `<issuer>/.well-known/openid-configuration`). */
        issuer: string;
        /** The console's (public, PKCE) client id at that issuer. */
        clientId: string;
      };
}

/**
 * The web console on AWS: the static build in a private S3 bucket, served only through CloudFront
 * with origin access control (no public bucket, no legacy OAI), HTTPS only, security headers, and
 * client routes answered with `index.html`. In the China regions, where CloudFront offers neither
 * origin access control nor CloudFront Functions, an origin access identity reads the bucket and
 * error responses answer with `index.html` (client routes are not files, so S3 answers them 403);
 * the distribution serves on the ICP-recorded `consoleDomain` with its IAM server certificate. The build is made at synth with the project's esbuild
 * (no Docker); `publish` uploads it with `console-config.json`, which tells the console where the
 * API is and how to sign in (Cognito hosted UI, authorization code with PKCE).
 *
 * Two steps because the origin is needed before the user pool client (its callback URL) and the
 * HTTP API (CORS), and the config needs both of them.
 */
export class WebConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** The public notice list's own distribution, when it cannot be a behaviour of the console's. */
  publicNoticesDistribution: cloudfront.Distribution | undefined;
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

    // The partition's own suffix (`amazonaws.com`, `amazonaws.com.cn`), resolved by CloudFormation.
    const { region, urlSuffix } = Stack.of(this);
    // Sign-in: the OIDC issuer's origin; for Cognito, its discovery (cognito-idp) and the hosted UI's token endpoint.
    const signIn = props.issuer
      ? [new URL(props.issuer).origin]
      : [`https://cognito-idp.${region}.${urlSuffix}`, 'https://*.amazoncognito.com'];
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'ApprenticeFlow console: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The API, the sign-in issuer, and the evidence bucket the console uploads to (presigned PUTs).
          contentSecurityPolicy: consoleContentSecurityPolicy([
            `https://*.execute-api.${region}.${urlSuffix}`,
            ...signIn,
            `https://*.s3.${region}.${urlSuffix}`,
            // The public notice list's own distribution, where it has one (no console domain).
            ...(props.domain || props.china ? [] : ['https://*.cloudfront.net']),
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

    const behavior = {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: headers,
      compress: true,
    };
    if (props.china) {
      this.distribution = new cloudfront.Distribution(this, 'Distribution', {
        comment: 'ApprenticeFlow web console',
        defaultRootObject: 'index.html',
        httpVersion: cloudfront.HttpVersion.HTTP2,
        defaultBehavior: {
          ...behavior,
          origin: origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket),
        },
        // The bucket answers 403 for a key it does not have (the identity may not list it): the
        // console's routes, which its router owns. A missing asset gets index.html too here.
        errorResponses: [403, 404].map((httpStatus) => ({
          httpStatus,
          responseHttpStatus: 200,
          responsePagePath: '/index.html',
          ttl: Duration.seconds(0),
        })),
      });
    } else {
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
          ...behavior,
          origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
          functionAssociations: [
            { function: routing, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          ],
        },
      });
    }
    if (props.domain) {
      // An IAM server certificate (ACM certificates do not attach to CloudFront in China), which
      // CDK's Distribution takes only as ACM: set on the CloudFormation resource itself.
      const cfn = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
      cfn.addPropertyOverride('DistributionConfig.Aliases', [props.domain.name]);
      cfn.addPropertyOverride('DistributionConfig.ViewerCertificate', {
        IamCertificateId: props.domain.iamCertificateId,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
    }
    this.origin = props.domain
      ? `https://${props.domain.name}`
      : `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * `GET /public/notices` (issue 14) through the console's distribution, cached for a minute per
   * district (the query string is the key): the public page may be read by many, the list changes
   * when a notice starts or ends. Objections (POST) go to the API itself, which must see the
   * caller's own address. The China regions take cache policies as the console's own behaviour does.
   */
  private cachePublicNotices(apiUrl: string, separate: boolean): string {
    const apiDomain = Fn.select(2, Fn.split('/', apiUrl));
    const behavior = {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: new cloudfront.CachePolicy(this, 'PublicNoticesCache', {
        comment: 'ApprenticeFlow public notices: one minute per district',
        defaultTtl: Duration.seconds(60),
        minTtl: Duration.seconds(0),
        maxTtl: Duration.seconds(60),
        queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList('districtCode', 'limit', 'cursor'),
        headerBehavior: cloudfront.CacheHeaderBehavior.none(),
        cookieBehavior: cloudfront.CacheCookieBehavior.none(),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      }),
      compress: true,
    };
    if (!separate) {
      this.distribution.addBehavior('/public/notices', new origins.HttpOrigin(apiDomain), behavior);
      return this.origin;
    }
    this.publicNoticesDistribution = new cloudfront.Distribution(this, 'PublicNotices', {
      comment: 'ApprenticeFlow public notices (GET /public/notices, cached a minute)',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: { ...behavior, origin: new origins.HttpOrigin(apiDomain) },
    });
    return `https://${this.publicNoticesDistribution.distributionDomainName}`;
  }

  /**
   * Uploads the console: hashed assets cached for a year (old ones kept, so open pages can still
   * load their chunks after a deploy), `index.html` and `console-config.json` never cached, and a
   * CloudFront invalidation of those two.
   */
  publish(props: ConsolePublishProps): void {
    const stack = Stack.of(this);
    let auth: Record<string, unknown>;
    if (props.auth.kind === 'cognito') {
      const { userPool, client, signInDomainPrefix } = props.auth;
      const domain =
        userPool.node.children.find(
          (child): child is cognito.UserPoolDomain => child instanceof cognito.UserPoolDomain,
        ) ??
        userPool.addDomain('ConsoleSignIn', {
          cognitoDomain: { domainPrefix: signInDomainPrefix ?? `apprenticeflow-${stack.account}` },
        });
      // The pool's cognito-idp URL is its issuer (its discovery names the hosted UI's authorize and
      // token endpoints); it names no end-session endpoint, so sign-out goes to the hosted UI's /logout.
      auth = {
        issuer: `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${userPool.userPoolId}`,
        clientId: client.userPoolClientId,
        redirectPath: CONSOLE_CALLBACK_PATH,
        scopes: ['openid', 'email', 'profile'],
        logoutUrl: `${domain.baseUrl()}/logout`,
      };
    } else {
      auth = {
        issuer: props.auth.issuer,
        clientId: props.auth.clientId,
        redirectPath: CONSOLE_CALLBACK_PATH,
        scopes: ['openid', 'profile'],
      };
    }

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
    const publicNoticesOrigin = this.cachePublicNotices(props.apiUrl, props.apiNamesDistribution ?? false);
    const config = deployment.Source.jsonData('console-config.json', {
      apiUrl: props.apiUrl,
      auth,
      // The public notice page reads the list through CloudFront (cached a minute).
      publicNoticesOrigin,
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
