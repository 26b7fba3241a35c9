import { Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import {
  CRYPTO_SUITES,
  type CryptoSuite,
  DEFAULT_ORG_CLAIM,
  DEFAULT_ROLES_CLAIM,
} from '../shared/adapters/config.ts';

/**
 * What the deployment is, from the stack's region and the CDK context (`cdk synth -c key=value`),
 * decided once so that the constructs follow one set of facts instead of each asking the region.
 *
 * The AWS China regions (partition `aws-cn`: Beijing cn-north-1, Ningxia cn-northwest-1) offer
 * neither Cognito user pools, nor CloudFront Functions or origin access control, nor X-Ray for
 * Lambda, and CloudFront there serves only on an ICP-recorded alternate domain with a certificate
 * uploaded to IAM. The stack refuses to synthesize there without what replaces them, naming the
 * context key that is missing.
 *
 * Context keys: `oidcIssuer`, `oidcAudience` (the console's client id at that issuer),
 * `oidcRolesClaim` (default `cognito:groups`), `oidcOrgClaim` (default `custom:org`),
 * `consoleDomain`, `consoleCertificateId` (an IAM server certificate id), `cryptoSuite`
 * (`gm` or `standard`; default `gm` in aws-cn, `standard` elsewhere).
 */
export interface Deployment {
  /** `aws`, `aws-cn`, … (CDK's region facts); `aws` when the region is not known at synth. */
  partition: string;
  /** Whether the partition is `aws-cn`. */
  china: boolean;
  /** Cognito (our own user pool) or any OIDC issuer the JWT authorizer trusts. */
  identity: { kind: 'cognito' } | { kind: 'oidc'; issuer: string; audience: string[] };
  /** The token claims of the role and the organisation (`ROLES_CLAIM`, `ORG_CLAIM` of every function). */
  claims: { roles: string; org: string };
  /** The console's alternate domain and its IAM server certificate; required in China. */
  consoleDomain: { name: string; iamCertificateId: string } | undefined;
  /** `CRYPTO_SUITE` of every function. */
  cryptoSuite: CryptoSuite;
  /** X-Ray active tracing of functions and state machines (not offered for Lambda in aws-cn). */
  tracing: boolean;
}

export const CHINA_PARTITION = 'aws-cn';

/** A synthesis the deployment cannot go ahead with; the message names the context key to set. */
export class DeploymentRefused extends Error {
  override name = 'DeploymentRefused';
  constructor(
    readonly contextKey: string,
    message: string,
  ) {
    super(`${message} (set it with: cdk synth -c ${contextKey}=…)`);
  }
}

export function deploymentOf(scope: Construct, region: string): Deployment {
  const context = (key: string): string | undefined => {
    const value: unknown = scope.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    return String(value);
  };
  const partition = Token.isUnresolved(region) ? 'aws' : (RegionInfo.get(region).partition ?? 'aws');
  const china = partition === CHINA_PARTITION;
  const where = `${region} (partition ${partition})`;

  const issuer = context('oidcIssuer');
  const audience = context('oidcAudience');
  if (china && !issuer) {
    throw new DeploymentRefused(
      'oidcIssuer',
      `A stack in ${where} needs oidcIssuer, the OIDC issuer its users sign in with: Cognito user pools are not offered there`,
    );
  }
  if (issuer && !/^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(issuer)) {
    throw new DeploymentRefused('oidcIssuer', `oidcIssuer must be an https URL, not "${issuer}"`);
  }
  if (issuer && !audience) {
    throw new DeploymentRefused(
      'oidcAudience',
      'oidcIssuer needs oidcAudience, the client id the console is registered with at that issuer',
    );
  }

  const domain = context('consoleDomain');
  const certificate = context('consoleCertificateId');
  if (china && !domain) {
    throw new DeploymentRefused(
      'consoleDomain',
      `A stack in ${where} needs consoleDomain, the console's ICP-recorded domain: CloudFront there does not serve on its default domain`,
    );
  }
  if (domain && !certificate) {
    throw new DeploymentRefused(
      'consoleCertificateId',
      `consoleDomain ${domain} needs consoleCertificateId, the id of its server certificate uploaded to IAM`,
    );
  }

  const suite = context('cryptoSuite') ?? (china ? 'gm' : 'standard');
  if (!(CRYPTO_SUITES as readonly string[]).includes(suite)) {
    throw new DeploymentRefused(
      'cryptoSuite',
      `cryptoSuite must be one of ${CRYPTO_SUITES.join(', ')}, not "${suite}"`,
    );
  }

  return {
    partition,
    china,
    identity: issuer && audience ? { kind: 'oidc', issuer, audience: [audience] } : { kind: 'cognito' },
    claims: {
      roles: context('oidcRolesClaim') ?? DEFAULT_ROLES_CLAIM,
      org: context('oidcOrgClaim') ?? DEFAULT_ORG_CLAIM,
    },
    consoleDomain: domain && certificate ? { name: domain, iamCertificateId: certificate } : undefined,
    cryptoSuite: suite as CryptoSuite,
    tracing: !china,
  };
}
