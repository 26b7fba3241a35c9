import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from './infra/local/dynamodb-local.ts';
import { freePort } from './infra/local/free-port.ts';
import { createLocalStepFunctions, startStepFunctionsEndpoint } from './infra/local/step-functions/index.ts';
import { localStateMachineArn, renderWorkflowAsl } from './infra/workflows/render.ts';
const dynamo = await startDynamoDbLocal({ port: await freePort() });
const engine = await createLocalStepFunctions({
  dynamodb: new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  tableName: 'sfn', stateMachines: [{ name: 'cohort-filing', arn: localStateMachineArn('cohort-filing'), definition: renderWorkflowAsl('cohort-filing') }],
  invokeFunction: async (name, payload) => { console.log('invoke', name, JSON.stringify(payload)); return { ok: true }; },
});
const http = await startStepFunctionsEndpoint(engine, 4599);
console.log('READY', http.endpoint);
process.on('SIGTERM', async () => { await http.close(); await engine.close(); await dynamo.stop(); process.exit(0); });
