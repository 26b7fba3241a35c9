import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { WorkflowName } from '../function-map.ts';
import { cohortFilingDefinition } from './cohort-filing.ts';
import { subsidyClaimDefinition } from './subsidy-claim.ts';

/** Region and account of the ARNs in locally rendered definitions; the local engine maps them to handlers. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
/** The embedded runtime's own partition facts (its ARNs are its own, never deployed). */
const LOCAL_REGION_INFO = RegionInfo.get(LOCAL_REGION);
const LOCAL_PARTITION = LOCAL_REGION_INFO.partition ?? 'aws';

export function localFunctionArn(name: string): string {
  return `arn:${LOCAL_PARTITION}:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
}

export function localStateMachineArn(workflow: WorkflowName): string {
  return `arn:${LOCAL_PARTITION}:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${workflow}`;
}

/**
 * Renders a workflow's ASL from the same construct code the stack deploys, in a throwaway stack
 * whose functions are imported by local ARN. The embedded engine runs exactly this JSON.
 */
export function renderWorkflowAsl(workflow: WorkflowName): Record<string, unknown> {
  const stack = new Stack(new App(), 'Render', { env: { region: LOCAL_REGION, account: LOCAL_ACCOUNT } });
  const fn = (name: string) => lambda.Function.fromFunctionArn(stack, name, localFunctionArn(name));
  let chain: sfn.IChainable;
  switch (workflow) {
    case 'cohort-filing':
      chain = cohortFilingDefinition(stack, {
        openReviewTask: fn('open-review-task'),
        checkExpiredReview: fn('check-expired-review'),
        publishFilingOutcome: fn('publish-filing-outcome'),
        planHandlingLimit: fn('plan-handling-limit'),
      });
      break;
    case 'subsidy-claim':
      chain = subsidyClaimDefinition(stack, {
        openClaimTask: fn('open-claim-task'),
        checkClaimTaskExpiry: fn('check-claim-task-expiry'),
        planPublicNotice: fn('plan-public-notice'),
        publishClaimOutcome: fn('publish-claim-outcome'),
        planHandlingLimit: fn('plan-handling-limit'),
      });
      break;
  }
  const graph = new sfn.StateGraph(chain.startState, workflow);
  return resolvePseudoParameters(stack.resolve(graph.toGraphJson())) as Record<string, unknown>;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': LOCAL_PARTITION,
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': LOCAL_REGION_INFO.domainSuffix ?? '',
};

/** Replaces the pseudo-parameter references CDK leaves in (`arn:${AWS::Partition}:states:::…`). */
export function resolvePseudoParameters(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolvePseudoParameters);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof record.Ref === 'string' && record.Ref in PSEUDO) {
      return PSEUDO[record.Ref];
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      const resolved = parts.map(resolvePseudoParameters);
      if (resolved.every((part) => typeof part === 'string')) return resolved.join(separator);
      return { 'Fn::Join': [separator, resolved] };
    }
    return Object.fromEntries(keys.map((key) => [key, resolvePseudoParameters(record[key])]));
  }
  return value;
}
