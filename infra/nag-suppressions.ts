import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
// The rule's own flattening of CloudFormation references, so finding ids are computed exactly as
// AwsSolutions-IAM5 writes them (account and region as the stack has them, resolved or not).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';
import type { ApprenticeFlowStack } from './stack.ts';

/**
 * Every cdk-nag (AwsSolutions) finding ApprenticeFlow accepts, each with the reason it is accepted —
 * the one place they are written down. Applied by `infra/app.ts` (so `cdk synth` runs the checks
 * clean) and by `test/infra/nag.test.ts`, which also fails on an acknowledgement that no longer
 * matches a finding.
 *
 * Acknowledgements are attached to the constructs they concern, found through the stack's own
 * properties and the function map, never by hard-coded logical ids. Wildcard permissions
 * (AwsSolutions-IAM5) are acknowledged statement by statement: each policy statement is matched
 * against the kinds of wildcard explained below, and a wildcard of any other kind is left for
 * cdk-nag to report — a new grant needs a new written reason, it is not excused by an old one.
 */
export interface NagAcknowledgement {
  /** Construct path the acknowledgement is attached to (it covers that construct and its children). */
  path: string;
  /** Rule id, with the finding in brackets where the rule reports several (`AwsSolutions-IAM5[Resource::*]`). */
  id: string;
  reason: string;
}

const REASONS = {
  mfaOptional:
    'MFA (TOTP) is offered to every user but not enforced by the pool (asserted in test/infra/stack.test.ts): users are created by a bureau administrator, and enforcing a second factor is a rollout decision per district — Cognito cannot require it per group.',
  plusPlan:
    'The Essentials feature plan is deliberate: no self sign-up, administrator-created users, a strong password policy and token revocation. Plus-tier threat protection is a cost decision for a deployment, not a code default.',
  basicExecutionRole:
    'AWSLambdaBasicExecutionRole is the one managed policy each function has (asserted in test/infra/stack.test.ts): it lets the function write its own CloudWatch logs. Every data grant is an inline policy derived from the function map.',
  xray: 'X-Ray PutTraceSegments/PutTelemetryRecords for active tracing: X-Ray has no resource-level permissions, so the resource must be *.',
  tableIndexes:
    'The function queries the global secondary indexes of the one table (cohorts by party, inboxes, register, catalogue): `<table>/index/*` names that table’s indexes and nothing else.',
  tableKey:
    'kms:GenerateDataKey*/ReEncrypt* on the table’s own customer-managed key, as TableV2.grantReadWriteData grants them so DynamoDB can encrypt what the function writes; the resource is that single key.',
  runtime:
    'nodejs22.x is the runtime architecture.md binds (asserted in test/infra/stack.test.ts); moving to a newer Node.js is a deliberate upgrade of the bundling target and the tests together.',
  logDelivery:
    'Step Functions delivers execution logs through CloudWatch Logs delivery actions (logs:CreateLogDelivery, …), which AWS supports on resource * only.',
  stepFunctionVersions:
    'The state machine invokes exactly its own step functions; `<function>:*` are their versions and aliases, as CDK’s LambdaInvoke grants them, so a qualified invocation keeps working.',
  publicRoute:
    'Public by the HTTP API contract (architecture.md): health and the OpenAPI document answer without a token; they return fixed content, and health a liveness check (the time and whether one read of the table succeeded), never data. Stage throttling bounds what anonymous calls can cost.',
  consoleDeployment:
    'CDK’s own BucketDeployment handler (a singleton Lambda CDK writes, not ours): it reads the synthesized console build from the CDK asset bucket, writes it to the console bucket and invalidates the distribution, with the grants, managed policy and runtime CDK gives it.',
  documentObjects:
    'Evidence documents are objects `cohorts/<cohortId>/<documentId>` created at run time; `<bucket>/cohorts/*` names the application’s objects in the one documents bucket and nothing else, with only the action the function’s presigned URLs or reads need (asserted in test/infra/stack.test.ts).',
  keptImports:
    'Contribution files are kept as objects `imports/employment/<district>/<importId>.csv` named at run time; `<bucket>/imports/*` names those objects in the one documents bucket and nothing else, with s3:PutObject only (asserted in test/infra/stack.test.ts).',
  documentEventsDeadLetters:
    'This queue is itself a dead-letter queue: of the EventBridge rule that sends S3 “Object Created” events to confirm-document (cdk-nag recognises only SQS redrive policies). Events that failed a day of retries wait here 14 days for a replay.',
  tableStreamFailures:
    'This queue is itself a dead-letter destination: the on-failure destination of the table stream’s event source mapping to publish-case-changes (cdk-nag recognises only SQS redrive policies). It receives where in the stream a batch the function gave up on lies (shard and sequence numbers, never item data), kept 14 days to publish it again.',
  caseEventsDeadLetters:
    'This queue is itself a dead-letter queue: of the EventBridge rules that send case.changed events from the domain bus to the read-model projector (cdk-nag recognises only SQS redrive policies). Events that failed a day of retries wait here 14 days for a replay.',
  consoleAccessLogs:
    'The console bucket and distribution serve only the static build of the web console (no personal data, no API data); every data access goes through the HTTP API, whose stage writes access logs.',
  consoleTls:
    'The distribution is served on CloudFront’s default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; a deployment with its own domain sets an ACM certificate with TLSv1.2_2021. The console holds no data: the API (execute-api) requires TLS 1.2.',
  consoleGeo:
    'No geo restriction: the console is static and reachable by anyone, like any sign-in page; who may do what is decided by the Cognito JWT at the API.',
  chinaOriginAccess:
    'In the AWS China regions CloudFront offers no origin access control: an origin access identity is what reads the private console bucket there (the global deployment uses origin access control).',
  chinaTracing:
    'In the AWS China regions Lambda has no X-Ray integration, so the state machines are not traced either (issue 18); execution history and the ALL-level execution logs remain.',
  publicNoticesWaf:
    'No WAF on the public notice list: it is cached a minute and its route is throttled at the API stage; objections are limited per address by the application (issue 14).',
  consoleWaf:
    'No WAF on the static console: it serves fixed files, and the API it calls is throttled at its stage. A WAF (and its cost) is a deployment decision.',
} as const;

interface Statement {
  actions: string[];
  /** As AwsSolutions-IAM5 flattens them (`<Logical.Arn>/index/*`). */
  resources: string[];
}

export function applyNagSuppressions(stack: ApprenticeFlowStack): NagAcknowledgement[] {
  const applied: NagAcknowledgement[] = [];
  const acknowledge = (construct: IConstruct, id: string, reason: string) => {
    Validations.of(construct).acknowledge({ id, reason });
    applied.push({ path: construct.node.path, id, reason });
  };
  const logicalId = (construct: IConstruct) =>
    Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);

  /**
   * Acknowledges the AwsSolutions-IAM5 findings of a role's policies whose every statement
   * `explain` can account for; a wildcard it cannot explain stays a finding.
   */
  const acknowledgeWildcards = (role: iam.IRole, explain: (statement: Statement) => string | undefined) => {
    const reasons = new Map<string, Set<string> | null>();
    for (const statement of statementsOf(role)) {
      const reason = explain(statement);
      const findings = [
        ...statement.actions.filter((action) => action.includes('*')).map((action) => `Action::${action}`),
        ...statement.resources
          .filter((resource) => resource.includes('*'))
          .map((resource) => `Resource::${resource}`),
      ];
      for (const finding of findings) {
        const known = reasons.get(finding);
        if (reason === undefined || known === null) reasons.set(finding, null);
        else reasons.set(finding, new Set([...(known ?? []), reason]));
      }
    }
    for (const [finding, why] of reasons) {
      if (why) acknowledge(role, `AwsSolutions-IAM5[${finding}]`, [...why].join(' '));
    }
  };

  if (stack.auth) {
    acknowledge(stack.auth.userPool, 'AwsSolutions-COG2', REASONS.mfaOptional);
    acknowledge(stack.auth.userPool, 'AwsSolutions-COG8', REASONS.plusPlan);
  }

  // Functions of the function map.
  const table = logicalId(stack.data.table);
  const tableKey = logicalId(stack.data.tableKey);
  const documents = logicalId(stack.documents.bucket);
  for (const [spec, fn] of stack.functions.entries()) {
    const role = fn.role!;
    acknowledge(fn, 'AwsSolutions-L1', REASONS.runtime);
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      REASONS.basicExecutionRole,
    );
    acknowledgeWildcards(role, ({ actions, resources }) => {
      if (actions.every((action) => action.startsWith('xray:')) && resources.every((r) => r === '*'))
        return REASONS.xray;
      if (
        spec.access.table !== 'none' &&
        actions.every((action) => action.startsWith('dynamodb:')) &&
        resources.every((r) => r === `<${table}.Arn>` || r === `<${table}.Arn>/index/*`)
      )
        return REASONS.tableIndexes;
      if (
        spec.access.table === 'readwrite' &&
        actions.every((action) => action.startsWith('kms:')) &&
        resources.every((r) => r === `<${tableKey}.Arn>`)
      )
        return REASONS.tableKey;
      if (
        spec.access.documents?.length &&
        actions.every((action) => action === 's3:PutObject' || action === 's3:GetObject') &&
        resources.every((r) => r === `<${documents}.Arn>/cohorts/*`)
      )
        return REASONS.documentObjects;
      if (
        spec.access.documents?.includes('keep') &&
        actions.every((action) => action === 's3:PutObject') &&
        resources.every((r) => r === `<${documents}.Arn>/imports/*`)
      )
        return REASONS.keptImports;
      return undefined;
    });
  }

  // State machines: X-Ray, log delivery, and their own step functions.
  const functionIds = new Set(stack.functions.entries().map(([, fn]) => logicalId(fn)));
  for (const stateMachine of Object.values(stack.workflows.stateMachines)) {
    acknowledgeWildcards(stateMachine.role, ({ actions, resources }) => {
      if (actions.every((action) => action.startsWith('xray:')) && resources.every((r) => r === '*'))
        return REASONS.xray;
      if (actions.every((action) => action.startsWith('logs:')) && resources.every((r) => r === '*'))
        return REASONS.logDelivery;
      if (
        actions.every((action) => action === 'lambda:InvokeFunction') &&
        resources.every((r) => {
          const match = /^<(\w+)\.Arn>(:\*)?$/.exec(r);
          return match !== null && functionIds.has(match[1]!);
        })
      )
        return REASONS.stepFunctionVersions;
      return undefined;
    });
  }

  // Public routes of the contract.
  for (const [spec] of stack.functions.entries()) {
    const route = stack.api.routes.get(spec.name);
    if (spec.public && route) acknowledge(route, 'AwsSolutions-APIG4', REASONS.publicRoute);
  }

  // Evidence documents.
  acknowledge(
    stack.functions.objectEventsDeadLetters,
    'AwsSolutions-SQS3',
    REASONS.documentEventsDeadLetters,
  );

  // The domain-event path to the read models: the stream's failures and the rule's dead letters.
  if (stack.functions.tableStreamFailures)
    acknowledge(stack.functions.tableStreamFailures, 'AwsSolutions-SQS3', REASONS.tableStreamFailures);
  if (stack.functions.caseEventsDeadLetters)
    acknowledge(stack.functions.caseEventsDeadLetters, 'AwsSolutions-SQS3', REASONS.caseEventsDeadLetters);

  // The web console: static files behind CloudFront, uploaded by CDK's BucketDeployment.
  const site = stack.webConsole;
  acknowledge(site.bucket, 'AwsSolutions-S1', REASONS.consoleAccessLogs);
  acknowledge(site.distribution, 'AwsSolutions-CFR3', REASONS.consoleAccessLogs);
  acknowledge(site.distribution, 'AwsSolutions-CFR4', REASONS.consoleTls);
  acknowledge(site.distribution, 'AwsSolutions-CFR1', REASONS.consoleGeo);
  acknowledge(site.distribution, 'AwsSolutions-CFR2', REASONS.consoleWaf);
  const notices = site.publicNoticesDistribution;
  if (notices) {
    acknowledge(notices, 'AwsSolutions-CFR3', REASONS.consoleAccessLogs);
    acknowledge(notices, 'AwsSolutions-CFR4', REASONS.consoleTls);
    acknowledge(notices, 'AwsSolutions-CFR1', REASONS.consoleGeo);
    acknowledge(notices, 'AwsSolutions-CFR2', REASONS.publicNoticesWaf);
  }
  if (stack.deployment.china) {
    acknowledge(site.distribution, 'AwsSolutions-CFR7', REASONS.chinaOriginAccess);
    for (const stateMachine of Object.values(stack.workflows.stateMachines)) {
      acknowledge(stateMachine, 'AwsSolutions-SF2', REASONS.chinaTracing);
    }
  }
  // BucketDeployment's handler is a stack-level singleton named `Custom::CDKBucketDeployment<hash>`.
  for (const handler of stack.node.children.filter((child) =>
    child.node.id.startsWith('Custom::CDKBucketDeployment'),
  )) {
    if (!(handler instanceof lambda.Function)) continue;
    acknowledge(handler, 'AwsSolutions-L1', REASONS.consoleDeployment);
    acknowledge(
      handler.role!,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      REASONS.consoleDeployment,
    );
    acknowledgeWildcards(handler.role!, () => REASONS.consoleDeployment);
  }
  return applied;
}

/** The Allow statements of a role's policies (its default policy and inline ones), flattened as IAM5 reads them. */
function statementsOf(role: iam.IRole): Statement[] {
  const stack = Stack.of(role);
  const documents: unknown[] = [];
  for (const child of role.node.children)
    if (child instanceof iam.Policy) documents.push(stack.resolve(child.document));
  const cfnRole = role.node.defaultChild as iam.CfnRole | undefined;
  for (const inline of (stack.resolve(cfnRole?.policies) ?? []) as { policyDocument: unknown }[])
    documents.push(stack.resolve(inline.policyDocument));
  const list = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  return documents.flatMap((document) =>
    list((document as { Statement?: unknown[] }).Statement)
      .map((statement) => statement as { Effect?: string; Action?: string | string[]; Resource?: unknown })
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => ({
        actions: list(statement.Action),
        resources: list(statement.Resource as unknown).map((resource) => flattenCfnReference(resource)),
      })),
  );
}
