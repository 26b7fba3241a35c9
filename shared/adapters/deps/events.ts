import { EventBridgeEvents } from '../aws/event-bus.ts';
import * as settings from '../config.ts';

let events: EventBridgeEvents | undefined;

export function domainEvents(): EventBridgeEvents {
  events ??= new EventBridgeEvents(settings.eventBusName());
  return events;
}
