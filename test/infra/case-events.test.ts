import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyNagSuppressions } from '../../infra/nag-suppressions.ts';
import { ApprenticeFlowStack, STACK_NAME } from '../../infra/stack.ts';
import {
  CASE_CHANGE_RECORDS,
  CASE_CHANGED_DELIVERY,
  CASE_CHANGED_RULE,
} from '../../shared/adapters/case-changes.ts';
import { createTableInput } from '../../shared/adapters/dynamodb/table-definition.ts';

/**
 * The domain-event path to the read models on AWS (issue 15 item 5): the table's KEYS_ONLY stream,
 * the filtered event source mapping to `publish-case-changes` (bisect, retries, an SQS on-failure
 * destination), and one rule on the domain bus per `onCaseChanged` function, retried with a
 * dead-letter queue — the read-model projector, `project-case`; cdk-nag and CDK's CloudFormation
 * validation run on that stack in the global and a China partition.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
  context?: Record<string, unknown>;
};
const CHINA_CONTEXT = {
  oidcIssuer: 'https://idp.rsj.beijing.example.cn/realms/apprenticeflow',
  oidcAudience: 'apprenticeflow-console',
  consoleDomain: 'apprenticeflow.rsj.beijing.example.cn',
  consoleCertificateId: 'ASCAEXAMPLECERTIFICATE1',
};

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

const synthesized = new Map<string, ReturnType<typeof synthesize>>();
function synth(region: string) {
  const cached = synthesized.get(region);
  if (cached) return cached;
  const result = synthesize(region);
  synthesized.set(region, result);
  return result;
}

function synthesize(region: string) {
  const outdir = mkdtempSync(join(tmpdir(), `apprenticeflow-events-${region}-`));
  outdirs.push(outdir);
  const app = new App({
    outdir,
    context: {
      ...cdkJson.context,
      ...(region.startsWith('cn-') ? CHINA_CONTEXT : {}),
      'aws:cdk:bundling-stacks': [],
    },
  });
  const stack = new ApprenticeFlowStack(app, STACK_NAME, { env: { region } });
  applyNagSuppressions(stack);
  const nag = new AwsSolutionsChecks(app).validateScope(stack);
  const template = Template.fromStack(stack);
  app.synth();
  const logicalId = (construct: IConstruct): string => {
    const element = (construct.node.defaultChild ?? construct) as CfnElement;
    return Stack.of(element).resolve(element.logicalId) as string;
  };
  return {
    stack,
    template,
    logicalId,
    nagFindings: nag.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    ),
    report: JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    },
  };
}

const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

describe('the table stream', () => {
  it('is KEYS_ONLY, on AWS and in every local and test table (one definition)', () => {
    const { template } = synth('us-east-1');
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'KEYS_ONLY' },
    });
    expect(createTableInput('any').StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'KEYS_ONLY',
    });
  });

  it('feeds publish-case-changes through a filtered event source mapping that bisects, retries and keeps what it gave up on', () => {
    const { template, stack, logicalId } = synth('us-east-1');
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]!.Properties;
    expect(mapping).toMatchObject({
      FunctionName: { Ref: logicalId(stack.functions.get('publish-case-changes')) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.data.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRecordAgeInSeconds: 86_400,
      DestinationConfig: {
        OnFailure: { Destination: arnOf(logicalId(stack.functions.tableStreamFailures!)) },
      },
    });
    expect(mapping.MaximumRetryAttempts).toBeGreaterThan(0);
    // The filter is the one the embedded poller and the publisher apply.
    expect(
      mapping.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern)),
    ).toEqual([CASE_CHANGE_RECORDS]);
    expect(JSON.parse(mapping.FilterCriteria.Filters[0].Pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: {
        Keys: {
          pk: { S: [{ prefix: 'COHORT#' }, { prefix: 'CLAIM#' }] },
          sk: { S: [{ prefix: 'AUDIT#' }] },
        },
      },
    });
  });
});

describe('case.changed on the domain bus', () => {
  it('has a rule per onCaseChanged function on the domain bus, retried a day, then to a dead-letter queue', () => {
    const { template, stack, logicalId } = synth('us-east-1');
    const busId = logicalId(stack.domainEvents.bus);
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.EventPattern?.source?.[0] === 'apprenticeflow.cases',
    );
    const targets = rules.flatMap((rule) => rule.Properties.Targets as Record<string, any>[]);
    expect(targets.map((target) => target.Arn)).toEqual([
      arnOf(logicalId(stack.functions.get('project-case'))),
    ]);
    for (const rule of rules) {
      expect(rule.Properties.EventBusName).toEqual({ Ref: busId });
      expect(rule.Properties.EventPattern).toEqual(CASE_CHANGED_RULE);
      expect(rule.Properties.EventPattern).toEqual({
        source: ['apprenticeflow.cases'],
        'detail-type': ['case.changed'],
      });
    }
    for (const target of targets) {
      expect(target.RetryPolicy).toEqual({
        MaximumEventAgeInSeconds: CASE_CHANGED_DELIVERY.maxEventAgeHours * 3600,
        MaximumRetryAttempts: CASE_CHANGED_DELIVERY.retryAttempts,
      });
      expect(target.DeadLetterConfig.Arn).toEqual(arnOf(logicalId(stack.functions.caseEventsDeadLetters!)));
    }
    // EventBridge may put on the dead-letter queue (for these rules only) and invoke the function.
    const queuePolicies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((policy) =>
      JSON.stringify(policy.Properties.Queues).includes(logicalId(stack.functions.caseEventsDeadLetters!)),
    );
    expect(JSON.stringify(queuePolicies)).toContain('events.amazonaws.com');
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: arnOf(logicalId(stack.functions.get('project-case'))),
      Principal: 'events.amazonaws.com',
    });
  });

  it('gives publish-case-changes the bus (PutEvents) and the stream, and nothing of the table itself', () => {
    const { template, stack, logicalId } = synth('us-east-1');
    const fn =
      template.findResources('AWS::Lambda::Function')[
        logicalId(stack.functions.get('publish-case-changes'))
      ]!;
    expect(fn.Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({
      Ref: logicalId(stack.domainEvents.bus),
    });
    expect(fn.Properties.Environment.Variables.TABLE_NAME).toBeUndefined();
  });

  it.each(['us-east-1', 'cn-north-1'])(
    'is clean for cdk-nag and CloudFormation validation in %s',
    (region) => {
      const { nagFindings, report } = synth(region);
      expect(nagFindings).toEqual([]);
      expect(report.pluginReports).toEqual([]);
    },
  );
});
