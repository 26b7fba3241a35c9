import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  stateMachines: Record<string, sfn.IStateMachine>;
  httpApi: apigw.IHttpApi;
  /** Who is told when an alarm fires; alarms go to the topic alone when omitted. */
  alarmEmail?: string;
}

/**
 * The few alarms an operator must not miss: a workflow execution that failed (a case stuck
 * outside every branch the definition handles) and the API answering 5xx (it never should for
 * anything a client sent).
 */
export class Observability extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'ApprenticeFlow alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const period = Duration.minutes(5);
    for (const [workflow, stateMachine] of Object.entries(props.stateMachines)) {
      this.alarm(`${workflow}-failed`, {
        alarmDescription: `An execution of ${workflow} failed: a case is stuck and needs a look`,
        metric: stateMachine.metricFailed({ period, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
      });
    }
    this.alarm('api-5xx', {
      alarmDescription: 'The HTTP API answered 5xx',
      metric: props.httpApi.metricServerError({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
    });
  }

  private alarm(id: string, props: Pick<cloudwatch.AlarmProps, 'alarmDescription' | 'metric' | 'threshold'>) {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }
}
