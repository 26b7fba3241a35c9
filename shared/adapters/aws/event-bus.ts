import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DomainEvents } from '../../domain/ports.ts';
import { ENVIRONMENT } from '../config.ts';

/**
 * Domain events on the EventBridge bus (`EVENT_BUS_NAME`). The embedded runtime serves PutEvents
 * itself (`AWS_ENDPOINT_URL_EVENTBRIDGE`) and keeps an outbox; details never carry personal data.
 */
let client: EventBridgeClient | undefined;

export class EventBridgeEvents implements DomainEvents {
  constructor(private readonly busName: string | undefined) {}

  async publish(type: string, detail: Record<string, unknown>): Promise<void> {
    if (!this.busName) throw new Error(`${ENVIRONMENT.eventBusName} is not set`);
    client ??= new EventBridgeClient({ maxAttempts: 3 });
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: 'apprenticeflow',
            DetailType: type,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) throw new Error(`Event ${type} was not accepted`);
  }

  /**
   * One PutEvents of at most 10 events (the API's limit) of one source; answers the indexes of the
   * entries the bus did not accept (throttled, internal failure), in order. Throws when the call
   * itself fails.
   */
  async putBatch(source: string, entries: readonly BusEntry[]): Promise<number[]> {
    if (!this.busName) throw new Error(`${ENVIRONMENT.eventBusName} is not set`);
    if (entries.length === 0) return [];
    if (entries.length > MAX_PUT_EVENTS_ENTRIES)
      throw new Error(`PutEvents takes at most ${MAX_PUT_EVENTS_ENTRIES} entries (got ${entries.length})`);
    client ??= new EventBridgeClient({ maxAttempts: 3 });
    const out = await client.send(
      new PutEventsCommand({
        Entries: entries.map((entry) => ({
          EventBusName: this.busName,
          Source: source,
          DetailType: entry.detailType,
          Detail: JSON.stringify(entry.detail),
        })),
      }),
    );
    if ((out.FailedEntryCount ?? 0) === 0) return [];
    // Results come in the order of the entries; a failed one has an ErrorCode and no EventId.
    return entries.flatMap((_entry, index) => {
      const result = out.Entries?.[index];
      return !result || result.ErrorCode || !result.EventId ? [index] : [];
    });
  }
}

export const MAX_PUT_EVENTS_ENTRIES = 10;

export interface BusEntry {
  detailType: string;
  detail: Record<string, unknown>;
}
