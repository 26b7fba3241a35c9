import { StepFunctionsWorkflows } from '../aws/step-functions.ts';

let workflows: StepFunctionsWorkflows | undefined;

export function stepFunctions(): StepFunctionsWorkflows {
  workflows ??= new StepFunctionsWorkflows({
    'cohort-filing': process.env.COHORT_FILING_STATE_MACHINE_ARN,
    'subsidy-claim': process.env.SUBSIDY_CLAIM_STATE_MACHINE_ARN,
  });
  return workflows;
}
