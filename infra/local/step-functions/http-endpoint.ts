import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalStepFunctions } from './api.ts';
import { StepFunctionsError } from './errors.ts';

/**
 * The Step Functions JSON protocol (AWS JSON 1.0) on loopback: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Operation>`, so `@aws-sdk/client-sfn` and the AWS CLI work
 * against the engine with only the endpoint changed. Errors go out as AWS sends them: HTTP 400 with
 * `{"__type": "TaskDoesNotExist", "message": …}`; dates as epoch seconds.
 */
const OPERATIONS = {
  StartExecution: (engine, body) => engine.startExecution(body),
  SendTaskSuccess: (engine, body) => engine.sendTaskSuccess(body),
  SendTaskFailure: (engine, body) => engine.sendTaskFailure(body),
  SendTaskHeartbeat: (engine, body) => engine.sendTaskHeartbeat(body),
  DescribeExecution: (engine, body) => engine.describeExecution(body),
  StopExecution: (engine, body) => engine.stopExecution(body),
  GetExecutionHistory: (engine, body) => engine.getExecutionHistory(body),
  ListExecutions: (engine, body) => engine.listExecutions(body),
  ListStateMachines: (engine, body) => engine.listStateMachines(body),
} satisfies Record<string, (engine: LocalStepFunctions, body: never) => Promise<unknown>>;

type Operation = keyof typeof OPERATIONS;

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Inputs and outputs are at most 256 KiB; leave room for the envelope. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function startStepFunctionsEndpoint(
  engine: LocalStepFunctions,
  port: number,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    void answer(engine, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${boundPort}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function answer(
  engine: LocalStepFunctions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    if (request.method !== 'POST' || (request.url ?? '/').split('?')[0] !== '/') {
      return send(response, 404, { __type: 'UnknownOperationException', message: 'POST / only' });
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (!Object.hasOwn(OPERATIONS, operation)) {
      return send(response, 400, {
        __type: 'UnknownOperationException',
        message: `Unknown or unsupported operation: ${target || '(no X-Amz-Target)'}`,
      });
    }
    let body: unknown;
    try {
      const text = await readBody(request);
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      return send(response, 400, { __type: 'SerializationException', message: (error as Error).message });
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return send(response, 400, {
        __type: 'SerializationException',
        message: 'The body must be a JSON object',
      });
    }
    const result = await OPERATIONS[operation as Operation](engine, body as never);
    send(response, 200, toWire(result));
  } catch (error) {
    if (error instanceof StepFunctionsError) {
      return send(response, 400, { __type: error.type, message: error.message });
    }
    // Nothing internal goes out; the detail goes to the log.
    console.error('[step-functions] request failed', error);
    send(response, 500, { __type: 'InternalFailure', message: 'An internal error occurred' });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('Request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(status >= 400 && body && typeof body === 'object' && '__type' in body
      ? { 'x-amzn-errortype': String((body as { __type: unknown }).__type) }
      : {}),
  });
  response.end(text);
}

/** Dates as epoch seconds (the JSON protocol's timestamp format); undefined fields left out. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, field]) => field !== undefined)
        .map(([key, field]) => [key, toWire(field)]),
    );
  }
  return value;
}
