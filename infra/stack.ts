import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.ts';
import { Auth } from './constructs/auth.ts';
import { WebConsole } from './constructs/console.ts';
import { EvidenceDocuments } from './constructs/documents.ts';
import { DomainEvents } from './constructs/events.ts';
import { Functions } from './constructs/functions.ts';
import { Observability } from './constructs/observability.ts';
import { DataStore } from './constructs/table.ts';
import { Workflows } from './constructs/workflows.ts';

export const STACK_NAME = 'ApprenticeFlow';

/**
 * Account and region from the CLI's profile (CDK_DEFAULT_*). The account may stay unresolved, so
 * `npm run synth` works without credentials; the region may not (a TableV2 with a customer-managed
 * key renders its replica per region), so it falls back to the CLI's own default, us-east-1.
 */
export function stackEnvironment(env: NodeJS.ProcessEnv = process.env): { account?: string; region: string } {
  return {
    account: env.CDK_DEFAULT_ACCOUNT,
    region: env.CDK_DEFAULT_REGION ?? env.AWS_REGION ?? 'us-east-1',
  };
}

/**
 * ApprenticeFlow on AWS, one stack of one construct per concern.
 *
 * Stateful resources (table, keys, user pool) are kept apart by construct rather than by stack:
 * they are retained on deletion and protected against it, and one stack avoids cross-stack
 * exports that would pin the table's name to the functions' stack forever.
 *
 * Context (`cdk synth -c key=value`): `consoleOrigin` (CORS and sign-in redirects, default
 * the console's CloudFront distribution), `authCallbackUrl` (default `<consoleOrigin>/auth/callback`),
 * `authDomainPrefix` (a Cognito hosted sign-in domain; none by default), `apiRateLimit` and
 * `apiBurstLimit` (default stage throttling, 50/s and 100), `alarmEmail` (alarm subscriber).
 */
export class ApprenticeFlowStack extends Stack {
  readonly data: DataStore;
  readonly auth: Auth;
  readonly domainEvents: DomainEvents;
  readonly documents: EvidenceDocuments;
  readonly functions: Functions;
  readonly workflows: Workflows;
  readonly api: Api;
  readonly observability: Observability;
  readonly webConsole: WebConsole;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, {
      description: 'ApprenticeFlow: apprenticeship cohorts and training subsidies',
      ...props,
    });

    this.webConsole = new WebConsole(this, 'Console');
    const consoleOrigin: string = this.node.tryGetContext('consoleOrigin') ?? this.webConsole.origin;
    const callbackUrl: string =
      this.node.tryGetContext('authCallbackUrl') ?? `${consoleOrigin}/auth/callback`;

    // Stateful.
    this.data = new DataStore(this, 'Data');
    this.auth = new Auth(this, 'Auth', {
      callbackUrls: [callbackUrl],
      logoutUrls: [`${consoleOrigin}/`],
      domainPrefix: this.node.tryGetContext('authDomainPrefix'),
    });
    this.domainEvents = new DomainEvents(this, 'DomainEvents');
    this.documents = new EvidenceDocuments(this, 'Documents', { allowedOrigins: [consoleOrigin] });

    // Stateless.
    this.functions = new Functions(this, 'Functions', {
      table: this.data.table,
      piiKey: this.data.piiKey,
      eventBus: this.domainEvents.bus,
      documents: { bucket: this.documents.bucket, key: this.documents.key },
    });
    this.workflows = new Workflows(this, 'Workflows', { fn: (name) => this.functions.get(name) });
    this.functions.grantWorkflowAccess(this.workflows.stateMachines);

    this.api = new Api(this, 'Api', {
      functions: this.functions.entries(),
      issuerUrl: this.auth.issuerUrl,
      audience: [this.auth.consoleClient.userPoolClientId],
      allowedOrigins: [consoleOrigin],
      throttle: {
        rateLimit: Number(this.node.tryGetContext('apiRateLimit') ?? 50),
        burstLimit: Number(this.node.tryGetContext('apiBurstLimit') ?? 100),
      },
    });

    this.webConsole.publish({
      apiUrl: this.api.url,
      userPool: this.auth.userPool,
      client: this.auth.consoleClient,
    });

    this.observability = new Observability(this, 'Observability', {
      stateMachines: this.workflows.stateMachines,
      httpApi: this.api.httpApi,
      alarmEmail: this.node.tryGetContext('alarmEmail'),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'ConsoleUrl', { value: consoleOrigin });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.consoleClient.userPoolClientId });
    new CfnOutput(this, 'IssuerUrl', { value: this.auth.issuerUrl });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.domainEvents.bus.eventBusName });
    new CfnOutput(this, 'DocumentsBucketName', { value: this.documents.bucket.bucketName });
    new CfnOutput(this, 'CohortFilingStateMachineArn', {
      value: this.workflows.stateMachines['cohort-filing'].stateMachineArn,
    });
  }
}
