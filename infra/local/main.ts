import './node-version.ts';
import { JavaMissing } from './dynamodb-local.ts';
import { startRuntime } from './runtime.ts';
import { localSettings } from './settings.ts';

/**
 * `npm start`: the embedded runtime on http://127.0.0.1:3000 (PORT overrides). The stand-ins follow
 * at PORT+1, +2, +3 and the dev issuer at +4 unless told otherwise (tests that must not collide do).
 */
const { port, dataDir, dynamodbPort, stepFunctionsPort, objectStoragePort, issuerPort, claims, cryptoSuite } =
  localSettings();

try {
  const runtime = await startRuntime({
    port,
    dataDir,
    dynamodbPort,
    stepFunctionsPort,
    objectStoragePort,
    issuerPort,
    claims,
    cryptoSuite,
  });
  process.stdout.write(
    [
      '',
      `ApprenticeFlow is running at ${runtime.url}`,
      `  the console:     ${runtime.url}/   (sign in through the dev issuer at ${runtime.issuer}, OIDC discovery)`,
      `  health:          curl ${runtime.url}/health`,
      `  a token:         npm run token -- ent-a-clerk      (or POST ${runtime.url}/dev/token {"user":"ent-a-clerk"})`,
      `  the demo:        PORT=${port} npm run demo`,
      `  DynamoDB Local:  ${runtime.dynamodbEndpoint}   (aws dynamodb list-tables --endpoint-url ${runtime.dynamodbEndpoint})`,
      `  Step Functions:  ${runtime.stepFunctionsEndpoint}   (aws stepfunctions list-state-machines --endpoint-url ${runtime.stepFunctionsEndpoint})`,
      `  S3 (documents):  ${runtime.objectStorageEndpoint}   (objects only: aws s3api head-object --bucket apprenticeflow-documents --key <key> --endpoint-url ${runtime.objectStorageEndpoint}; files in .data/objects/)`,
      `  tokens:          role in "${claims.roles}", organisation in "${claims.org}"; personal data and audit under the ${cryptoSuite} suite`,
      '  data is kept in .data/ (delete it to start afresh). Ctrl-C stops.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await runtime.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (error instanceof JavaMissing) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
