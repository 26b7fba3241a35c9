import { EventBridgeEvents } from '../aws/event-bus.ts';

let events: EventBridgeEvents | undefined;

export function domainEvents(): EventBridgeEvents {
  events ??= new EventBridgeEvents(process.env.EVENT_BUS_NAME);
  return events;
}
