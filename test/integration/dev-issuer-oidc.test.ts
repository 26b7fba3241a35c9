import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeJwt } from '../../infra/local/api-gateway/index.ts';
import { demoUser } from '../../infra/local/demo-register.ts';
import { createDevIssuer, DEV_AUDIENCE, type DevIssuer } from '../../infra/local/dev-issuer.ts';
import { type RunningDevIssuerServer, startDevIssuerServer } from '../../infra/local/dev-issuer-server.ts';
import { freePort } from '../../infra/local/free-port.ts';

/**
 * The dev issuer speaks OpenID Connect as any issuer the console may be pointed at: discovery,
 * authorization code with PKCE (required), token, JWKS. Driven here by `oauth4webapi` — the library
 * the console signs in with — and a cookie-keeping HTTP client in place of the browser; the ID
 * token it hands out passes the embedded API's JWT authorizer (same key, same claims).
 */
const CONSOLE = 'http://127.0.0.1:39999';
const REDIRECT = `${CONSOLE}/auth/callback`;
const insecure = { [oauth.allowInsecureRequests]: true };

let dataDir: string;
let issuer: DevIssuer;
let server: RunningDevIssuerServer;

async function startIssuer() {
  const port = await freePort();
  const dev = await createDevIssuer({ dataDir, issuer: `http://127.0.0.1:${port}` });
  return {
    dev,
    server: await startDevIssuerServer(dev, { port, consoleOrigins: [CONSOLE], log: () => undefined }),
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apprenticeflow-oidc-'));
  ({ dev: issuer, server } = await startIssuer());
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A browser's part: follows the issuer's redirects with its cookies, stops at the console's callback. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      this.cookies.set(name!.trim(), value.join('='));
    }
    return response;
  }

  /** GETs until the answer is a page, or a redirect to the console. */
  async follow(url: string): Promise<{ url: string; response: Response }> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      if (current.startsWith(CONSOLE)) return { url: current, response: new Response(null) };
      const response = await this.request(current);
      const location = response.headers.get('location');
      if (!location) return { url: current, response };
      current = new URL(location, current).href;
    }
    throw new Error('too many redirects');
  }
}

async function discover(identifier = issuer.issuer) {
  const url = new URL(identifier);
  return oauth.processDiscoveryResponse(
    url,
    await oauth.discoveryRequest(url, { algorithm: 'oidc', ...insecure }),
  );
}

/** The console's half of the code flow, with `oauth4webapi` as in web/src/session.ts. */
async function signIn(username: string, options: { pkce?: boolean } = {}) {
  const as = await discover();
  const client = { client_id: DEV_AUDIENCE };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const authorize = new URL(as.authorization_endpoint!);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: DEV_AUDIENCE,
    redirect_uri: REDIRECT,
    scope: 'openid',
    state,
    nonce,
    ...(options.pkce === false
      ? {}
      : { code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }),
  }).toString();
  const browser = new Browser();
  const page = await browser.follow(authorize.href);
  if (page.url.startsWith(CONSOLE))
    return { as, client, callback: new URL(page.url), verifier, state, nonce };
  const html = await page.response.text();
  expect(page.response.status, html).toBe(200);
  expect(html).toContain('<html lang="zh-CN">');
  expect(html).toContain(`data-user="${username}"`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
  const picked = await browser.request(new URL(action, page.url).href, {
    method: 'POST',
    form: { user: username },
  });
  const back = await browser.follow(new URL(picked.headers.get('location')!, page.url).href);
  return { as, client, callback: new URL(back.url), verifier, state, nonce, browser };
}

async function tokensFor(username: string) {
  const { as, client, callback, verifier, state, nonce } = await signIn(username);
  const parameters = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    parameters,
    REDIRECT,
    verifier,
    insecure,
  );
  return oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: nonce,
    requireIdToken: true,
  });
}

describe('the dev issuer over OpenID Connect', () => {
  it('publishes discovery at its identifier: code flow with S256 PKCE, RS256, its JWKS and logout', async () => {
    const as = await discover();
    expect(as.issuer).toBe(server.url);
    expect(as).toMatchObject({
      authorization_endpoint: `${server.url}/auth`,
      token_endpoint: `${server.url}/token`,
      jwks_uri: `${server.url}/jwks`,
      end_session_endpoint: `${server.url}/session/end`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: expect.arrayContaining(['RS256']),
    });
    const jwks = (await (await fetch(as.jwks_uri!)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toEqual([issuer.kid]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  it('signs a picked demo user in; the ID token passes the API authorizer with Cognito’s claims', async () => {
    const tokens = await tokensFor('ent-a-clerk');
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    const user = demoUser('ent-a-clerk');
    expect(claims).toMatchObject({
      iss: server.url,
      aud: DEV_AUDIENCE,
      sub: user.sub,
      'cognito:username': 'ent-a-clerk',
      'cognito:groups': ['enterprise.clerk'],
      'custom:org': user.orgId,
      name: user.displayName,
      token_use: 'id',
    });
    const verdict = await authorizeJwt(
      `Bearer ${tokens.id_token}`,
      issuer.verifier,
      createLocalJWKSet(issuer.verifier.jwks),
    );
    expect(verdict).toMatchObject({ ok: true, claims: { 'cognito:username': 'ent-a-clerk' } });
  });

  it('asks whom to sign in as every time, even with a session of the issuer', async () => {
    const first = await signIn('bureau-reviewer');
    const again = new URL(first.as.authorization_endpoint!);
    again.search = new URLSearchParams({
      response_type: 'code',
      client_id: DEV_AUDIENCE,
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString();
    const page = await first.browser!.follow(again.href);
    expect(page.url).toMatch(new RegExp(`^${server.url}/interaction/`));
  });

  it('refuses a request without PKCE, and a redirect URI it does not know', async () => {
    const { callback } = await signIn('ent-a-clerk', { pkce: false });
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);

    const as = await discover();
    const foreign = new URL(as.authorization_endpoint!);
    foreign.search = new URLSearchParams({
      response_type: 'code',
      client_id: DEV_AUDIENCE,
      redirect_uri: 'http://127.0.0.1:1/auth/callback',
      scope: 'openid',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString();
    const refused = await fetch(foreign, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('redirect_uri');
  });

  it('writes the role and organisation under ROLES_CLAIM and ORG_CLAIM when the environment names them', async () => {
    process.env.ROLES_CLAIM = 'roles';
    process.env.ORG_CLAIM = 'org_code';
    const renamed = await startIssuer();
    try {
      const as = await discover(renamed.dev.issuer);
      expect(as.claims_supported).toEqual(expect.arrayContaining(['roles', 'org_code']));
      const minted = await renamed.dev.issueToken('school-a-registrar');
      const payload = JSON.parse(Buffer.from(minted.split('.')[1]!, 'base64url').toString('utf8'));
      expect(payload).toMatchObject({
        roles: ['school.registrar'],
        org_code: demoUser('school-a-registrar').orgId,
      });
      expect(payload).not.toHaveProperty('cognito:groups');
      expect(payload).not.toHaveProperty('custom:org');
    } finally {
      delete process.env.ROLES_CLAIM;
      delete process.env.ORG_CLAIM;
      await renamed.server.close();
    }
  });
});
