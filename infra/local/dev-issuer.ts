import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import type { ExtraRoute, JwtAuthorizerConfig } from './api-gateway/index.ts';
import { DEMO_USERS, type DemoUser } from './demo-register.ts';

/**
 * The embedded runtime's stand-in for the identity provider (Cognito or a bureau's own OIDC issuer):
 * it signs ID tokens for the seeded demo users with an RS256 key pair kept under
 * `<dataDir>/dev-issuer/key.json`, so tokens printed by `npm run token` stay valid across restarts
 * of `npm start` (until they expire). The console signs in through it by OIDC discovery, as it does
 * through any issuer on AWS: `dev-issuer-server.ts` speaks the protocol with the same key and claims.
 *
 * Never deployed: on AWS, the identity provider issues the tokens and API Gateway's JWT authorizer
 * verifies them against its JWKS. Here the local API gateway verifies them against `jwks()`, just as
 * strictly.
 *
 * `DEV_ISSUER` is the identifier of a dev issuer that serves no discovery document (tests that mint tokens
 * offline, `test/support/security.ts`). The runtime's own issuer is where it listens
 * (`http://127.0.0.1:<PORT+4>`), since OIDC discovery needs the identifier to be that URL.
 */
export const DEV_ISSUER = 'https://dev-issuer.apprenticeflow.local';
export const DEV_AUDIENCE = 'apprenticeflow-dev-client';
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

const ALG = 'RS256';

/** Asked for a token for a user the demo register does not have. */
export class UnknownDemoUser extends Error {
  override name = 'UnknownDemoUser';
  readonly knownUsernames: readonly string[] = DEMO_USERS.map((user) => user.username);
  constructor(readonly username: string) {
    super(
      `Unknown demo user "${username}". Known users: ${DEMO_USERS.map((user) => user.username).join(', ')}`,
    );
  }
}

/** `key.json` exists but cannot be used; deleting it makes a new key pair (old tokens stop working). */
export class DevIssuerKeyUnreadable extends Error {
  override name = 'DevIssuerKeyUnreadable';
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`The dev issuer key ${file} is unusable (${reason}). Delete it to create a new key pair.`, options);
  }
}

export interface IssueTokenOptions {
  /** Lifetime from now; default one hour, as Cognito's default ID token validity. */
  expiresInSeconds?: number;
}

export interface DevIssuer {
  /** The issuer identifier: the `iss` of its tokens, the one the API trusts. */
  issuer: string;
  /** A signed ID token for a seeded demo user, with the claims Cognito puts in one. */
  issueToken(username: string, options?: IssueTokenOptions): Promise<string>;
  /** The public key set, as Cognito serves it at `/.well-known/jwks.json`. */
  jwks(): JSONWebKeySet;
  /** What the local API gateway's JWT authorizer needs to verify these tokens. */
  verifier: JwtAuthorizerConfig;
  /** `kid` of the signing key (the key's RFC 7638 thumbprint). */
  kid: string;
  /** Where the key pair is kept. */
  keyFile: string;
  /** The private signing key (with `kid`, `alg`, `use`), for the OIDC endpoints that sign with it. */
  signingJwk: JWK;
}

/**
 * Where a token carries the role and the organisation: Cognito's names unless the environment names
 * others (`ROLES_CLAIM`, `ORG_CLAIM`, as the stack passes a bureau issuer's claim names to the API).
 */
export function devClaimNames(env: NodeJS.ProcessEnv = process.env): { roles: string; org: string } {
  return { roles: env.ROLES_CLAIM || 'cognito:groups', org: env.ORG_CLAIM || 'custom:org' };
}

/** Who a demo user is, in the claims of a Cognito user-pool ID token (role and org claims as named). */
export function demoUserClaims(user: DemoUser): Record<string, unknown> {
  const names = devClaimNames();
  return {
    sub: user.sub,
    'cognito:username': user.username,
    // Cognito writes every group the user is in; each demo user is in exactly one (its role).
    [names.roles]: [user.role],
    [names.org]: user.orgId,
    name: user.displayName,
    token_use: 'id',
  };
}

/** The claims of an ID token as the dev issuer writes them: the user's, and the token's own. */
export interface DevIdTokenClaims extends Record<string, unknown> {
  sub: string;
  'cognito:username': string;
  name: string;
  token_use: 'id';
  auth_time: number;
  jti: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

interface StoredKey {
  kid: string;
  alg: typeof ALG;
  createdAt: string;
  privateJwk: JWK;
}

export async function createDevIssuer(
  options: { dataDir?: string /** Default `DEV_ISSUER`. */; issuer?: string } = {},
): Promise<DevIssuer> {
  const issuerId = options.issuer ?? DEV_ISSUER;
  const keyFile = join(resolve(options.dataDir ?? '.data'), 'dev-issuer', 'key.json');
  const stored = await loadOrCreateKey(keyFile);
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK(stored.privateJwk, ALG)) as CryptoKey;
  } catch (error) {
    throw new DevIssuerKeyUnreadable(keyFile, 'the private key does not import', { cause: error });
  }
  const publicJwk = publicPart(stored.privateJwk, stored.kid);
  const jwks = (): JSONWebKeySet => ({ keys: [{ ...publicJwk }] });

  return {
    issuer: issuerId,
    kid: stored.kid,
    keyFile,
    jwks,
    signingJwk: { ...stored.privateJwk, kid: stored.kid, alg: ALG, use: 'sig' },
    verifier: { jwks: jwks(), issuer: issuerId, audience: DEV_AUDIENCE },
    async issueToken(username, { expiresInSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS } = {}) {
      const user = DEMO_USERS.find((candidate) => candidate.username === username);
      if (!user) throw new UnknownDemoUser(username);
      if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0) {
        throw new RangeError(`expiresInSeconds must be a positive whole number, got ${expiresInSeconds}`);
      }
      // Real wall clock, never the app clock (`shared/adapters/clock.ts`): tokens are issued and
      // verified in real time even while tests move the app clock years ahead, as on AWS.
      const now = Math.floor(Date.now() / 1000);
      const claims = idTokenClaims(user, issuerId, now, expiresInSeconds);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: ALG, kid: stored.kid, typ: 'JWT' })
        .sign(privateKey);
    },
  };
}

function idTokenClaims(
  user: DemoUser,
  issuer: string,
  now: number,
  lifetimeSeconds: number,
): DevIdTokenClaims {
  return {
    ...(demoUserClaims(user) as Pick<DevIdTokenClaims, 'sub' | 'cognito:username' | 'name' | 'token_use'>),
    auth_time: now,
    jti: randomUUID(),
    iss: issuer,
    aud: DEV_AUDIENCE,
    iat: now,
    exp: now + lifetimeSeconds,
  };
}

function publicPart(privateJwk: JWK, kid: string): JWK {
  const { kty, n, e } = privateJwk;
  return { kty, n, e, kid, alg: ALG, use: 'sig' };
}

async function loadOrCreateKey(keyFile: string): Promise<StoredKey> {
  const existing = await readStoredKey(keyFile);
  if (existing) return existing;

  await mkdir(join(keyFile, '..'), { recursive: true, mode: 0o700 });
  const fresh = await generateStoredKey();
  // Write to a private temporary file, then hard-link it into place: the link either creates
  // key.json whole or fails because another process (the server, `npm run token`, a parallel test)
  // got there first — in which case everyone uses that one.
  const temporary = `${keyFile}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, keyFile);
    return fresh;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      const winner = await readStoredKey(keyFile);
      if (winner) return winner;
    }
    // File systems without hard links: exclusive create, not atomic but still never overwriting.
    await writeFile(keyFile, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return fresh;
  } finally {
    await rm(temporary, { force: true });
  }
}

async function readStoredKey(keyFile: string): Promise<StoredKey | undefined> {
  let text: string;
  try {
    text = await readFile(keyFile, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DevIssuerKeyUnreadable(keyFile, 'not JSON', { cause: error });
  }
  const candidate = parsed as Partial<StoredKey> | null;
  const jwk = candidate?.privateJwk;
  if (
    typeof candidate?.kid !== 'string' ||
    candidate.alg !== ALG ||
    typeof jwk !== 'object' ||
    jwk === null ||
    jwk.kty !== 'RSA' ||
    typeof jwk.n !== 'string' ||
    typeof jwk.e !== 'string' ||
    typeof jwk.d !== 'string'
  ) {
    throw new DevIssuerKeyUnreadable(keyFile, 'not an RS256 private key written by the dev issuer');
  }
  return {
    kid: candidate.kid,
    alg: ALG,
    createdAt: String(candidate.createdAt ?? ''),
    privateJwk: jwk,
  };
}

async function generateStoredKey(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: privateJwk.n, e: privateJwk.e });
  return { kid, alg: ALG, createdAt: new Date().toISOString(), privateJwk };
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/**
 * The embedded-runtime-only endpoints of the dev issuer, for `startApiGateway({ extraRoutes })`.
 * They bypass the authorizer and are never deployed:
 * - `POST /dev/token {"user":"ent-a-clerk"}` → `{"token","tokenType":"Bearer","expiresIn",...}`
 * - `GET /.well-known/jwks.json` → the public key set, as Cognito serves its pool's.
 */
export function devIssuerRoutes(issuer: DevIssuer): ExtraRoute[] {
  return [
    {
      method: 'POST',
      path: '/dev/token',
      async handle(request) {
        let user: unknown;
        try {
          const parsed: unknown = JSON.parse(request.body || '{}');
          user = (parsed as { user?: unknown } | null)?.user;
        } catch {
          return problem(400, 'Invalid input', 'The body must be JSON: {"user":"<demo username>"}');
        }
        if (typeof user !== 'string' || user === '') {
          return problem(400, 'Invalid input', 'The body must be JSON: {"user":"<demo username>"}', [
            { path: 'user', message: 'required: a demo username' },
          ]);
        }
        try {
          const token = await issuer.issueToken(user);
          const demo = DEMO_USERS.find((candidate) => candidate.username === user)!;
          return json(200, {
            token,
            tokenType: 'Bearer',
            expiresIn: DEFAULT_TOKEN_LIFETIME_SECONDS,
            username: demo.username,
            role: demo.role,
            orgId: demo.orgId,
          });
        } catch (error) {
          if (error instanceof UnknownDemoUser) {
            return problem(400, 'Invalid input', error.message, [
              { path: 'user', message: `unknown; one of ${error.knownUsernames.join(', ')}` },
            ]);
          }
          throw error;
        }
      },
    },
    {
      method: 'GET',
      path: '/.well-known/jwks.json',
      async handle() {
        return json(200, issuer.jwks());
      },
    },
  ];
}

function json(statusCode: number, body: unknown) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function problem(
  status: number,
  title: string,
  detail: string,
  errors?: { path: string; message: string }[],
) {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title, status, detail, ...(errors ? { errors } : {}) }),
  };
}
