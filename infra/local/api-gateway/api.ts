import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2WithRequestContext,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { JwtAuthorizerConfig } from './jwt-authorizer.ts';

// ---------------------------------------------------------------------------------------------
// The event, context and result of a Lambda behind an HTTP API (payload format 2.0), as
// `@types/aws-lambda` declares them, narrowed where API Gateway is more precise than the types.
// ---------------------------------------------------------------------------------------------

/**
 * The JWT authorizer's part of the request context: every claim flattened to a string, as API
 * Gateway does (`"[enterprise.clerk]"` for an array); `scopes` is `null` unless the route asks for
 * authorization scopes (no route here does).
 */
export type HttpApiJwtAuthorizer = APIGatewayEventRequestContextJWTAuthorizer & {
  jwt: { claims: Record<string, string>; scopes: string[] | null };
};

/** `time` is `12/Mar/2020:19:03:58 +0000`; `authorizer` is there on routes behind the JWT authorizer only. */
export type HttpApiRequestContext = APIGatewayEventRequestContextV2 & { authorizer?: HttpApiJwtAuthorizer };

/**
 * What the gateway hands a handler. As API Gateway builds it: header names lower-cased, repeated
 * headers joined with commas; `cookies` absent without a `Cookie` header (the header itself is not
 * in `headers`); `queryStringParameters` URL-decoded, repeated keys joined with commas, absent
 * without a query string; `pathParameters` URL-decoded, absent when the route has none; `body`
 * absent without a body, base64 when `isBase64Encoded`.
 */
export type HttpApiEvent = APIGatewayProxyEventV2WithRequestContext<HttpApiRequestContext>;

export type HttpApiStructuredResult = APIGatewayProxyStructuredResultV2;

/** Callback-style completion (`done`, `fail`, `succeed`) is not supported (handlers are async): they throw. */
export type LambdaContext = Context;

// ---------------------------------------------------------------------------------------------
// Options.
// ---------------------------------------------------------------------------------------------

/** A route served by a Lambda handler, as the function map lists it. */
export interface LambdaRoute {
  /** `GET`, `POST`, … or `ANY`. */
  method: string;
  /** As API Gateway writes it: `/cohorts/{cohortId}/submit`; a last segment may be greedy, `{proxy+}`. */
  path: string;
  /** Method syntax on purpose: lets handlers typed with a narrower event or context be passed in. */
  handler(event: HttpApiEvent, context: LambdaContext): unknown;
  /** No JWT authorizer on this route. */
  public?: boolean;
  /** `context.functionName`; default derived from the route. */
  functionName?: string;
  /** The function's timeout; default 30 s (API Gateway's integration timeout). */
  timeoutSeconds?: number;
  memoryMb?: number;
}

export interface ExtraRouteRequest {
  method: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  pathParameters: Record<string, string>;
}

export interface ExtraRouteResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** An embedded-runtime-only endpoint (`/dev/token`, `/dev/clock`…): no authorizer, never deployed. */
export interface ExtraRoute {
  method: string;
  path: string;
  handle(request: ExtraRouteRequest): Promise<ExtraRouteResponse>;
}

export interface ApiGatewayOptions {
  /** 0 picks a free port; `url` says which. */
  port: number;
  host?: string;
  routes: readonly LambdaRoute[];
  issuer: JwtAuthorizerConfig;
  extraRoutes?: readonly ExtraRoute[];
  maxBodyBytes?: number;
  /** One line per request and handler failures; never headers or bodies. Default: stdout. */
  log?: (line: string) => void;
}

export interface RunningApiGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}
