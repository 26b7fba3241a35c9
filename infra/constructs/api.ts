import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec, HttpMethod } from '../function-map.ts';

export interface ApiProps {
  /** Function-map entries with their functions; one route per entry that has a `route`. */
  functions: [FunctionSpec, lambda.IFunction][];
  /** `iss` of the user pool's tokens. */
  issuerUrl: string;
  /** Client ids a token's `aud` (ID token) or `client_id` (access token) must name. */
  audience: string[];
  /** Browser origins of the web console (CORS). */
  allowedOrigins: string[];
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * The HTTP API: one route per function-map entry with a route, every route behind the Cognito JWT
 * authorizer except the public ones, payload format 2.0 (what the embedded API gateway produces
 * too), a throttled default stage and JSON access logs.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly routes = new Map<string, apigw.HttpRoute>();

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'apprenticeflow',
      description: 'ApprenticeFlow HTTP API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.allowedOrigins,
        allowMethods: [
          apigw.CorsHttpMethod.GET,
          apigw.CorsHttpMethod.POST,
          apigw.CorsHttpMethod.PUT,
          apigw.CorsHttpMethod.PATCH,
          apigw.CorsHttpMethod.DELETE,
        ],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
        exposeHeaders: ['etag', 'location'],
        maxAge: Duration.hours(1),
      },
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      // No stageName: the `$default` stage, served at the root of the endpoint.
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // No headers, query strings or bodies: they can carry tokens and personal information.
        format: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', props.issuerUrl, {
      jwtAudience: props.audience,
      identitySource: ['$request.header.Authorization'],
    });

    for (const [spec, fn] of props.functions) {
      if (!spec.route) continue;
      const { method, path } = parseRoute(spec.route);
      const [route] = this.httpApi.addRoutes({
        path,
        methods: [apigw.HttpMethod[method]],
        integration: new HttpLambdaIntegration(`${spec.name}-integration`, fn, {
          payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
        }),
        authorizer: spec.public ? new apigw.HttpNoneAuthorizer() : this.authorizer,
      });
      this.routes.set(spec.name, route!);
    }

    // The public routes (no token) get their own, lower limits on the stage (issue 14); the
    // per-address allowance of objections is the use case's, in DynamoDB.
    const routeSettings = Object.fromEntries(
      props.functions.flatMap(([spec]) =>
        spec.route && spec.throttle
          ? [
              [
                spec.route,
                {
                  ThrottlingRateLimit: spec.throttle.rateLimit,
                  ThrottlingBurstLimit: spec.throttle.burstLimit,
                },
              ],
            ]
          : [],
      ),
    );
    if (Object.keys(routeSettings).length > 0) {
      const cfnStage = this.stage.node.defaultChild as apigw.CfnStage;
      cfnStage.addPropertyOverride('RouteSettings', routeSettings);
      // A route's settings name its key: the route exists before the stage is updated.
      for (const [spec] of props.functions) {
        const route = spec.throttle ? this.routes.get(spec.name) : undefined;
        if (route) cfnStage.node.addDependency(route);
      }
    }
  }

  get url(): string {
    return this.stage.url;
  }
}

function parseRoute(route: NonNullable<FunctionSpec['route']>): { method: HttpMethod; path: string } {
  const [method, path] = route.split(' ') as [HttpMethod, string];
  return { method, path };
}
