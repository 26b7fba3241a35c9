import * as z from './zod.ts';

/**
 * What the case-change publisher reads of a DynamoDB stream event (Lambda's `DynamoDBStreamEvent`):
 * each record's event name, its keys (the stream is KEYS_ONLY) and its sequence number, which a
 * batch item failure names. Anything else a record carries is let through untouched.
 */
export const TableStreamEvent = z.looseObject({
  Records: z.array(
    z.looseObject({
      eventName: z.optional(z.string()),
      dynamodb: z.looseObject({
        SequenceNumber: z.string(),
        Keys: z.optional(z.record(z.string(), z.unknown())),
      }),
    }),
  ),
});
