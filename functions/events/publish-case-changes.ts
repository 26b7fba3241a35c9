import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse } from 'aws-lambda';
import { CASE_CHANGED, publishCaseChanges } from '../../shared/adapters/case-changes.ts';
import { domainEvents } from '../../shared/adapters/deps/events.ts';
import { errorFields, logger, withInvocationFields } from '../../shared/adapters/logger.ts';
import { stepFields } from '../../shared/http/invocation.ts';
import { TableStreamEvent } from '../../shared/schemas/table-stream.ts';

/**
 * The table's stream (KEYS_ONLY) → the domain bus: one `case.changed` event (`detail: {pk, sk}`,
 * the key of its latest audit record) for each cohort or claim whose partition gained audit records in the batch,
 * which the read-model projector (every `onCaseChanged` function) receives through the bus's rule.
 *
 * A Lambda bridge rather than EventBridge Pipes: one service fewer to rely on in the China regions
 * (cn-north-1, cn-northwest-1), where the stack deploys as it does elsewhere, and the same handler
 * the embedded runtime's stream poller calls. The event source mapping filters the records
 * (shared/adapters/case-changes.ts); this checks them again and skips any other.
 *
 * An event the bus does not accept is reported as the batch's item failure (from that record on),
 * so Lambda reads the stream again from there: nothing is lost, and a repeat is harmless.
 */
export const handler = middy(
  async (event: unknown, context: Context): Promise<DynamoDBBatchResponse> =>
    withInvocationFields(stepFields(undefined, context), async () => {
      const { Records } = TableStreamEvent.parse(event);
      const result = await publishCaseChanges(Records, (entries) =>
        domainEvents().putBatch(CASE_CHANGED.source, entries),
      );
      const summary = {
        records: Records.length,
        published: result.published,
        coalesced: result.coalesced,
        skipped: result.skipped,
      };
      if (result.failedFrom === undefined) {
        logger.debug('case changes published', summary);
        return { batchItemFailures: [] };
      }
      logger.warn('case changes not all published; the stream is read again from the first', {
        ...summary,
        ...(result.error ? errorFields(result.error) : {}),
      });
      return { batchItemFailures: [{ itemIdentifier: result.failedFrom }] };
    }),
).use({
  onError: async (request) => {
    withInvocationFields(stepFields(undefined, request.context), () =>
      logger.warn('case-change publisher failed', errorFields(request.error)),
    );
  },
});
