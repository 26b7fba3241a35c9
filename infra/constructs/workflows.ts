import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowName } from '../function-map.ts';
import { cohortFilingDefinition } from '../workflows/cohort-filing.ts';
import { subsidyClaimDefinition } from '../workflows/subsidy-claim.ts';

export interface WorkflowsProps {
  /** The function of a function-map entry by name (the steps the definitions invoke). */
  fn: (name: string) => lambda.IFunction;
  /** X-Ray tracing of executions (not in the China regions, where Lambda has no X-Ray either). */
  tracing: boolean;
}

/**
 * The Standard state machines, built from the same definition code the embedded engine renders
 * (`infra/workflows/render.ts`), so what runs locally is what is deployed.
 *
 * Executions are logged in full (every state transition) but without their input and output:
 * those carry cohort data, and personal information must never reach a log.
 */
export class Workflows extends Construct {
  readonly stateMachines: Record<WorkflowName, sfn.StateMachine>;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);

    // Each workflow's states get their own scope, so state names of two workflows cannot collide.
    const cohortFiling = cohortFilingDefinition(new Construct(this, 'CohortFilingStates'), {
      openReviewTask: props.fn('open-review-task'),
      checkExpiredReview: props.fn('check-expired-review'),
      publishFilingOutcome: props.fn('publish-filing-outcome'),
      planHandlingLimit: props.fn('plan-handling-limit'),
    });

    const subsidyClaim = subsidyClaimDefinition(new Construct(this, 'SubsidyClaimStates'), {
      openClaimTask: props.fn('open-claim-task'),
      checkClaimTaskExpiry: props.fn('check-claim-task-expiry'),
      planPublicNotice: props.fn('plan-public-notice'),
      publishClaimOutcome: props.fn('publish-claim-outcome'),
      planHandlingLimit: props.fn('plan-handling-limit'),
    });

    this.stateMachines = {
      'cohort-filing': this.stateMachine('CohortFiling', 'cohort-filing', cohortFiling, props.tracing),
      'subsidy-claim': this.stateMachine('SubsidyClaim', 'subsidy-claim', subsidyClaim, props.tracing),
    };
  }

  private stateMachine(
    id: string,
    workflow: WorkflowName,
    chain: sfn.IChainable,
    tracing: boolean,
  ): sfn.StateMachine {
    // Step Functions log groups under /aws/vendedlogs/ keep the account's log resource policy small.
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${workflow}`,
      retention: logs.RetentionDays.ONE_YEAR,
    });
    // No `comment` and no query language: the definition must stay exactly what the local engine runs.
    return new sfn.StateMachine(this, id, {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(chain),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: tracing,
    });
  }
}
