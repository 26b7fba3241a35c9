/**
 * Signing in and out. The console holds one ID token per browser tab (sessionStorage), the token
 * the API's JWT authorizer checks: Cognito's ID token on AWS (it carries `cognito:groups` and
 * `custom:org`), the dev issuer's look-alike in the embedded runtime.
 */
import type { ConsoleConfig } from './config.ts';
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

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Reads who the token names; the API verifies it, the console only shows it. */
export function sessionFromToken(token: string): Session {
  const payload = JSON.parse(base64UrlDecode(token.split('.')[1] ?? '')) as Record<string, unknown>;
  const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as unknown[]) : [];
  const role = ROLES.find((candidate) => groups.includes(candidate));
  const orgId = payload['custom:org'];
  if (!role || typeof orgId !== 'string') throw new SignInFailed('the token names no role or organisation');
  const username = String(payload['cognito:username'] ?? payload.sub ?? '');
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

/** Embedded runtime only: a token for a seeded user from the dev issuer (`POST /dev/token`). */
export async function signInAsDemoUser(config: ConsoleConfig, username: string): Promise<Session> {
  const response = await fetch(`${config.apiUrl}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: username }),
  });
  if (!response.ok) throw new SignInFailed(`the dev issuer answered ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  return keep(sessionFromToken(token));
}

/** AWS: off to Cognito's hosted sign-in with a PKCE challenge; comes back to `redirectPath`. */
export async function startHostedSignIn(config: ConsoleConfig, returnTo: string): Promise<void> {
  if (config.auth.kind !== 'cognito') throw new SignInFailed('no hosted sign-in is configured');
  const verifier = base64UrlEncode(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64UrlEncode(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64UrlEncode(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.auth.clientId,
    redirect_uri: `${location.origin}${config.auth.redirectPath}`,
    scope: config.auth.scopes.join(' '),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`${config.auth.domain}/oauth2/authorize?${query}`);
}

/** AWS: trades the authorization code (and the PKCE verifier) for tokens; returns where to go next. */
export async function completeHostedSignIn(
  config: ConsoleConfig,
  url: URL,
): Promise<{ session: Session; returnTo: string }> {
  if (config.auth.kind !== 'cognito') throw new SignInFailed('no hosted sign-in is configured');
  const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PKCE_KEY);
  const code = url.searchParams.get('code');
  if (!pending || !code || url.searchParams.get('state') !== pending.state) {
    throw new SignInFailed(url.searchParams.get('error_description') ?? 'the sign-in answer does not match');
  }
  const response = await fetch(`${config.auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.auth.clientId,
      code,
      redirect_uri: `${location.origin}${config.auth.redirectPath}`,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new SignInFailed(`the token endpoint answered ${response.status}`);
  const tokens = (await response.json()) as { id_token: string };
  return { session: keep(sessionFromToken(tokens.id_token)), returnTo: pending.returnTo };
}

/** Forgets the token; on AWS also ends the hosted sign-in session. */
export function signOut(config: ConsoleConfig): void {
  forgetSession();
  forgetDrafts();
  if (config.auth.kind === 'cognito') {
    const query = new URLSearchParams({ client_id: config.auth.clientId, logout_uri: `${location.origin}/` });
    location.assign(`${config.auth.domain}/logout?${query}`);
  }
}
