import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export const DOMAIN_EVENT_BUS_NAME = 'apprenticeflow-domain-events';

/**
 * The bus domain events go out on (cohort filed, claim paid, …) and an archive of everything put
 * on it, so a notification consumer added later can be replayed the history it missed.
 */
export class DomainEvents extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: DOMAIN_EVENT_BUS_NAME });
    this.archive = this.bus.archive('Archive', {
      description: 'Every ApprenticeFlow domain event, for replay',
      // An archive needs a pattern; this one matches every event put by this account.
      eventPattern: { account: [Stack.of(this).account] },
      retention: Duration.days(365),
    });
  }
}
