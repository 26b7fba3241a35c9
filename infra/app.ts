import { App } from 'aws-cdk-lib';
import { ApprenticeFlowStack, STACK_NAME, stackEnvironment } from './stack.ts';

/** The CDK app (`cdk.json`: `npx tsx infra/app.ts`); `npm run synth` works offline, without Docker or credentials. */
const app = new App();
new ApprenticeFlowStack(app, STACK_NAME, { env: stackEnvironment() });
app.synth();
