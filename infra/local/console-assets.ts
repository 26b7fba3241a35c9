import type { ConsoleFile } from '../../web/build.ts';
import { consoleContentSecurityPolicy } from '../../web/content-security-policy.ts';
import type { ExtraRoute, ExtraRouteResponse } from './api-gateway/index.ts';
import { DEMO_ORGANISATIONS, DEMO_USERS } from './demo-register.ts';
import { DEV_AUDIENCE, DEV_ISSUER, devClaimNames } from './dev-issuer.ts';

/**
 * The web console in the embedded runtime, where CloudFront and S3 serve it on AWS:
 * - `GET /` and every client route (`/app/…`, `/auth/callback`) answer `index.html` — paths the
 *   HTTP API contract never uses, so the API keeps all of its own;
 * - `GET /assets/…` the content-hashed scripts and stylesheet, cached for good;
 * - `GET /console-config.json` where the API is (here: the same origin) and how to sign in (here:
 *   the dev issuer, by OIDC discovery, where a person picks a seeded user). On AWS the stack writes
 *   this file.
 *
 * The console is built in memory with esbuild on the first request for it, so `npm start` on a
 * fresh clone serves the current source without a separate build step, and runtimes that never
 * serve a page (the integration tests) never build it. `npm run build:console` writes the same
 * files to `web/dist/`.
 */
/** The headers CloudFront adds on AWS; the console calls the object store and the issuer (`connectTo`). */
function securityHeaders(connectTo: readonly string[]): Record<string, string> {
  return {
    'content-security-policy': consoleContentSecurityPolicy(connectTo),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

export interface ConsoleAssetsOptions {
  /** Builds the console; default: esbuild in memory (`web/build.ts`). */
  build?: () => Promise<ConsoleFile[]>;
  log?: (line: string) => void;
  /** Other origins the console may call: the S3 stand-in it uploads evidence to, the dev issuer. */
  connectTo?: readonly string[];
  /** The issuer the console signs in through; default the fixed `DEV_ISSUER` (no discovery there). */
  signIn?: EmbeddedSignIn;
}

export interface EmbeddedSignIn {
  issuer: string;
  clientId: string;
  scopes: string[];
}

export function consoleRoutes(options: ConsoleAssetsOptions = {}): ExtraRoute[] {
  const SECURITY_HEADERS = securityHeaders(options.connectTo ?? []);
  const build = options.build ?? (async () => (await import('../../web/build.ts')).buildConsole());
  let pending: Promise<Map<string, ConsoleFile>> | undefined;
  const files = () => {
    pending ??= build().then(
      (built) => {
        options.log?.(`[console] built ${built.length} files`);
        return new Map(built.map((file) => [file.path, file]));
      },
      (error: unknown) => {
        pending = undefined; // the next request tries again (after the source is fixed)
        throw error;
      },
    );
    return pending;
  };

  const serve = async (path: string): Promise<ExtraRouteResponse> => {
    let built: Map<string, ConsoleFile>;
    try {
      built = await files();
    } catch (error) {
      options.log?.(`[console] build failed: ${error instanceof Error ? error.message : String(error)}`);
      return text(500, 'The console could not be built; see the runtime log.');
    }
    const file = built.get(path);
    if (!file) return text(404, 'Not Found');
    return {
      statusCode: 200,
      headers: {
        'content-type': file.contentType,
        'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...SECURITY_HEADERS,
      },
      body: file.text,
    };
  };
  const page = async () => serve('/index.html');

  return [
    { method: 'GET', path: '/', handle: page },
    { method: 'GET', path: '/app', handle: page },
    { method: 'GET', path: '/app/{proxy+}', handle: page },
    { method: 'GET', path: '/auth/callback', handle: page },
    { method: 'GET', path: '/assets/{proxy+}', handle: async (request) => serve(request.path) },
    {
      method: 'GET',
      path: '/console-config.json',
      handle: async () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
        body: JSON.stringify(embeddedConsoleConfig(options.signIn)),
      }),
    },
  ];
}

/**
 * Same origin for the API; sign-in through the dev issuer by OIDC discovery (the code path every
 * issuer takes), with the claim names the API reads; and the seeded users' names, which the console
 * shows for the people a history names.
 */
export function embeddedConsoleConfig(
  signIn: EmbeddedSignIn = { issuer: DEV_ISSUER, clientId: DEV_AUDIENCE, scopes: ['openid'] },
) {
  const orgName = (orgId: string) => DEMO_ORGANISATIONS.find((org) => org.orgId === orgId)?.name ?? orgId;
  const claims = devClaimNames();
  return {
    apiUrl: '',
    auth: {
      issuer: signIn.issuer,
      clientId: signIn.clientId,
      scopes: signIn.scopes,
      redirectPath: '/auth/callback',
      rolesClaim: claims.roles,
      orgClaim: claims.org,
    },
    people: DEMO_USERS.map((user) => ({
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      orgId: user.orgId,
      orgName: orgName(user.orgId),
    })),
  };
}

function text(statusCode: number, body: string): ExtraRouteResponse {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
