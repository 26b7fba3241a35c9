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
}
