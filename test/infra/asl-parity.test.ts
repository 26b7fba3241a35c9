import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type WorkflowName } from '../../infra/function-map.ts';
import { localFunctionArn, renderWorkflowAsl } from '../../infra/workflows/render.ts';
import { type SynthesizedApp, synthApp } from '../support/synth.ts';

/**
 * The embedded engine runs `renderWorkflowAsl(...)`; AWS runs the DefinitionString of the
 * synthesized template. They must be the same document, but for where each finds its functions.
 * ARNs become placeholders on both sides (`<lambda:name>`, `arn:<partition>:states:::…`);
 * nothing else is normalised away.
 */
const PARTITION = '<partition>';
const lambdaPlaceholder = (name: string) => `<lambda:${name}>`;
/** A token that is neither a function ARN nor the partition: left visible so the comparison fails. */
const UNEXPECTED = '<ARN>';

let synthesized: SynthesizedApp;
let template: Template;
let workflows: WorkflowName[];

beforeAll(() => {
  // The definitions do not depend on the bundles (stack.test.ts checks those).
  synthesized = synthApp({ bundle: false });
  template = synthesized.template;
  workflows = Object.keys(synthesized.stack.workflows.stateMachines) as WorkflowName[];
});

/** The DefinitionString of the template (a string, or an Fn::Join of strings and tokens) as ASL text. */
function deployedDefinitionText(workflow: WorkflowName): string {
  const { stack, logicalId } = synthesized;
  const stateMachineId = logicalId(stack.workflows.stateMachines[workflow]);
  const definition = template.findResources('AWS::StepFunctions::StateMachine')[stateMachineId]!.Properties
    .DefinitionString as unknown;
  if (typeof definition === 'string') return definition;
  const functionNames = new Map(
    FUNCTIONS.map((spec) => [logicalId(stack.functions.get(spec.name)), spec.name]),
  );
  const [separator, parts] = (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as Record<string, unknown>;
      if (token.Ref === 'AWS::Partition') return PARTITION;
      const getAtt = token['Fn::GetAtt'];
      if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && functionNames.has(getAtt[0])) {
        return lambdaPlaceholder(functionNames.get(getAtt[0])!);
      }
      return UNEXPECTED;
    })
    .join(separator);
}

/** The locally rendered ASL with the same placeholders. */
function localDefinitionText(workflow: WorkflowName): string {
  let text = JSON.stringify(renderWorkflowAsl(workflow));
  for (const spec of FUNCTIONS)
    text = text.replaceAll(`"${localFunctionArn(spec.name)}"`, `"${lambdaPlaceholder(spec.name)}"`);
  return text.replaceAll('"arn:aws:states:::', `"arn:${PARTITION}:states:::`);
}

const JSONATA_FIELDS = new Set(['QueryLanguage', 'Assign', 'Arguments', 'Output']);

/** Paths of every JSONata-only field or expression in a definition (JSONPath fields like OutputPath are fine). */
function jsonataTraces(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => jsonataTraces(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, nested]) => [
      ...(JSONATA_FIELDS.has(key) ? [`${path}.${key}`] : []),
      ...jsonataTraces(nested, `${path}.${key}`),
    ]);
  }
  if (typeof value === 'string' && (/JSONata/i.test(value) || /^\{%.*%\}$/s.test(value))) return [path];
  return [];
}

describe('ASL parity: the local engine runs what is deployed', () => {
  it('covers every state machine in the template', () => {
    expect(workflows.length).toBeGreaterThan(0);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', workflows.length);
  });

  it('each deployed definition equals the rendered one, ARNs aside', () => {
    for (const workflow of workflows) {
      const deployedText = deployedDefinitionText(workflow);
      expect(deployedText, workflow).not.toContain(UNEXPECTED);
      const deployed = JSON.parse(deployedText);
      const local = JSON.parse(localDefinitionText(workflow));
      expect(deployed, workflow).toStrictEqual(local);
      // The placeholders did their work: steps are functions of the map, callbacks the partition form.
      expect(deployedText, workflow).toMatch(/<lambda:[a-z-]+>/);
      expect(deployedText, workflow).toContain(`arn:${PARTITION}:states:::lambda:invoke.waitForTaskToken`);
    }
  });

  it('uses JSONPath only: no QueryLanguage, JSONata, Assign, Arguments or Output anywhere', () => {
    for (const workflow of workflows) {
      const deployed = deployedDefinitionText(workflow);
      expect(jsonataTraces(JSON.parse(deployed)), `${workflow} deployed`).toEqual([]);
      expect(jsonataTraces(renderWorkflowAsl(workflow)), `${workflow} rendered`).toEqual([]);
      for (const word of ['QueryLanguage', 'JSONata', '"Assign"', '"Arguments"', '"Output"']) {
        expect(deployed, `${workflow} deployed`).not.toContain(word);
      }
    }
  });
});
