import type { WorkflowName } from '../domain/ports.ts';

/**
 * A function's environment, in one place: the names of its variables, how they are filled
 * (`functionEnvironment`: CDK with the stack's resources, the embedded runtime with its stand-ins)
 * and their typed reader (the functions below, for the adapters). No other module spells one of these names.
 *
 * It lives with the adapters, not the domain: the domain never reads the environment
 * (architecture.md, the walls), and CDK may import it because it imports nothing but a type.
 */
export const ENVIRONMENT = {
  serviceName: 'SERVICE_NAME',
  logLevel: 'LOG_LEVEL',
  tableName: 'TABLE_NAME',
  /** KMS key of personal data (on AWS). */
  piiKeyId: 'PII_KEY_ID',
  /** The local key file of personal data (embedded runtime only). */
  piiKeyFile: 'PII_KEY_FILE',
  eventBusName: 'EVENT_BUS_NAME',
  documentsBucket: 'DOCUMENTS_BUCKET',
  /** `1`: the SDK middleware counts DynamoDB requests (bench and request-budget test only). */
  countDynamoDbRequests: 'COUNT_DYNAMODB_REQUESTS',
  /** The token claim that carries the caller's role (default `cognito:groups`). */
  rolesClaim: 'ROLES_CLAIM',
  /** The token claim that carries the caller's organisation (default `custom:org`). */
  orgClaim: 'ORG_CLAIM',
  /** `gm` (SM4/SM3) or `standard` (AES-256-GCM/SHA-256): what new personal fields and audit records are sealed with. */
  cryptoSuite: 'CRYPTO_SUITE',
} as const;

/** The cryptographic suites (issue 18): `gm` is China's commercial cryptography (国密), `standard` the default elsewhere. */
export const CRYPTO_SUITES = ['standard', 'gm'] as const;
export type CryptoSuite = (typeof CRYPTO_SUITES)[number];

/** The claims Cognito puts its groups and the custom attribute in; any OIDC issuer may name others. */
export const DEFAULT_ROLES_CLAIM = 'cognito:groups';
export const DEFAULT_ORG_CLAIM = 'custom:org';

/**
 * The SDK's own variables: Lambda sets them on AWS; the embedded runtime sets them to its
 * stand-ins (the endpoints), which is the only difference between the two (architecture.md).
 */
export const AWS_ENVIRONMENT = {
  region: 'AWS_REGION',
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  endpoint: 'AWS_ENDPOINT_URL',
  dynamodbEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  stepFunctionsEndpoint: 'AWS_ENDPOINT_URL_SFN',
  s3Endpoint: 'AWS_ENDPOINT_URL_S3',
  eventBridgeEndpoint: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
} as const;

/** `cohort-filing` → `COHORT_FILING_STATE_MACHINE_ARN`. */
export function stateMachineArnVariable(workflow: WorkflowName): string {
  return `${workflow.toUpperCase().replaceAll('-', '_')}_STATE_MACHINE_ARN`;
}

/** What a function is given; a value left undefined is not set. */
export interface FunctionEnvironment {
  serviceName?: string;
  logLevel?: string;
  tableName?: string;
  piiKeyId?: string;
  piiKeyFile?: string;
  eventBusName?: string;
  documentsBucket?: string;
  rolesClaim?: string;
  orgClaim?: string;
  cryptoSuite?: CryptoSuite;
  stateMachineArns?: Partial<Record<WorkflowName, string>>;
}

/** The variables of a function's environment from their values (CDK passes tokens: they are strings too). */
export function functionEnvironment(values: FunctionEnvironment): Record<string, string> {
  const { stateMachineArns = {}, ...named } = values;
  const variables: Record<string, string> = {};
  for (const [field, value] of Object.entries(named)) {
    if (value !== undefined) variables[ENVIRONMENT[field as keyof typeof named]] = value;
  }
  for (const [workflow, arn] of Object.entries(stateMachineArns)) {
    if (arn !== undefined) variables[stateMachineArnVariable(workflow as WorkflowName)] = arn;
  }
  return variables;
}

const read = (name: string): string | undefined => process.env[name];

function required(name: string): string {
  const value = read(name);
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

// The typed reader: one function per setting (a bundle keeps only those its function calls), each
// reading when it is called, not when this module loads: the embedded runtime and the tests set
// the environment after the handlers' modules are imported. Use as `settings.tableName()`
// (`import * as settings from '…/config.ts'`).

export const serviceName = (): string => read(ENVIRONMENT.serviceName) ?? 'apprenticeflow';
/** Lower case, as written (the logger knows the levels); default `info`. */
export const logLevel = (): string => (read(ENVIRONMENT.logLevel) ?? 'info').toLowerCase();
export const tableName = (): string => required(ENVIRONMENT.tableName);
export const documentsBucket = (): string => required(ENVIRONMENT.documentsBucket);
/** Undefined: not configured (publishing then fails, naming the variable). */
export const eventBusName = (): string | undefined => read(ENVIRONMENT.eventBusName);
export const stateMachineArn = (workflow: WorkflowName): string | undefined =>
  read(stateMachineArnVariable(workflow));
export const countDynamoDbRequests = (): boolean => read(ENVIRONMENT.countDynamoDbRequests) === '1';
export const rolesClaim = (): string => read(ENVIRONMENT.rolesClaim) || DEFAULT_ROLES_CLAIM;
export const orgClaim = (): string => read(ENVIRONMENT.orgClaim) || DEFAULT_ORG_CLAIM;

/**
 * Default `standard`. Lenient on purpose (each byte counts in the bundles): the stack and the
 * embedded runtime refuse any other value before a function ever reads it (infra/deployment.ts,
 * infra/local/settings.ts).
 */
export const cryptoSuite = (): CryptoSuite => (read(ENVIRONMENT.cryptoSuite) === 'gm' ? 'gm' : 'standard');

/** What new audit records are hashed with under the suite in force. */
export const auditHashAlgorithm = (): 'sha256' | 'sm3' => (cryptoSuite() === 'gm' ? 'sm3' : 'sha256');
export const region = (): string => read(AWS_ENVIRONMENT.region) ?? 'us-east-1';
/** The S3 endpoint when it is not AWS's (the embedded runtime's stand-in). */
export const s3Endpoint = (): string | undefined =>
  read(AWS_ENVIRONMENT.s3Endpoint) ?? read(AWS_ENVIRONMENT.endpoint);

/** Where personal data's data keys come from: KMS on AWS, the local key file in the embedded runtime. */
export type PersonalDataKey = { kmsKeyId: string } | { keyFile: string };

export function personalDataKey(): PersonalDataKey {
  const kmsKeyId = read(ENVIRONMENT.piiKeyId);
  if (kmsKeyId) return { kmsKeyId };
  const keyFile = read(ENVIRONMENT.piiKeyFile);
  if (keyFile) return { keyFile };
  throw new Error(`Set ${ENVIRONMENT.piiKeyId} (KMS) or ${ENVIRONMENT.piiKeyFile} (embedded runtime)`);
}
