import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet } from 'jose';
import { scrub } from '../../../shared/adapters/logger.ts';
import type { ApiGatewayOptions, HttpApiEvent, HttpApiJwtAuthorizer, RunningApiGateway } from './api.ts';
import { authorizeJwt, flattenJwtClaims } from './jwt-authorizer.ts';
import {
  type HttpReply,
  IntegrationTimeout,
  invokeWithTimeout,
  LOCAL_ACCOUNT,
  lambdaContext,
  mapLambdaResult,
  message,
} from './lambda.ts';
import {
  apiGatewayRequestId,
  clientIp,
  isTextContentType,
  parseQuery,
  readBody,
  readHeaders,
  requestTime,
  traceId,
} from './request.ts';
import { type CompiledRoute, compareSpecificity, compileRoute, findRoute } from './routes.ts';

/** `requestContext.apiId` of every local request. */
const LOCAL_API_ID = 'local';

/** API Gateway's payload quota for HTTP APIs. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's maximum integration timeout for HTTP APIs. */
const INTEGRATION_TIMEOUT_MS = 30_000;

export async function startApiGateway(options: ApiGatewayOptions): Promise<RunningApiGateway> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const keySet = createLocalJWKSet(options.issuer.jwks);

  const routes: CompiledRoute[] = [
    ...options.routes.map((route) => compileRoute(route.method, route.path, { kind: 'lambda', route })),
    ...(options.extraRoutes ?? []).map((route) =>
      compileRoute(route.method, route.path, { kind: 'extra', route }),
    ),
  ];
  const seen = new Set<string>();
  for (const route of routes) {
    const shape = `${route.method} /${route.segments.map((s) => (s.kind === 'literal' ? s.value : `{${s.kind}}`)).join('/')}`;
    if (seen.has(shape)) throw new Error(`Two routes for ${route.routeKey}`);
    seen.add(shape);
  }
  routes.sort(compareSpecificity);

  async function handle(request: IncomingMessage, requestId: string, startedAt: number): Promise<HttpReply> {
    const target = request.url ?? '/';
    const questionMark = target.indexOf('?');
    const rawPath = questionMark === -1 ? target : target.slice(0, questionMark);
    const rawQueryString = questionMark === -1 ? '' : target.slice(questionMark + 1);

    const read = await readBody(request, maxBodyBytes);
    if (!read.ok) return message(413, 'Request Entity Too Large', { connection: 'close' });

    if (!rawPath.startsWith('/')) return message(404, 'Not Found');
    let segments: string[];
    try {
      segments = rawPath === '/' ? [] : rawPath.slice(1).split('/').map(decodeURIComponent);
    } catch {
      // Malformed percent-encoding in the path: nothing can match it.
      return message(404, 'Not Found');
    }
    const method = (request.method ?? 'GET').toUpperCase();
    // No 405 on an HTTP API: a known path with another method is as unknown as any other path.
    const match = findRoute(routes, method, segments);
    if (!match) return message(404, 'Not Found');

    const { headers: headerMap, cookies } = readHeaders(request);
    const query = parseQuery(rawQueryString);
    const { route, pathParameters } = match;

    if (route.target.kind === 'extra') {
      const response = await route.target.route.handle({
        method,
        path: rawPath,
        body: read.body.toString('utf8'),
        headers: Object.fromEntries(headerMap),
        query: query ?? {},
        pathParameters,
      });
      return {
        statusCode: response.statusCode,
        headers: Object.fromEntries(
          Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
        ),
        body: Buffer.from(response.body, 'utf8'),
      };
    }

    const lambda = route.target.route;
    let authorizer: HttpApiJwtAuthorizer | undefined;
    if (!lambda.public) {
      const verdict = await authorizeJwt(headerMap.get('authorization'), options.issuer, keySet);
      if (!verdict.ok) {
        const challenge: Record<string, string> =
          verdict.reason === 'no token'
            ? {}
            : {
                'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${verdict.reason}"`,
              };
        return { ...message(401, 'Unauthorized', challenge), note: verdict.reason };
      }
      authorizer = { jwt: { claims: flattenJwtClaims(verdict.claims), scopes: null } };
    }

    const sourceIp = clientIp(request);
    const host = headerMap.get('host') ?? `${options.host ?? '127.0.0.1'}:${actualPort}`;
    const forwardedFor = headerMap.get('x-forwarded-for');
    headerMap.set('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${sourceIp}` : sourceIp);
    headerMap.set('x-forwarded-port', String(actualPort));
    headerMap.set('x-forwarded-proto', 'http');
    if (!headerMap.has('x-amzn-trace-id')) headerMap.set('x-amzn-trace-id', traceId(startedAt));

    const hasBody = read.body.length > 0;
    const binary = hasBody && !isTextContentType(headerMap.get('content-type'));
    const event: HttpApiEvent = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath,
      rawQueryString,
      ...(cookies.length > 0 ? { cookies } : {}),
      headers: Object.fromEntries(headerMap),
      ...(query ? { queryStringParameters: query } : {}),
      ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId: LOCAL_API_ID,
        domainName: host,
        domainPrefix: host.split('.')[0]!.split(':')[0]!,
        http: {
          method,
          path: rawPath,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp,
          userAgent: headerMap.get('user-agent') ?? '',
        },
        requestId,
        routeKey: route.routeKey,
        stage: '$default',
        time: requestTime(startedAt),
        timeEpoch: startedAt,
        ...(authorizer ? { authorizer } : {}),
      },
      ...(hasBody ? { body: binary ? read.body.toString('base64') : read.body.toString('utf8') } : {}),
      isBase64Encoded: binary,
    };

    const functionTimeoutMs = (lambda.timeoutSeconds ?? INTEGRATION_TIMEOUT_MS / 1000) * 1000;
    const context = lambdaContext(lambda, route.routeKey, functionTimeoutMs, startedAt);
    try {
      const result = await invokeWithTimeout(
        () => lambda.handler(event, context),
        Math.min(functionTimeoutMs, INTEGRATION_TIMEOUT_MS),
      );
      return mapLambdaResult(result);
    } catch (error) {
      // What failed goes to the log, never to the caller; the request body is not logged.
      log(`[api] ${route.routeKey} ${context.functionName} failed ${requestId}: ${describe(error)}`);
      if (error instanceof IntegrationTimeout && functionTimeoutMs >= INTEGRATION_TIMEOUT_MS) {
        return message(503, 'Service Unavailable');
      }
      return message(500, 'Internal Server Error');
    }
  }

  let actualPort = options.port;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const startedAt = Date.now();
    const requestId = apiGatewayRequestId();
    // A path may carry anything a caller typed (even an ID number): log it scrubbed.
    const path = scrub((request.url ?? '/').split('?')[0] ?? '/');
    let reply: Promise<HttpReply>;
    try {
      reply = handle(request, requestId, startedAt);
    } catch (error) {
      reply = Promise.reject(error);
    }
    reply
      .catch((error: unknown) => {
        log(`[api] ${request.method} ${path} failed ${requestId}: ${describe(error)}`);
        return message(500, 'Internal Server Error');
      })
      .then((result) => {
        if (response.headersSent || response.destroyed) return;
        const headers: Record<string, string | string[]> = {
          ...result.headers,
          'content-length': String(result.body.length),
          'apigw-requestid': requestId,
          'x-amzn-requestid': requestId,
        };
        response.writeHead(result.statusCode, headers);
        response.end(request.method === 'HEAD' ? undefined : result.body);
        const note = result.note ? ` (${result.note})` : '';
        log(`[api] ${request.method} ${path} ${result.statusCode} ${Date.now() - startedAt}ms${note}`);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
