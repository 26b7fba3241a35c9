import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/**
 * Workflow `subsidy-claim`: school verification, bureau review, public notice (interim and final claims) and
 * the treasurer's payment of one training-fund claim.
 *
 * Human steps are `.waitForTaskToken` tasks opened by `open-claim-task` (an inbox task holding the
 * token); the decision API records first and calls back with `{"outcome": …}`. The public notice
 * is a callback task too, whose time limit is the notice period: an objection calls back with
 * `objection` (back to review); the period running out (`States.Timeout`) moves on to payment.
 * Stage time limits come from the policy (`$.stageTimeoutSeconds`): an expired school verification
 * returns the claim, the bureau's review past its handling limit is marked OVERDUE and waits again
 * (issue 14), an expired payment task is opened again (approved money is never dropped).
 */
export interface SubsidyClaimFunctions {
  openClaimTask: lambda.IFunction;
  checkClaimTaskExpiry: lambda.IFunction;
  planPublicNotice: lambda.IFunction;
  publishClaimOutcome: lambda.IFunction;
  planHandlingLimit: lambda.IFunction;
}

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

export function subsidyClaimDefinition(scope: Construct, fns: SubsidyClaimFunctions): sfn.IChainable {
  const step = (id: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      payload: sfn.TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      resultPath,
      retryOnServiceExceptions: false,
    });
    task.addRetry(STEP_RETRY);
    return task;
  };
  const awaitTask = (id: string, stage: string, timeoutPath: string) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: fns.openClaimTask,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        taskToken: sfn.JsonPath.taskToken,
        'claimId.$': '$.claimId',
        'round.$': '$.round',
        stage,
        'timeoutSeconds.$': timeoutPath,
      }),
      resultPath: '$.decision',
      taskTimeout: sfn.Timeout.at(timeoutPath),
      retryOnServiceExceptions: false,
    });
    // Opening the task may meet a throttled table; the retry opens it again with a new token.
    task.addRetry(STEP_RETRY);
    return task;
  };
  const checkExpiry = (id: string, stage: string) =>
    step(
      id,
      fns.checkClaimTaskExpiry,
      { 'claimId.$': '$.claimId', 'round.$': '$.round', stage },
      '$.decision',
    );
  const outcomeIs = (value: string) => sfn.Condition.stringEquals('$.decision.outcome', value);

  const publish = step(
    'PublishClaimOutcome',
    fns.publishClaimOutcome,
    { 'claimId.$': '$.claimId', 'round.$': '$.round' },
    sfn.JsonPath.DISCARD,
  );
  publish.next(new sfn.Succeed(scope, 'ClaimClosed'));

  // Payment by the treasurer; an expired payment task is opened again.
  const awaitPayment = awaitTask('AwaitPaymentRelease', 'PAYMENT', '$.stageTimeoutSeconds');
  const paymentExpiry = checkExpiry('CheckPaymentReleaseExpiry', 'PAYMENT');
  const paymentDecision = new sfn.Choice(scope, 'PaymentDecision').when(outcomeIs('expired'), awaitPayment);
  awaitPayment.addCatch(paymentExpiry, { errors: ['States.Timeout'], resultPath: '$.failure' });
  awaitPayment.addCatch(publish, { errors: ['CaseWithdrawn'], resultPath: '$.failure' });
  awaitPayment.next(paymentDecision);
  paymentExpiry.next(paymentDecision);

  // Bureau review on its handling limit (working days, planned first; running out marks it
  // OVERDUE and it waits again, never returned), then public notice for final claims. The limit's
  // seconds go where the wait reads its time limit, so a wait begun under the definition before
  // resumes unchanged; the payment after it is reminded on that interval too (its due date is its
  // own: the end of the month after the notice).
  const awaitReview = awaitTask('AwaitBureauClaimReview', 'BUREAU_REVIEW', '$.stageTimeoutSeconds');
  const reviewExpiry = checkExpiry('MarkBureauClaimReviewOverdue', 'BUREAU_REVIEW');
  const planReview = step(
    'PlanBureauClaimReviewLimit',
    fns.planHandlingLimit,
    { workflow: 'subsidy-claim', stage: 'BUREAU_REVIEW' },
    '$.stageTimeoutSeconds',
  );
  planReview.next(awaitReview);
  const planNotice = step(
    'PlanPublicNotice',
    fns.planPublicNotice,
    { 'claimId.$': '$.claimId', 'round.$': '$.round' },
    '$.notice',
  );
  const awaitNotice = awaitTask('AwaitPublicNoticePeriod', 'PUBLIC_NOTICE', '$.notice.timeoutSeconds');
  const closeNotice = checkExpiry('ClosePublicNotice', 'PUBLIC_NOTICE');
  const noticeDecision = new sfn.Choice(scope, 'PublicNoticeOutcome')
    .when(outcomeIs('objection'), planReview)
    .when(outcomeIs('approve'), awaitPayment)
    .otherwise(publish);
  awaitNotice.addCatch(closeNotice, { errors: ['States.Timeout'], resultPath: '$.failure' });
  awaitNotice.addCatch(publish, { errors: ['CaseWithdrawn'], resultPath: '$.failure' });
  awaitNotice.next(noticeDecision);
  closeNotice.next(noticeDecision);
  planNotice.next(awaitNotice);

  // A settlement (interim or final) pays earned money and is published first; an advance is not.
  const isFinal = new sfn.Choice(scope, 'IsFinalSettlement')
    .when(
      sfn.Condition.or(
        sfn.Condition.stringEquals('$.kind', 'final'),
        sfn.Condition.stringEquals('$.kind', 'interim'),
      ),
      planNotice,
    )
    .otherwise(awaitPayment);
  const reviewDecision = new sfn.Choice(scope, 'BureauClaimDecision')
    .when(outcomeIs('approve'), isFinal)
    .when(outcomeIs('overdue'), awaitReview)
    .otherwise(publish);
  // A public objection upheld after the notice ran out takes the claim back from payment to review.
  paymentDecision.when(outcomeIs('objection'), planReview).otherwise(publish);
  awaitReview.addCatch(reviewExpiry, { errors: ['States.Timeout'], resultPath: '$.failure' });
  awaitReview.addCatch(publish, { errors: ['CaseWithdrawn'], resultPath: '$.failure' });
  awaitReview.next(reviewDecision);
  reviewExpiry.next(reviewDecision);

  // School verification first.
  const awaitSchool = awaitTask('AwaitSchoolVerification', 'SCHOOL_VERIFICATION', '$.stageTimeoutSeconds');
  const schoolExpiry = checkExpiry('CheckSchoolVerificationExpiry', 'SCHOOL_VERIFICATION');
  const schoolDecision = new sfn.Choice(scope, 'SchoolVerificationDecision')
    .when(outcomeIs('approve'), planReview)
    .otherwise(publish);
  awaitSchool.addCatch(schoolExpiry, { errors: ['States.Timeout'], resultPath: '$.failure' });
  awaitSchool.addCatch(publish, { errors: ['CaseWithdrawn'], resultPath: '$.failure' });
  awaitSchool.next(schoolDecision);
  schoolExpiry.next(schoolDecision);
  return awaitSchool;
}
