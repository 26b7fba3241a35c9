import { randomBytes, randomUUID } from 'node:crypto';
import type { HttpApiStructuredResult, LambdaContext, LambdaRoute } from './api.ts';

/** The Lambda side of an integration: its context, its timeout, and its result mapped to HTTP. */

// Account and region of local ARNs; the same values as `infra/workflows/render.ts` (not imported
// from there because that module loads aws-cdk-lib).
export const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'us-east-1';

function defaultFunctionName(routeKey: string): string {
  return routeKey
    .replace(/[{}+]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

export function lambdaContext(
  route: LambdaRoute,
  routeKey: string,
  timeoutMs: number,
  startedAt: number,
): LambdaContext {
  const functionName = route.functionName ?? defaultFunctionName(routeKey);
  const deadline = startedAt + timeoutMs;
  const day = new Date(startedAt).toISOString().slice(0, 10).replace(/-/g, '/');
  const unsupported = () => {
    throw new Error(
      'Callback-style completion (context.done/fail/succeed) is not supported; return a promise',
    );
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(route.memoryMb ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export interface HttpReply {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Why, for the log line only (e.g. which authorizer check failed). */
  note?: string;
}

class MalformedLambdaResponse extends Error {
  override name = 'MalformedLambdaResponse';
}

export function message(statusCode: number, text: string, headers: Record<string, string> = {}): HttpReply {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify({ message: text })),
  };
}

/**
 * Payload format 2.0 response mapping: an object with `statusCode` is a structured response; any
 * other result is "valid JSON without a statusCode" — 200, `application/json`, the result as the
 * body (a string verbatim, anything else JSON-encoded; `undefined` is Lambda's `null`).
 */
export function mapLambdaResult(result: unknown): HttpReply {
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result) {
    const structured = result as HttpApiStructuredResult;
    const { statusCode } = structured;
    if (
      typeof statusCode !== 'number' ||
      !Number.isInteger(statusCode) ||
      statusCode < 100 ||
      statusCode > 599
    ) {
      throw new MalformedLambdaResponse(`statusCode ${String(statusCode)} is not an HTTP status`);
    }
    if (structured.body !== undefined && structured.body !== null && typeof structured.body !== 'string') {
      throw new MalformedLambdaResponse('body must be a string');
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) {
      if (value === undefined || value === null) continue;
      headers[name.toLowerCase()] = String(value);
    }
    if (structured.cookies !== undefined) {
      if (!Array.isArray(structured.cookies)) throw new MalformedLambdaResponse('cookies must be an array');
      const existing = headers['set-cookie'];
      headers['set-cookie'] = [
        ...(existing === undefined ? [] : [existing].flat()),
        ...structured.cookies.map(String),
      ];
    }
    const text = structured.body ?? '';
    const body = structured.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
    return { statusCode, headers, body };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body, 'utf8'),
  };
}

export class IntegrationTimeout extends Error {
  override name = 'IntegrationTimeout';
}

/** Runs the handler with the function's timeout. The handler is not stopped (it runs in-process). */
export async function invokeWithTimeout(run: () => unknown, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntegrationTimeout(`no response within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
