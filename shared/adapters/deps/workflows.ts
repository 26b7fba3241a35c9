import { StepFunctionsWorkflows } from '../aws/step-functions.ts';
import * as settings from '../config.ts';

let workflows: StepFunctionsWorkflows | undefined;

export function stepFunctions(): StepFunctionsWorkflows {
  workflows ??= new StepFunctionsWorkflows({
    'cohort-filing': settings.stateMachineArn('cohort-filing'),
    'subsidy-claim': settings.stateMachineArn('subsidy-claim'),
  });
  return workflows;
}
