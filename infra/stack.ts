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
import { type Deployment, deploymentOf } from './deployment.ts';

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
 * `apiBurstLimit` (default stage throttling, 50/s and 100), `alarmEmail` (alarm subscriber), and
 * the deployment's identity, console domain, cryptography and partition (infra/deployment.ts:
 * `oidcIssuer`, `oidcAudience`, `oidcRolesClaim`, `oidcOrgClaim`, `consoleDomain`,
 * `consoleCertificateId`, `cryptoSuite`). With `oidcIssuer` there is no user pool: the JWT
 * authorizer trusts that issuer. In the AWS China regions `oidcIssuer` and `consoleDomain` are required.
 */
export class ApprenticeFlowStack extends Stack {
  readonly deployment: Deployment;
  readonly data: DataStore;
  /** Our Cognito user pool; undefined when the deployment signs in through another OIDC issuer. */
  readonly auth: Auth | undefined;
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

    // Refuses (naming the missing context key) before anything is built.
    this.deployment = deploymentOf(this, this.region);
    const { identity } = this.deployment;

    this.webConsole = new WebConsole(this, 'Console', {
      china: this.deployment.china,
      domain: this.deployment.consoleDomain,
      issuer: identity.kind === 'oidc' ? identity.issuer : undefined,
    });
    const consoleOrigin: string = this.node.tryGetContext('consoleOrigin') ?? this.webConsole.origin;
    const callbackUrl: string =
      this.node.tryGetContext('authCallbackUrl') ?? `${consoleOrigin}/auth/callback`;

    // Stateful.
    this.data = new DataStore(this, 'Data');
    this.auth =
      identity.kind === 'cognito'
        ? new Auth(this, 'Auth', {
            callbackUrls: [callbackUrl],
            logoutUrls: [`${consoleOrigin}/`],
            domainPrefix: this.node.tryGetContext('authDomainPrefix'),
          })
        : undefined;
    this.domainEvents = new DomainEvents(this, 'DomainEvents');
    this.documents = new EvidenceDocuments(this, 'Documents', { allowedOrigins: [consoleOrigin] });

    // Stateless.
    this.functions = new Functions(this, 'Functions', {
      table: this.data.table,
      piiKey: this.data.piiKey,
      eventBus: this.domainEvents.bus,
      documents: { bucket: this.documents.bucket, key: this.documents.key },
      claims: this.deployment.claims,
      cryptoSuite: this.deployment.cryptoSuite,
      tracing: this.deployment.tracing,
    });
    this.workflows = new Workflows(this, 'Workflows', {
      fn: (name) => this.functions.get(name),
      tracing: this.deployment.tracing,
    });
    this.functions.grantWorkflowAccess(this.workflows.stateMachines);

    // Whose tokens the API trusts: our pool's, or the deployment's OIDC issuer's.
    const trusted =
      identity.kind === 'oidc'
        ? { issuer: identity.issuer, audience: identity.audience }
        : { issuer: this.auth!.issuerUrl, audience: [this.auth!.consoleClient.userPoolClientId] };
    this.api = new Api(this, 'Api', {
      functions: this.functions.entries(),
      issuerUrl: trusted.issuer,
      audience: trusted.audience,
      allowedOrigins: [consoleOrigin],
      throttle: {
        rateLimit: Number(this.node.tryGetContext('apiRateLimit') ?? 50),
        burstLimit: Number(this.node.tryGetContext('apiBurstLimit') ?? 100),
      },
    });

    this.webConsole.publish({
      apiUrl: this.api.url,
      apiNamesDistribution: consoleOrigin === this.webConsole.origin && !this.deployment.consoleDomain,
      auth: this.auth
        ? { kind: 'cognito', userPool: this.auth.userPool, client: this.auth.consoleClient }
        : { kind: 'oidc', issuer: trusted.issuer, clientId: trusted.audience[0]! },
    });

    this.observability = new Observability(this, 'Observability', {
      stateMachines: this.workflows.stateMachines,
      httpApi: this.api.httpApi,
      alarmEmail: this.node.tryGetContext('alarmEmail'),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'ConsoleUrl', { value: consoleOrigin });
    if (this.auth) {
      new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.auth.consoleClient.userPoolClientId });
    }
    new CfnOutput(this, 'IssuerUrl', { value: trusted.issuer });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.domainEvents.bus.eventBusName });
    new CfnOutput(this, 'DocumentsBucketName', { value: this.documents.bucket.bucketName });
    new CfnOutput(this, 'CohortFilingStateMachineArn', {
      value: this.workflows.stateMachines['cohort-filing'].stateMachineArn,
    });
  }
}
