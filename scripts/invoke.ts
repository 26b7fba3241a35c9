import '../infra/local/node-version.ts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTIONS, functionByName } from '../infra/function-map.ts';
import { localSettings } from '../infra/local/settings.ts';
import { localStateMachineArn } from '../infra/workflows/render.ts';
import { AWS_ENVIRONMENT, ENVIRONMENT, functionEnvironment } from '../shared/adapters/config.ts';

/**
 * `npm run invoke -- <function> <event.json> [--user <demo user>]`: runs one handler in this
 * process with a sample event (events/), against the stand-ins of a running `npm start`
 * (PORT, default 3000) — the same handler module Lambda runs. With --user, the event's JWT claims
 * are those of that demo user (as API Gateway's authorizer would pass them).
 */
const [name, eventFile, ...rest] = process.argv.slice(2);
if (!name || !eventFile) {
  process.stderr.write(
    `usage: npm run invoke -- <function> <event.json> [--user <demo user>]\nfunctions: ${FUNCTIONS.map((f) => f.name).join(', ')}\n`,
  );
  process.exit(2);
}
const user = rest[0] === '--user' ? rest[1] : undefined;
const { port, dataDir } = localSettings();
const base = `http://127.0.0.1:${port}`;

const health = await fetch(`${base}/health`).catch(() => undefined);
if (!health?.ok) {
  process.stderr.write(`No ApprenticeFlow at ${base}: start it with \`npm start\` first\n`);
  process.exit(1);
}
const { endpoints } = (await health.json()) as { endpoints: { dynamodb: string; stepfunctions: string } };
// What the embedded runtime gives its handlers (infra/local/runtime.ts), names from the one module.
Object.assign(process.env, {
  [AWS_ENVIRONMENT.region]: 'us-east-1',
  [AWS_ENVIRONMENT.accessKeyId]: 'local',
  [AWS_ENVIRONMENT.secretAccessKey]: 'local',
  [AWS_ENVIRONMENT.dynamodbEndpoint]: endpoints.dynamodb,
  [AWS_ENVIRONMENT.stepFunctionsEndpoint]: endpoints.stepfunctions,
  [AWS_ENVIRONMENT.eventBridgeEndpoint]: base,
  ...functionEnvironment({
    tableName: process.env[ENVIRONMENT.tableName] ?? 'apprenticeflow',
    piiKeyFile: resolve(dataDir ?? '.data', 'pii-key.json'),
    stateMachineArns: {
      'cohort-filing': localStateMachineArn('cohort-filing'),
      'subsidy-claim': localStateMachineArn('subsidy-claim'),
    },
    eventBusName: 'apprenticeflow-domain-events',
  }),
});

const event = JSON.parse(readFileSync(eventFile, 'utf8')) as Record<string, any>;
if (user) {
  const response = await fetch(`${base}/dev/token`, { method: 'POST', body: JSON.stringify({ user }) });
  const { username, role, orgId } = (await response.json()) as {
    username: string;
    role: string;
    orgId: string;
  };
  event.requestContext ??= {};
  event.requestContext.authorizer = {
    jwt: {
      claims: {
        sub: `u-${username}`,
        'cognito:username': username,
        'cognito:groups': `[${role}]`,
        'custom:org': orgId,
      },
      scopes: null,
    },
  };
}
const spec = functionByName(name);
const module = (await import(pathToFileURL(resolve(spec.entry)).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const result = await module.handler(event, {
  functionName: name,
  awsRequestId: 'invoke',
  getRemainingTimeInMillis: () => 30_000,
});
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
