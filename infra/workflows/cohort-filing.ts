import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/**
 * Workflow `cohort-filing`: the three human approvals of an apprentice cohort.
 *
 * Each review is a `.waitForTaskToken` task whose step function opens an inbox task carrying the
 * token; the decision API records the decision in DynamoDB first and then sends the callback with
 * `{"outcome": "approve" | "return" | "reject"}`. A company or school review that outlives its
 * stage time limit (`$.stageTimeoutSeconds`, from the policy at submission) is caught as
 * `States.Timeout` and checked: a decision already recorded wins, otherwise the cohort is returned
 * as expired. The bureau's filing waits its handling limit in working days (planned just before it);
 * running out marks it OVERDUE (escalated) and it waits again — never returned (issue 14).
 * A withdrawal fails the waiting task with `CaseWithdrawn`. Every way out publishes the outcome.
 *
 * JSONPath only (no JSONata, no Assign) so that the embedded engine runs this very definition.
 */
export interface CohortFilingFunctions {
  openReviewTask: lambda.IFunction;
  checkExpiredReview: lambda.IFunction;
  publishFilingOutcome: lambda.IFunction;
  planHandlingLimit: lambda.IFunction;
}

export const COHORT_REVIEW_STAGES = [
  {
    stage: 'COMPANY_REVIEW',
    state: 'AwaitCompanyApproval',
    route: 'CompanyDecision',
    expiry: 'CheckCompanyApprovalExpiry',
  },
  {
    stage: 'SCHOOL_REVIEW',
    state: 'AwaitSchoolConfirmation',
    route: 'SchoolDecision',
    expiry: 'CheckSchoolConfirmationExpiry',
  },
  {
    stage: 'BUREAU_REVIEW',
    state: 'AwaitBureauFiling',
    route: 'BureauDecision',
    // The bureau's stage runs on its handling limit (working days): planned first, and when the
    // wait runs out the task is marked OVERDUE and the wait starts again (issue 14).
    expiry: 'MarkBureauFilingOverdue',
    limit: 'PlanBureauFilingLimit',
  },
] as const;

/** Transient failures of a step (Lambda service errors, a throttled table) are retried, not failed. */
const STEP_RETRY: sfn.RetryProps = {
  errors: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
    'ServiceUnavailable',
  ],
  interval: Duration.seconds(1),
  maxAttempts: 6,
  backoffRate: 2,
};

export function cohortFilingDefinition(scope: Construct, fns: CohortFilingFunctions): sfn.IChainable {
  const publishOutcome = new tasks.LambdaInvoke(scope, 'PublishFilingOutcome', {
    lambdaFunction: fns.publishFilingOutcome,
    // Only the case: however the round ended (approval, return, expiry, withdrawal — where
    // `$.decision` may not exist), the step reads the outcome from the cohort itself.
    payload: sfn.TaskInput.fromObject({ 'cohortId.$': '$.cohortId', 'round.$': '$.round' }),
    payloadResponseOnly: true,
    resultPath: sfn.JsonPath.DISCARD,
    retryOnServiceExceptions: false,
  });
  publishOutcome.addRetry(STEP_RETRY);
  const closed = new sfn.Succeed(scope, 'FilingClosed');
  publishOutcome.next(closed);

  // Built back to front: each approval leads to the next stage, the last to the filing outcome.
  let next: sfn.IChainable = publishOutcome;
  const awaits: tasks.LambdaInvoke[] = [];
  for (const spec of [...COHORT_REVIEW_STAGES].reverse()) {
    const route = new sfn.Choice(scope, spec.route).when(
      sfn.Condition.stringEquals('$.decision.outcome', 'approve'),
      next,
    );

    const expiry = new tasks.LambdaInvoke(scope, spec.expiry, {
      lambdaFunction: fns.checkExpiredReview,
      payload: sfn.TaskInput.fromObject({
        'cohortId.$': '$.cohortId',
        'round.$': '$.round',
        stage: spec.stage,
      }),
      payloadResponseOnly: true,
      resultPath: '$.decision',
      retryOnServiceExceptions: false,
    });
    expiry.addRetry(STEP_RETRY);
    expiry.next(route);

    const awaitDecision = new tasks.LambdaInvoke(scope, spec.state, {
      lambdaFunction: fns.openReviewTask,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        taskToken: sfn.JsonPath.taskToken,
        'cohortId.$': '$.cohortId',
        'round.$': '$.round',
        stage: spec.stage,
        'timeoutSeconds.$': '$.stageTimeoutSeconds',
      }),
      resultPath: '$.decision',
      taskTimeout: sfn.Timeout.at('$.stageTimeoutSeconds'),
      retryOnServiceExceptions: false,
    });
    // Opening the review may meet a throttled table; the retry opens it again with a new token.
    awaitDecision.addRetry(STEP_RETRY);
    awaitDecision.addCatch(expiry, { errors: ['States.Timeout'], resultPath: '$.failure' });
    awaitDecision.addCatch(publishOutcome, { errors: ['CaseWithdrawn'], resultPath: '$.failure' });
    awaitDecision.next(route);
    let entry: sfn.IChainable = awaitDecision;
    if ('limit' in spec) {
      // Marked overdue: the same review waits again (its open task is kept, with a new token).
      route.when(sfn.Condition.stringEquals('$.decision.outcome', 'overdue'), awaitDecision);
      // The limit's seconds go where the wait reads its time limit, so a wait begun under the
      // definition before (14 days there) resumes under this one unchanged.
      const plan = new tasks.LambdaInvoke(scope, spec.limit, {
        lambdaFunction: fns.planHandlingLimit,
        payload: sfn.TaskInput.fromObject({ workflow: 'cohort-filing', stage: spec.stage }),
        payloadResponseOnly: true,
        resultPath: '$.stageTimeoutSeconds',
        retryOnServiceExceptions: false,
      });
      plan.addRetry(STEP_RETRY);
      plan.next(awaitDecision);
      entry = plan;
    }
    route.otherwise(publishOutcome);
    awaits.unshift(awaitDecision);
    next = entry;
  }
  return awaits[0]!;
}
