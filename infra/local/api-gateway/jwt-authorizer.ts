import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';

/** Tolerance for `nbf`/`iat` a little in the future (clock skew between issuer and gateway). */
const CLOCK_SKEW_SECONDS = 5;

/** What the JWT authorizer checks tokens against (API Gateway's `jwtConfiguration` + the issuer's JWKS). */
export interface JwtAuthorizerConfig {
  jwks: JSONWebKeySet;
  issuer: string;
  /** Tokens must name one of these in `aud` (or, without `aud`, in `client_id`). */
  audience: string | readonly string[];
}

// ---------------------------------------------------------------------------------------------
// The JWT authorizer.
// ---------------------------------------------------------------------------------------------

export type JwtAuthorization = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Checks an `Authorization` header value as API Gateway's JWT authorizer does: the token alone or
 * prefixed with `Bearer`; RS256 only (API Gateway accepts only RSA algorithms, which rules out
 * `none` and the HS256-keyed-with-the-public-key trick); a `kid` naming a key of the JWKS; a valid
 * signature; `iss` exactly the issuer; `aud` naming one of the audiences (`client_id` only when
 * there is no `aud`); `exp` after now; `nbf` and `iat`, when present, not after now.
 *
 * `nowMs` is the REAL wall clock, never the app clock (`shared/adapters/clock.ts`): tokens are
 * issued and verified in real time even while tests move the app clock years ahead, exactly as
 * Cognito and API Gateway keep real time while the app's own notion of "today" is a test fixture.
 */
export async function authorizeJwt(
  authorization: string | undefined,
  config: JwtAuthorizerConfig,
  keySet: ReturnType<typeof createLocalJWKSet> = createLocalJWKSet(config.jwks),
  nowMs: number = Date.now(),
): Promise<JwtAuthorization> {
  const value = authorization?.trim() ?? '';
  if (value === '') return { ok: false, reason: 'no token' };
  const token = /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value;

  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { ok: false, reason: 'the token is not a valid JWT' };
  }
  if (header.alg !== 'RS256') return { ok: false, reason: `signing method ${String(header.alg)} is invalid` };
  if (typeof header.kid !== 'string' || !config.jwks.keys.some((key) => key.kid === header.kid)) {
    return { ok: false, reason: 'the token has no kid known to the issuer' };
  }

  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(token, keySet, { algorithms: ['RS256'] }));
  } catch {
    return { ok: false, reason: 'the token does not have a valid signature' };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(payloadBytes));
  } catch {
    return { ok: false, reason: 'the token payload is not JSON' };
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    return { ok: false, reason: 'the token payload is not a claims object' };
  }
  const payload = claims as Record<string, unknown>;

  if (payload.iss !== config.issuer) return { ok: false, reason: 'the token does not have a valid issuer' };

  const audiences: readonly string[] =
    typeof config.audience === 'string' ? [config.audience] : config.audience;
  if ('aud' in payload) {
    const aud = payload.aud;
    const named = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!named.some((entry) => typeof entry === 'string' && audiences.includes(entry))) {
      return { ok: false, reason: 'the token does not have a valid audience' };
    }
  } else if (typeof payload.client_id !== 'string' || !audiences.includes(payload.client_id)) {
    return { ok: false, reason: 'the token does not have a valid audience' };
  }

  const now = nowMs / 1000;
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
    return { ok: false, reason: 'the token has no expiry' };
  }
  if (payload.exp <= now) return { ok: false, reason: 'the token has expired' };
  for (const claim of ['nbf', 'iat'] as const) {
    if (!(claim in payload)) continue;
    const at = payload[claim];
    if (typeof at !== 'number' || !Number.isFinite(at))
      return { ok: false, reason: `the token's ${claim} is invalid` };
    if (at > now + CLOCK_SKEW_SECONDS) return { ok: false, reason: `the token's ${claim} is in the future` };
  }
  return { ok: true, claims: payload };
}

/**
 * API Gateway hands claims to the integration as strings: numbers and booleans printed, arrays as
 * `[a b]` (bracketed, space-separated — `cognito:groups` arrives as `"[enterprise.clerk]"`) and
 * objects as `map[key:value]`, the way Go prints them.
 */
export function flattenJwtClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, flattenClaim(value)]));
}

function flattenClaim(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map(flattenClaim).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `map[${entries.map(([key, inner]) => `${key}:${flattenClaim(inner)}`).join(' ')}]`;
  }
  return String(value);
}
