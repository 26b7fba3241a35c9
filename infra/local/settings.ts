import {
  CRYPTO_SUITES,
  type CryptoSuite,
  DEFAULT_ORG_CLAIM,
  DEFAULT_ROLES_CLAIM,
  ENVIRONMENT,
} from '../../shared/adapters/config.ts';

/**
 * The embedded runtime's own environment (`npm start`, the scripts that talk to it): where it
 * listens and keeps its data. What its functions read is the functions' environment, named in
 * shared/adapters/config.ts; these are never set on AWS, so they stay out of shared/.
 */
export const LOCAL_ENVIRONMENT = {
  /** The API; the stand-ins follow at PORT+1, +2, +3 unless the variables below say otherwise. */
  port: 'PORT',
  dataDir: 'DATA_DIR',
  dynamodbPort: 'DYNAMODB_PORT',
  stepFunctionsPort: 'STEPFUNCTIONS_PORT',
  objectStoragePort: 'OBJECT_STORAGE_PORT',
  /** The dev issuer (OIDC discovery, sign-in, token, JWKS); default PORT+4. */
  issuerPort: 'ISSUER_PORT',
} as const;

export interface LocalSettings {
  port: number;
  /** Undefined: `.data` beside the project. */
  dataDir: string | undefined;
  dynamodbPort: number | undefined;
  stepFunctionsPort: number | undefined;
  objectStoragePort: number | undefined;
  issuerPort: number | undefined;
  /**
   * What the functions get as ROLES_CLAIM, ORG_CLAIM and CRYPTO_SUITE: `npm start` honours the
   * variables the stack sets on AWS (shared/adapters/config.ts), with the same defaults.
   */
  claims: { roles: string; org: string };
  cryptoSuite: CryptoSuite;
}

export function localSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  const optionalPort = (name: string) => (env[name] ? Number(env[name]) : undefined);
  return {
    port: Number(env[LOCAL_ENVIRONMENT.port] ?? 3000),
    dataDir: env[LOCAL_ENVIRONMENT.dataDir],
    dynamodbPort: optionalPort(LOCAL_ENVIRONMENT.dynamodbPort),
    stepFunctionsPort: optionalPort(LOCAL_ENVIRONMENT.stepFunctionsPort),
    objectStoragePort: optionalPort(LOCAL_ENVIRONMENT.objectStoragePort),
    issuerPort: optionalPort(LOCAL_ENVIRONMENT.issuerPort),
    claims: {
      roles: env[ENVIRONMENT.rolesClaim] || DEFAULT_ROLES_CLAIM,
      org: env[ENVIRONMENT.orgClaim] || DEFAULT_ORG_CLAIM,
    },
    cryptoSuite: cryptoSuiteOf(env[ENVIRONMENT.cryptoSuite]),
  };
}

/**
 * The dev issuer's identifier: where it listens, since OIDC discovery needs the identifier to be
 * the URL its `/.well-known/openid-configuration` is under. `npm start` and `npm run token` both
 * derive it from here, so a printed token names the issuer the running server trusts.
 */
export function devIssuerUrl(settings: Pick<LocalSettings, 'port' | 'issuerPort'>): string {
  return `http://127.0.0.1:${settings.issuerPort ?? settings.port + 4}`;
}

function cryptoSuiteOf(value: string | undefined): CryptoSuite {
  if (!value) return 'standard';
  if (!(CRYPTO_SUITES as readonly string[]).includes(value)) {
    throw new Error(`${ENVIRONMENT.cryptoSuite} must be one of ${CRYPTO_SUITES.join(', ')}, not "${value}"`);
  }
  return value as CryptoSuite;
}
