import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { USER_ROLES } from '../../infra/constructs/auth.ts';
import { PII_KEY_ALIAS } from '../../infra/constructs/table.ts';
import { FUNCTIONS, type FunctionSpec, type WorkflowName } from '../../infra/function-map.ts';
import { ENVIRONMENT, stateMachineArnVariable } from '../../shared/adapters/config.ts';
import { INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/adapters/dynamodb/table-definition.ts';
import { ROLES } from '../../shared/domain/principal.ts';
import { type SynthesizedApp, synthApp } from '../support/synth.ts';

let synthesized: SynthesizedApp;
let template: Template;
let id: {
  table: string;
  tableKey: string;
  piiKey: string;
  bus: string;
  documents: string;
  documentsKey: string;
  tableStreamFailures: string;
  userPool: string;
  client: string;
  authorizer: string;
  api: string;
  stateMachine: Record<WorkflowName, string>;
  fn: (name: string) => string;
  role: (name: string) => string;
};

beforeAll(() => {
  synthesized = synthApp({ bundle: false });
  template = synthesized.template;
  const { stack, logicalId } = synthesized;
  id = {
    table: logicalId(stack.data.table),
    tableKey: logicalId(stack.data.tableKey),
    piiKey: logicalId(stack.data.piiKey),
    bus: logicalId(stack.domainEvents.bus),
    documents: logicalId(stack.documents.bucket),
    documentsKey: logicalId(stack.documents.key),
    tableStreamFailures: logicalId(stack.functions.tableStreamFailures!),
    userPool: logicalId(stack.auth!.userPool),
    client: logicalId(stack.auth!.consoleClient),
    authorizer: Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0]!,
    api: logicalId(stack.api.httpApi),
    stateMachine: {
      'cohort-filing': logicalId(stack.workflows.stateMachines['cohort-filing']),
      'subsidy-claim': logicalId(stack.workflows.stateMachines['subsidy-claim']),
    },
    fn: (name) => logicalId(stack.functions.get(name)),
    role: (name) => logicalId(stack.functions.get(name).role!),
  };
});

const ref = (logicalId: string) => ({ Ref: logicalId });
const consoleDistribution = () => synthesized.logicalId(synthesized.stack.webConsole.distribution);
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of every policy attached to a role: inline policies and AWS::IAM::Policy resources. */
function roleStatements(roleId: string): Statement[] {
  const statements: Statement[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const roles = policy.Properties.Roles as unknown[];
    if (roles.some((role) => JSON.stringify(role) === JSON.stringify(ref(roleId)))) {
      statements.push(...(policy.Properties.PolicyDocument.Statement as Statement[]));
    }
  }
  const role = template.findResources('AWS::IAM::Role')[roleId];
  for (const inline of role?.Properties.Policies ?? []) statements.push(...inline.PolicyDocument.Statement);
  return statements;
}

const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
/** Whether a (CloudFormation) value refers to a resource; quotes make it an exact logical id. */
const mentions = (value: unknown, logicalId: string) => JSON.stringify(value).includes(`"${logicalId}"`);
const routed = FUNCTIONS.filter((spec): spec is FunctionSpec & { route: string } => spec.route !== undefined);

describe('synthesis', () => {
  it('makes one Node.js 22 arm64 function per entry of the function map, each from its own asset', () => {
    // Bundling itself (esbuild with the stack's BUNDLING options: ESM, the SDK inside, the
    // `require` banner) is checked per function in test/unit/bundle-budget.test.ts; this file
    // synthesizes without it, which takes seconds instead of minutes on a busy 2-core machine.
    const functions = template.findResources('AWS::Lambda::Function');
    for (const spec of FUNCTIONS) {
      const fn = functions[id.fn(spec.name)]!;
      expect(fn.Properties.Code.S3Key, spec.name).toMatch(/\.zip$/);
      expect(fn.Properties.Handler, spec.name).toBe('index.handler');
    }
  });
  // No test for dependency cycles: Template.fromStack refuses an undeployable (cyclic) template.
});

describe('table and keys', () => {
  it('is the shared table definition: keys, GSIs with the summary projection, TTL, on demand', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: INDEXES.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.nonKeyAttributes] },
      })),
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('has point-in-time recovery, deletion protection and the customer-managed key, and is retained', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
            SSESpecification: { KMSMasterKeyId: arnOf(id.tableKey) },
          }),
        ],
      }),
    });
  });

  it('has three rotating, retained customer-managed keys (table, PII, documents), the PII one under its alias', () => {
    template.resourceCountIs('AWS::KMS::Key', 3);
    for (const keyId of [id.tableKey, id.piiKey, id.documentsKey]) {
      expect(template.findResources('AWS::KMS::Key')[keyId]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: { EnableKeyRotation: true },
      });
    }
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: PII_KEY_ALIAS,
      TargetKeyId: arnOf(id.piiKey),
    });
  });
});

describe('evidence documents', () => {
  it('is a private, versioned, retained bucket under its own key, TLS only, logged, telling EventBridge of new objects', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[id.documents]!;
    expect(bucket).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: arnOf(id.documentsKey),
              },
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        LoggingConfiguration: { LogFilePrefix: 'documents/' },
      },
    });
    // Uploads come from the console's origin only.
    const cors = bucket.Properties.CorsConfiguration.CorsRules[0];
    expect(cors.AllowedMethods.sort()).toEqual(['GET', 'HEAD', 'PUT']);
    expect(cors.AllowedHeaders).toEqual(['content-type', 'x-amz-checksum-sha256']);
    // Anything but TLS is denied by the bucket policy.
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify(ref(id.documents)),
    );
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
  });

  it('sends "Object Created" for its cohorts/ objects to confirm-document, retried a day, then to a dead-letter queue', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.EventPattern?.source?.[0] === 'aws.s3',
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [ref(id.documents)] }, object: { key: [{ prefix: 'cohorts/' }] } },
    });
    const [target] = rules[0]!.Properties.Targets;
    expect(target.Arn).toEqual(arnOf(id.fn('confirm-document')));
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
    expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][1]).toBe('Arn');
  });
});

describe('auth', () => {
  it('is a user pool without self sign-up, with a strong password policy, optional MFA and custom:org', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        MfaConfiguration: 'OPTIONAL',
        DeletionProtection: 'ACTIVE',
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'org', AttributeDataType: 'String', Mutable: true }),
        ]),
      }),
    });
  });

  it('has one group per role, the municipal bureau’s city.admin among them', () => {
    expect([...USER_ROLES].sort()).toEqual([...ROLES].sort());
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: 'city.admin',
      UserPoolId: ref(id.userPool),
    });
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', USER_ROLES.length);
    for (const role of USER_ROLES) {
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
        GroupName: role,
        UserPoolId: ref(id.userPool),
      });
    }
  });

  it('has a public console client: code grant, no secret, and it cannot write custom:org', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: ref(id.userPool),
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      // The web console's CloudFront distribution (infra/constructs/console.ts; test/infra/console.test.ts).
      CallbackURLs: [
        {
          'Fn::Join': [
            '',
            ['https://', { 'Fn::GetAtt': [consoleDistribution(), 'DomainName'] }, '/auth/callback'],
          ],
        },
      ],
      ReadAttributes: Match.arrayWith(['custom:org']),
    });
    const client = template.findResources('AWS::Cognito::UserPoolClient')[id.client]!;
    expect(client.Properties.WriteAttributes).not.toContain('custom:org');
  });
});

describe('HTTP API', () => {
  it('authorizes with a JWT authorizer on the Cognito issuer, audience the console client', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      ApiId: ref(id.api),
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [ref(id.client)],
        Issuer: {
          'Fn::Join': [
            '',
            [
              `https://cognito-idp.${synthesized.stack.region}.`,
              { Ref: 'AWS::URLSuffix' },
              '/',
              ref(id.userPool),
            ],
          ],
        },
      },
    });
  });

  it('has exactly one route per routed function', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', routed.length);
  });

  it.each(routed.map((spec) => [spec.route, spec] as const))(
    '%s reaches its function, behind the authorizer unless public',
    (_route, spec) => {
      const routes = template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: spec.route },
      });
      const [route] = Object.values(routes);
      expect(Object.keys(routes)).toHaveLength(1);
      expect(route!.Properties).toMatchObject(
        spec.public
          ? { AuthorizationType: 'NONE' }
          : { AuthorizationType: 'JWT', AuthorizerId: ref(id.authorizer) },
      );
      if (spec.public) expect(route!.Properties.AuthorizerId).toBeUndefined();

      const integrationId = JSON.stringify(route!.Properties.Target).match(/"Ref":"([^"]+)"/)?.[1];
      const integration = template.findResources('AWS::ApiGatewayV2::Integration')[integrationId!]!;
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: arnOf(id.fn(spec.name)),
      });
    },
  );

  it('throttles the default stage and writes access logs', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: ref(id.api),
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('\\$context.requestId'),
      },
    });
  });

  it('allows the console origin (CORS)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [
          { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [consoleDistribution(), 'DomainName'] }]] },
        ],
      }),
    });
  });
});

describe('workflows', () => {
  it('has Standard state machines, logged without execution data, traced', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it.each([
    [
      'cohort-filing',
      ['check-expired-review', 'open-review-task', 'plan-handling-limit', 'publish-filing-outcome'],
    ],
    [
      'subsidy-claim',
      [
        'check-claim-task-expiry',
        'open-claim-task',
        'plan-handling-limit',
        'plan-public-notice',
        'publish-claim-outcome',
      ],
    ],
  ] as const)('%s may invoke exactly its own step functions', (workflow, steps) => {
    const stateMachine = template.findResources('AWS::StepFunctions::StateMachine')[
      id.stateMachine[workflow]
    ]!;
    const roleId = stateMachine.Properties.RoleArn['Fn::GetAtt'][0] as string;
    const invoke = roleStatements(roleId).filter((statement) =>
      actionsOf(statement).includes('lambda:InvokeFunction'),
    );
    const invoked = FUNCTIONS.filter((spec) =>
      invoke.some((statement) => mentions(statement.Resource, id.fn(spec.name))),
    );
    expect(invoked.map((spec) => spec.name).sort()).toEqual([...steps]);
  });
});

describe('events and alarms', () => {
  it('has the domain event bus and a year-long archive of it', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'apprenticeflow-domain-events' });
    template.hasResourceProperties('AWS::Events::Archive', { SourceArn: arnOf(id.bus), RetentionDays: 365 });
  });

  it('alarms on failed executions and on API 5xx', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: ref(id.stateMachine['cohort-filing']) }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: ref(id.api) }],
    });
  });
});

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const STREAM_READ = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];
const TASK_RESPONSE = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

describe('functions', () => {
  it('is one Lambda function per function-map entry, each with its own log group kept a year', () => {
    // + the one handler of the console's two BucketDeployments (a singleton).
    template.resourceCountIs('AWS::Lambda::Function', FUNCTIONS.length + 1);
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    for (const spec of FUNCTIONS) {
      const fn = template.findResources('AWS::Lambda::Function')[id.fn(spec.name)]!;
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      expect(logGroups[logGroupId]?.Properties.RetentionInDays, spec.name).toBe(365);
    }
  });

  describe.each(FUNCTIONS.map((spec) => [spec.name, spec] as const))('%s', (_name, spec) => {
    it('runs nodejs22.x on arm64', () => {
      expect(template.findResources('AWS::Lambda::Function')[id.fn(spec.name)]!.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    });

    it('is told exactly the resources its access names', () => {
      const variables = template.findResources('AWS::Lambda::Function')[id.fn(spec.name)]!.Properties
        .Environment.Variables as Record<string, unknown>;
      const { access } = spec;
      expect(variables[ENVIRONMENT.tableName] !== undefined).toBe(access.table !== 'none');
      expect(variables[ENVIRONMENT.piiKeyId] !== undefined).toBe(access.piiKey === true);
      expect(variables[ENVIRONMENT.eventBusName] !== undefined).toBe(access.events === true);
      const workflows = new Set([...(access.startWorkflows ?? []), ...(access.callbackWorkflows ?? [])]);
      for (const workflow of Object.keys(id.stateMachine) as WorkflowName[]) {
        expect(variables[stateMachineArnVariable(workflow)] !== undefined).toBe(workflows.has(workflow));
      }
    });

    it('has a role granting only what its access says', () => {
      const { access } = spec;
      const statements = roleStatements(id.role(spec.name));
      const all = statements.flatMap(actionsOf);
      const on = (logicalId: string) =>
        statements.filter((statement) => mentions(statement.Resource, logicalId)).flatMap(actionsOf);

      // Nothing but allows, on the services the map can grant (X-Ray for active tracing; SQS for
      // the on-failure destination of a table stream's event source mapping).
      for (const statement of statements) expect(statement.Effect).toBe('Allow');
      const services = [
        'dynamodb',
        'kms',
        'states',
        'events',
        's3',
        'xray',
        ...(spec.onTableStream ? ['sqs'] : []),
      ];
      for (const action of all) expect(services).toContain(action.split(':')[0]);
      // Each action on the resource of its kind, never a wildcard (X-Ray has no resources).
      for (const statement of statements) {
        for (const action of actionsOf(statement)) {
          const service = action.split(':')[0];
          const allowed =
            service === 'dynamodb'
              ? [id.table]
              : service === 'kms'
                ? [id.tableKey, id.piiKey, id.documentsKey]
                : service === 's3'
                  ? [id.documents]
                  : service === 'states'
                    ? Object.values(id.stateMachine)
                    : service === 'events'
                      ? [id.bus]
                      : service === 'sqs'
                        ? [id.tableStreamFailures]
                        : [];
          if (service === 'xray') expect(statement.Resource).toBe('*');
          else
            expect(
              allowed.some((logicalId) => mentions(statement.Resource, logicalId)),
              action,
            ).toBe(true);
        }
      }

      // The table's stream: read by the `onTableStream` functions alone (its event source mapping's
      // grants), decrypted with the table's key; nothing of the table itself follows from it.
      const streamStatements = statements.filter((statement) =>
        JSON.stringify(statement.Resource).includes('"StreamArn"'),
      );
      if (spec.onTableStream) {
        for (const statement of streamStatements)
          expect(statement.Resource).toEqual({ 'Fn::GetAtt': [id.table, 'StreamArn'] });
        expect(streamStatements.flatMap(actionsOf).sort()).toEqual(STREAM_READ);
        expect(on(id.tableStreamFailures).sort()).toEqual([
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:SendMessage',
        ]);
      } else expect(streamStatements).toEqual([]);
      const streamKey = spec.onTableStream ? ['kms:Decrypt', 'kms:DescribeKey'] : [];

      // Table.
      const dynamo = all.filter((action) => action.startsWith('dynamodb:') && !STREAM_READ.includes(action));
      if (access.table === 'none') {
        expect(dynamo).toEqual([]);
        expect(on(id.tableKey).sort()).toEqual(streamKey);
      } else {
        expect(dynamo).toEqual(expect.arrayContaining(TABLE_READ));
        if (access.table === 'readwrite') expect(dynamo).toEqual(expect.arrayContaining(TABLE_WRITE));
        else {
          for (const write of TABLE_WRITE) expect(dynamo).not.toContain(write);
          expect(['kms:Decrypt', 'kms:DescribeKey']).toEqual(expect.arrayContaining(on(id.tableKey)));
        }
      }

      // Workflows.
      for (const [workflow, stateMachineId] of Object.entries(id.stateMachine) as [WorkflowName, string][]) {
        const starts = access.startWorkflows?.includes(workflow) ?? false;
        const callsBack = access.callbackWorkflows?.includes(workflow) ?? false;
        const allowed = on(stateMachineId);
        if (starts) expect(allowed).toContain('states:StartExecution');
        else expect(allowed).not.toContain('states:StartExecution');
        if (callsBack) expect(allowed).toEqual(expect.arrayContaining(TASK_RESPONSE));
        else for (const action of TASK_RESPONSE) expect(allowed).not.toContain(action);
      }
      if (!access.startWorkflows?.length) expect(all).not.toContain('states:StartExecution');
      if (!access.callbackWorkflows?.length) expect(all).not.toContain('states:SendTaskSuccess');

      // Personal-information key: data keys and decryption, nothing else.
      if (access.piiKey) expect(on(id.piiKey).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      else expect(on(id.piiKey)).toEqual([]);

      // Events.
      if (access.events) expect(on(id.bus)).toEqual(['events:PutEvents']);
      else expect(all.filter((action) => action.startsWith('events:'))).toEqual([]);

      // Evidence documents: objects under cohorts/ only, and only what the function's URLs or reads
      // need; a kept file (a contribution file) under imports/ only, put and nothing else.
      const uses = new Set(access.documents ?? []);
      const s3 = statements.filter((statement) => actionsOf(statement).some((a) => a.startsWith('s3:')));
      const kept = s3.filter((statement) => JSON.stringify(statement.Resource).includes('/imports/*'));
      for (const statement of s3.filter((statement) => !kept.includes(statement)))
        expect(JSON.stringify(statement.Resource)).toContain('/cohorts/*');
      expect(kept.flatMap(actionsOf)).toEqual(uses.has('keep') ? ['s3:PutObject'] : []);
      const expectedS3 = [
        ...(uses.has('upload') ? ['s3:PutObject'] : []),
        ...(uses.has('download') || uses.has('inspect') ? ['s3:GetObject'] : []),
      ];
      expect(
        s3
          .filter((statement) => !kept.includes(statement))
          .flatMap(actionsOf)
          .sort(),
      ).toEqual(expectedS3.sort());
      const expectedKey = [
        ...(uses.has('upload') || uses.has('keep') ? ['kms:GenerateDataKey'] : []),
        ...(uses.has('download') ? ['kms:Decrypt'] : []),
      ];
      expect(on(id.documentsKey).sort()).toEqual(expectedKey.sort());
      const variables = template.findResources('AWS::Lambda::Function')[id.fn(spec.name)]!.Properties
        .Environment.Variables as Record<string, unknown>;
      expect(variables[ENVIRONMENT.documentsBucket] !== undefined).toBe(uses.size > 0);
    });

    it('has no managed policy but basic execution (logs)', () => {
      const role = template.findResources('AWS::IAM::Role')[id.role(spec.name)]!;
      const managed = JSON.stringify(role.Properties.ManagedPolicyArns ?? []);
      expect(managed).toContain('service-role/AWSLambdaBasicExecutionRole');
      expect((role.Properties.ManagedPolicyArns ?? []).length).toBe(1);
    });
  });
});
