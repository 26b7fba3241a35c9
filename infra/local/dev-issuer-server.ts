import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import Provider, {
  type Adapter,
  type AdapterPayload,
  type Configuration,
  interactionPolicy,
} from 'oidc-provider';
import { DICTIONARIES } from '../../web/src/words/all.ts';
import { DEMO_ORGANISATIONS, DEMO_USERS, type DemoUser } from './demo-register.ts';
import {
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  DEV_AUDIENCE,
  type DevIssuer,
  demoUserClaims,
  devClaimNames,
} from './dev-issuer.ts';

/**
 * The dev issuer as an OpenID Provider, on its own origin as an identity provider is on AWS:
 * discovery (`/.well-known/openid-configuration`), authorization (code flow, PKCE required),
 * token, JWKS and RP-initiated logout, all by `oidc-provider` (OpenID Certified), signing with the
 * dev issuer's key, so its ID tokens are the ones `npm run token` and `POST /dev/token` print and
 * the API verifies. The one thing it adds is the sign-in page: a person picks a seeded demo user
 * (every time: the page is the point of a dev issuer, so a session never signs in silently).
 *
 * The console signs in through it exactly as through Cognito or a bureau's issuer: by discovery,
 * with `oauth4webapi` (web/src/session.ts). Never deployed.
 */
export interface DevIssuerServerOptions {
  /** Must be the port of `issuer.issuer` (the identifier names where discovery is served). */
  port: number;
  host?: string;
  /** Origins of the console; each may be sent back to at `<origin>/auth/callback` and `<origin>/`. */
  consoleOrigins: readonly string[];
  /** Where the console's callback is, on its origin. */
  callbackPath?: string;
  log?: (line: string) => void;
}

export interface RunningDevIssuerServer {
  /** Where it listens: the issuer's origin. */
  url: string;
  close(): Promise<void>;
}

/** Scopes the console asks for; the role and organisation come with `openid`, as Cognito puts them in. */
export const DEV_ISSUER_SCOPES = ['openid'] as const;

const STYLESHEET = resolve(import.meta.dirname, '../../web/src/styles.css');

export async function startDevIssuerServer(
  issuer: DevIssuer,
  options: DevIssuerServerOptions,
): Promise<RunningDevIssuerServer> {
  const host = options.host ?? '127.0.0.1';
  const callbackPath = options.callbackPath ?? '/auth/callback';
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const claimNames = devClaimNames();
  const stored: Stored = new Map();
  // The console's pages may be sent here from the issuer's forms (sign-in, sign-out).
  const pageHeaders = {
    'content-security-policy':
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; " +
      `form-action 'self' ${options.consoleOrigins.join(' ')}; base-uri 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };

  const policy = interactionPolicy.base();
  policy
    .get('login')!
    .checks.push(
      new interactionPolicy.Check('pick_demo_user', 'the dev issuer asks whom to sign in as', (ctx) =>
        ctx.oidc.result?.login
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    );

  const configuration: Configuration = {
    adapter: (model: string) => new MemoryAdapter(model, stored),
    clients: [
      {
        client_id: DEV_AUDIENCE,
        client_name: 'ApprenticeFlow console',
        application_type: 'web',
        // A public client (a browser app has no secret); PKCE is what binds the code to it.
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: options.consoleOrigins.map((origin) => `${origin}${callbackPath}`),
        post_logout_redirect_uris: options.consoleOrigins.map((origin) => `${origin}/`),
      },
    ],
    jwks: { keys: [issuer.signingJwk as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Only what the console uses: the code flow (no implicit or hybrid tokens in URLs), PKCE always.
    responseTypes: ['code'],
    pkce: { required: () => true },
    // The token endpoint answers the console's origin only (it calls from the browser).
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    async findAccount(_ctx, sub) {
      const user = DEMO_USERS.find((candidate) => candidate.sub === sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => demoUserClaims(user) as { sub: string } };
    },
    // Cognito puts the user's claims in the ID token (the token the API's authorizer checks).
    claims: { openid: ['sub', 'cognito:username', claimNames.roles, claimNames.org, 'name', 'token_use'] },
    conformIdTokenClaims: false,
    ttl: {
      IdToken: DEFAULT_TOKEN_LIFETIME_SECONDS,
      AccessToken: DEFAULT_TOKEN_LIFETIME_SECONDS,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: DEFAULT_TOKEN_LIFETIME_SECONDS,
      Grant: DEFAULT_TOKEN_LIFETIME_SECONDS,
    },
    interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.set(pageHeaders);
          ctx.type = 'html';
          ctx.body = page(
            'zh-CN',
            '退出登录',
            `${form}<p>正在退出开发身份提供方…</p>
            <button type="submit" form="op.logoutForm" name="logout" value="yes" class="button-primary">退出登录</button>
            <script src="/dev-issuer-logout.js"></script>`,
          );
        },
        async postLogoutSuccessSource(ctx) {
          ctx.set(pageHeaders);
          ctx.type = 'html';
          ctx.body = page('zh-CN', '已退出', '<p>您已退出开发身份提供方。</p>');
        },
      },
    },
    async renderError(ctx, out) {
      ctx.set(pageHeaders);
      ctx.type = 'html';
      ctx.body = page(
        'en',
        'Sign-in failed',
        Object.entries(out)
          .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</p>`)
          .join(''),
      );
    },
  };
  const provider = new Provider(issuer.issuer, configuration);
  provider.on('server_error', (_ctx, error) => log(`[dev-issuer] ${error.name}: ${error.message}`));
  const oidc = provider.callback();

  async function signInPage(request: IncomingMessage, response: ServerResponse, uid: string) {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new Error('the interaction does not match');
    const query = new URL(request.url ?? '/', 'http://x').searchParams;
    const asked = query.get('lang') ?? String(details.params.ui_locales ?? '');
    const lang = asked.startsWith('en') ? 'en' : 'zh-CN';
    send(response, 200, 'text/html; charset=utf-8', signInHtml(lang, uid, issuer.issuer));
  }

  async function signInAs(request: IncomingMessage, response: ServerResponse) {
    const form = new URLSearchParams(await readBody(request));
    const user = DEMO_USERS.find((candidate) => candidate.username === form.get('user'));
    const details = await provider.interactionDetails(request, response);
    if (!user) {
      await provider.interactionFinished(request, response, {
        error: 'access_denied',
        error_description: 'no such demo user',
      });
      return;
    }
    const grant = new provider.Grant({ accountId: user.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: user.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(path);
    const handled = (async () => {
      if (interaction && request.method === 'GET') return signInPage(request, response, interaction[1]!);
      if (interaction && request.method === 'POST') return signInAs(request, response);
      if (path === '/dev-issuer.css' && request.method === 'GET')
        return send(response, 200, 'text/css; charset=utf-8', await readFile(STYLESHEET, 'utf8'));
      if (path === '/dev-issuer-logout.js' && request.method === 'GET')
        return send(response, 200, 'text/javascript; charset=utf-8', LOGOUT_SCRIPT);
      return oidc(request, response);
    })();
    handled.catch((error: unknown) => {
      log(`[dev-issuer] ${request.method} ${path} failed: ${error instanceof Error ? error.message : error}`);
      if (!response.headersSent)
        send(response, 400, 'text/plain; charset=utf-8', 'The sign-in could not go on.');
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };

  function send(response: ServerResponse, status: number, type: string, body: string) {
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...pageHeaders });
    response.end(body);
  }
}

/** Confirms the sign-out the console asked for (the form oidc-provider writes carries its xsrf token). */
const LOGOUT_SCRIPT = `const form = document.getElementById('op.logoutForm');
if (form) {
  const yes = document.createElement('input');
  yes.type = 'hidden';
  yes.name = 'logout';
  yes.value = 'yes';
  form.append(yes);
  form.submit();
}
`;

function signInHtml(lang: 'zh-CN' | 'en', uid: string, issuer: string): string {
  const words = DICTIONARIES[lang];
  const role = (user: DemoUser) => words[`role.${user.role}` as keyof typeof words] ?? user.role;
  const groups = new Map<string, DemoUser[]>();
  for (const user of DEMO_USERS) groups.set(user.orgId, [...(groups.get(user.orgId) ?? []), user]);
  const orgName = (orgId: string) => DEMO_ORGANISATIONS.find((org) => org.orgId === orgId)?.name ?? orgId;
  const other = lang === 'en' ? 'zh-CN' : 'en';
  const sections = [...groups.entries()]
    .map(
      ([orgId, users], index) => `<section class="user-group" aria-labelledby="org-${index}">
        <h3 id="org-${index}">${escapeHtml(orgName(orgId))}</h3>
        <ul>${users
          .map(
            (
              user,
            ) => `<li><button type="submit" class="user-button" name="user" value="${escapeHtml(user.username)}" data-user="${escapeHtml(user.username)}">
              <strong>${escapeHtml(user.displayName)}</strong><span>${escapeHtml(role(user))}</span><code>${escapeHtml(user.username)}</code>
            </button></li>`,
          )
          .join('')}</ul>
      </section>`,
    )
    .join('');
  return page(
    lang,
    words['signIn.title'],
    `<div class="sign-in-top">
      <h1>${escapeHtml(words['app.name'])}</h1>
      <a class="button-ghost" href="/interaction/${uid}?lang=${other}" hreflang="${other}" lang="${other}"
        aria-label="${escapeHtml(words['nav.switchLanguageLabel'])}">${escapeHtml(words['nav.switchLanguage'])}</a>
    </div>
    <h2>${escapeHtml(words['signIn.title'])}</h2>
    <p>${escapeHtml(words['signIn.pick'])}</p>
    <form method="post" action="/interaction/${uid}"><div class="user-groups">${sections}</div></form>
    <p><small>${escapeHtml(words['signIn.devIssuer'])} <code>${escapeHtml(issuer)}</code></small></p>`,
  );
}

function page(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/dev-issuer.css">
</head>
<body><main class="sign-in" id="main"><div class="sign-in-card">${body}</div></main></body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!,
  );
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 16 * 1024) reject(new Error('form too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * oidc-provider's storage (interactions, codes, sessions, grants) in memory: a sign-in in flight
 * does not survive a restart, the tokens it issued do (they are signed with the kept key).
 */
type Stored = Map<string, { payload: AdapterPayload; expiresAt: number }>;

class MemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: Stored,
  ) {}

  private key(id: string) {
    return `${this.model}:${id}`;
  }

  private live(key: string): AdapterPayload | undefined {
    const entry = this.store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.store.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
    this.store.set(this.key(id), { payload, expiresAt });
  }

  async find(id: string) {
    return this.live(this.key(id));
  }

  async findByUid(uid: string) {
    for (const [key] of this.store) {
      if (!key.startsWith(`${this.model}:`)) continue;
      const payload = this.live(key);
      if (payload?.uid === uid) return payload;
    }
    return undefined;
  }

  async findByUserCode(userCode: string) {
    for (const [key] of this.store) {
      if (!key.startsWith(`${this.model}:`)) continue;
      const payload = this.live(key);
      if (payload?.userCode === userCode) return payload;
    }
    return undefined;
  }

  async consume(id: string) {
    const payload = this.live(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string) {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string) {
    for (const [key, { payload }] of this.store) if (payload.grantId === grantId) this.store.delete(key);
  }
}
