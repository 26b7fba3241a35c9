import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ApprenticeFlowStack, STACK_NAME, stackEnvironment } from '../../infra/stack.ts';

export interface SynthesizedApp {
  stack: ApprenticeFlowStack;
  template: Template;
  /** Wall time of building and synthesizing the app (with bundling: esbuild once per function). */
  synthMs: number;
  /** The logical id a construct (or its CloudFormation resource) has in the template. */
  logicalId(construct: IConstruct): string;
}

export interface SynthOptions {
  /**
   * Bundle the functions with esbuild, as `npm run synth` does (default). Tests that only read
   * the template can skip it: bundles change asset hashes, nothing else.
   */
  bundle?: boolean;
}

const synthesized = new Map<boolean, SynthesizedApp>();

/**
 * The app as `npm run synth` builds it (same `cdk.json` context, the CLI's offline environment),
 * synthesized once per test file: vitest gives each file its own module graph, so this cache
 * never leaks across files.
 *
 * CloudFormation schema validation is left to `npm run synth` (it reports there); here it would
 * only double the time of a file whose assertions are more specific.
 */
export function synthApp({ bundle = true }: SynthOptions = {}): SynthesizedApp {
  const cached = synthesized.get(bundle);
  if (cached) return cached;
  const started = performance.now();
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const app = new App({
    context: { ...cdkJson.context, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
    builtinCloudFormationValidation: false,
  });
  const stack = new ApprenticeFlowStack(app, STACK_NAME, { env: stackEnvironment({}) });
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct): string => {
    const element = (construct.node.defaultChild ?? construct) as CfnElement;
    return Stack.of(element).resolve(element.logicalId) as string;
  };
  const result = { stack, template, synthMs: performance.now() - started, logicalId };
  synthesized.set(bundle, result);
  return result;
}
