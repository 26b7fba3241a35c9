import { StepFunctionsWorkflows } from '../aws/step-functions.ts';

let workflows: StepFunctionsWorkflows | undefined;

export function stepFunctions(): StepFunctionsWorkflows {
  workflows ??= new StepFunctionsWorkflows({ cohortFiling: process.env.COHORT_FILING_STATE_MACHINE_ARN });
  return workflows;
}
