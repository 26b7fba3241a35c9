import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { applyNagSuppressions } from './nag-suppressions.ts';
import { ApprenticeFlowStack, STACK_NAME, stackEnvironment } from './stack.ts';

/** The CDK app (`cdk.json`: `npx tsx infra/app.ts`); `npm run synth` works offline, without Docker or credentials. */
const app = new App();
const stack = new ApprenticeFlowStack(app, STACK_NAME, { env: stackEnvironment() });
// cdk-nag's AwsSolutions pack checks every synth; what it finds and we accept, with why: infra/nag-suppressions.ts.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
applyNagSuppressions(stack);
app.synth();
