import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import { type CountedRequest, dynamoDbRequests } from '../../shared/adapters/dynamodb/request-counter.ts';

/**
 * Tells apart, in the embedded runtime, the DynamoDB requests of an API handler from those of the
 * workflow steps its callback sets going. Both run in one process and share the one client, so
 * the counter alone cannot. Every HTTP request a server of the runtime receives opens an async
 * context (Node's `http.server.request.start` channel): one on the API's port belongs to that
 * API call; one on another port (the Step Functions endpoint: StartExecution, SendTaskSuccess)
 * carries the execution, and with it every step the engine runs for it. Requests with no origin
 * come from neither — in the embedded runtime, the scheduled callback reconciler's timer.
 */
export type Origin =
  | { kind: 'api'; method: string; path: string }
  | { kind: 'workflow' }
  | { kind: 'scheduled'; name: string }
  /** The embedded EventBridge (PutEvents at the API's URL) and what its rule delivers: the read-model projector. */
  | { kind: 'events' };

const origins = new AsyncLocalStorage<Origin>();

export interface AttributedRequest extends CountedRequest {
  origin: Origin | undefined;
}

/** Starts noting each counted request's origin; the API is the server listening on `apiPort`. */
export function attributeRequests(apiPort: number): () => void {
  const onRequest = (message: unknown) => {
    const { request, server } = message as { request: IncomingMessage; server: Server };
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : undefined;
    origins.enterWith(
      port === apiPort && request.headers['x-amz-target'] !== undefined
        ? { kind: 'events' }
        : port === apiPort
          ? { kind: 'api', method: request.method ?? '', path: (request.url ?? '').split('?')[0]! }
          : { kind: 'workflow' },
    );
  };
  diagnostics.subscribe('http.server.request.start', onRequest);
  const previous = dynamoDbRequests.onSend;
  dynamoDbRequests.onSend = (request, input) => {
    previous?.(request, input);
    (request as AttributedRequest).origin = origins.getStore();
  };
  return () => {
    diagnostics.unsubscribe('http.server.request.start', onRequest);
    dynamoDbRequests.onSend = previous;
  };
}

/** Runs `work` with every request it sends attributed to `origin` (the bench invoking a handler itself). */
export function runAs<T>(origin: Origin, work: () => Promise<T>): Promise<T> {
  return origins.run(origin, work);
}

/** The requests sent since `mark`, split by where they came from. */
export function requestsSince(mark: number): { api: AttributedRequest[]; workflow: AttributedRequest[] } {
  const all = dynamoDbRequests.since(mark) as AttributedRequest[];
  return {
    api: all.filter((request) => request.origin?.kind === 'api'),
    workflow: all.filter((request) => request.origin?.kind === 'workflow'),
  };
}
