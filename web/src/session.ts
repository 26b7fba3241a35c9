/**
 * Signing in and out. The console holds one ID token per browser tab (sessionStorage), the token
 * the API's JWT authorizer checks. It gets it from whichever OIDC issuer `console-config.json` names
 * — Cognito on AWS, a bureau's identity provider, the embedded runtime's dev issuer — the same way:
 * discovery, then the authorization-code flow with PKCE, done by `oauth4webapi` (a certified
 * relying-party library; loaded only when someone signs in or out, so it stays out of the first load).
 */
import type { ConsoleConfig, SignInConfig } from './config.ts';
import type { Role } from './roles.ts';

export interface Session {
  token: string;
  username: string;
  displayName: string;
  role: Role;
  orgId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

const SESSION_KEY = 'af.session';
const PKCE_KEY = 'af.pkce';
const ROLES: readonly Role[] = [
  'enterprise.clerk',
  'enterprise.signatory',
  'school.registrar',
  'bureau.reviewer',
  'bureau.treasurer',
  'bureau.admin',
  'city.admin',
];

export class SignInFailed extends Error {
  override name = 'SignInFailed';
}

function base64UrlDecode(text: string): string {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** A claim that lists values: a JSON array, or one space-separated string (as some issuers write it). */
function listClaim(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}

/** Reads who the token names, through the claims the config names; the API verifies it, the console only shows it. */
export function sessionFromToken(
  token: string,
  claims: Pick<SignInConfig, 'rolesClaim' | 'orgClaim'> = {},
): Session {
  const payload = JSON.parse(base64UrlDecode(token.split('.')[1] ?? '')) as Record<string, unknown>;
  const groups = listClaim(payload[claims.rolesClaim ?? 'cognito:groups']);
  const role = ROLES.find((candidate) => groups.includes(candidate));
  const orgId = payload[claims.orgClaim ?? 'custom:org'];
  if (!role || typeof orgId !== 'string') throw new SignInFailed('the token names no role or organisation');
  const username = String(payload['cognito:username'] ?? payload.preferred_username ?? payload.sub ?? '');
  return {
    token,
    username,
    displayName: String(payload.name ?? username),
    role,
    orgId,
    expiresAt: Number(payload.exp ?? 0),
  };
}

export function readSession(): Session | undefined {
  try {
    const stored = sessionStorage.getItem(SESSION_KEY);
    if (!stored) return undefined;
    const session = JSON.parse(stored) as Session;
    if (session.expiresAt * 1000 <= Date.now() + 30_000) {
      sessionStorage.removeItem(SESSION_KEY);
      return undefined;
    }
    return session;
  } catch {
    return undefined;
  }
}

function keep(session: Session): Session {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

export function forgetSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** Drafts kept in this tab (a roster holds ID numbers): gone when the person signs out. */
export function forgetDrafts(): void {
  for (const key of Object.keys(sessionStorage))
    if (key.startsWith('af.draft.')) sessionStorage.removeItem(key);
}

type OAuth = typeof import('oauth4webapi');

const loadOAuth = (): Promise<OAuth> => import('oauth4webapi');

/**
 * TLS everywhere but on loopback: the embedded runtime's dev issuer speaks plain HTTP on 127.0.0.1,
 * and only there does the console let `oauth4webapi` talk to an `http:` issuer.
 */
function transport(oauth: OAuth, issuer: URL) {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  return issuer.protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

/** The issuer's endpoints, from its discovery document (whose `issuer` must be the configured one). */
async function discover(oauth: OAuth, auth: SignInConfig) {
  const issuer = new URL(auth.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...transport(oauth, issuer) });
  return oauth.processDiscoveryResponse(issuer, response);
}

const redirectUri = (auth: SignInConfig) => `${location.origin}${auth.redirectPath}`;

/** What went wrong, in the issuer's words where it gave some. */
function failure(error: unknown): SignInFailed {
  if (error instanceof SignInFailed) return error;
  const described = error as { error_description?: unknown; error?: unknown; message?: unknown };
  const reason = described?.error_description ?? described?.error ?? described?.message ?? error;
  return new SignInFailed(String(reason), { cause: error });
}

/** Off to the issuer's sign-in page with a PKCE challenge; it comes back to `redirectPath`. */
export async function startSignIn(config: ConsoleConfig, returnTo: string, lang?: string): Promise<void> {
  try {
    const oauth = await loadOAuth();
    const as = await discover(oauth, config.auth);
    if (!as.authorization_endpoint) throw new SignInFailed('the issuer names no authorization endpoint');
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, nonce, returnTo }));
    const url = new URL(as.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.auth.clientId,
      redirect_uri: redirectUri(config.auth),
      scope: config.auth.scopes.join(' '),
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...(lang ? { ui_locales: lang } : {}),
    }).toString();
    location.assign(url.href);
  } catch (error) {
    throw failure(error);
  }
}

/** Back from the issuer: trades the code (and the PKCE verifier) for tokens; returns where to go next. */
export async function completeSignIn(
  config: ConsoleConfig,
  url: URL,
): Promise<{ session: Session; returnTo: string }> {
  const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    nonce: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PKCE_KEY);
  if (!pending) {
    throw new SignInFailed(url.searchParams.get('error_description') ?? 'the sign-in answer does not match');
  }
  try {
    const oauth = await loadOAuth();
    const as = await discover(oauth, config.auth);
    const client = { client_id: config.auth.clientId };
    const parameters = oauth.validateAuthResponse(as, client, url, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      parameters,
      redirectUri(config.auth),
      pending.verifier,
      transport(oauth, new URL(config.auth.issuer)),
    );
    // Checks the ID token's issuer, audience, lifetime and nonce; the API checks its signature.
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    return { session: keep(sessionFromToken(tokens.id_token!, config.auth)), returnTo: pending.returnTo };
  } catch (error) {
    throw failure(error);
  }
}

/**
 * Forgets the token and ends the issuer's session: at its `end_session_endpoint` (RP-initiated
 * logout) when discovery names one, else at `logoutUrl` (Cognito's hosted `/logout`).
 */
export async function signOut(config: ConsoleConfig): Promise<void> {
  const idToken = readStoredToken();
  forgetSession();
  forgetDrafts();
  const back = `${location.origin}/`;
  let endSession: string | undefined;
  try {
    const oauth = await loadOAuth();
    endSession = (await discover(oauth, config.auth)).end_session_endpoint;
  } catch {
    // The issuer cannot be reached: the token is gone from this tab all the same.
  }
  if (endSession) {
    const url = new URL(endSession);
    url.search = new URLSearchParams({
      client_id: config.auth.clientId,
      post_logout_redirect_uri: back,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).toString();
    location.assign(url.href);
  } else if (config.auth.logoutUrl) {
    const url = new URL(config.auth.logoutUrl);
    url.search = new URLSearchParams({ client_id: config.auth.clientId, logout_uri: back }).toString();
    location.assign(url.href);
  }
}

function readStoredToken(): string | undefined {
  try {
    return (JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null)?.token;
  } catch {
    return undefined;
  }
}
