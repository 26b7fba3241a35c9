/**
 * What the console learns from the server it was loaded from (`/console-config.json`): where the
 * API is and which OIDC issuer people sign in through. The console finds the issuer's endpoints by
 * discovery (`<issuer>/.well-known/openid-configuration`) and signs in with the authorization-code
 * flow and PKCE (web/src/session.ts), whichever issuer it is: Cognito on AWS (the issuer is
 * `https://cognito-idp.<region>.<suffix>/<poolId>`, the hosted sign-in's endpoints come from
 * discovery), a bureau's own identity provider, or the embedded runtime's dev issuer. The CDK stack
 * writes this file on AWS; the embedded runtime answers it itself.
 */
import type { Role } from './roles.ts';

export interface DemoUserOption {
  username: string;
  displayName: string;
  role: Role;
  orgId: string;
  orgName: string;
}

export interface SignInConfig {
  /** The issuer identifier, exactly as the issuer's discovery document and its tokens' `iss` name it. */
  issuer: string;
  /** The console's public client (no secret) registered at the issuer. */
  clientId: string;
  scopes: string[];
  /** Path on the console's own origin that the issuer redirects back to. */
  redirectPath: string;
  /** The claim that carries the role (an array or a space-separated string); default `cognito:groups`. */
  rolesClaim?: string;
  /** The claim that carries the organisation; default `custom:org`. */
  orgClaim?: string;
  /**
   * Where sign-out ends the issuer's session when its discovery names no `end_session_endpoint`
   * (Cognito's hosted `https://<domain>/logout`, which takes `client_id` and `logout_uri`).
   */
  logoutUrl?: string;
}

export interface ConsoleConfig {
  /** Base URL of the HTTP API; empty when it is the console's own origin. */
  apiUrl: string;
  auth: SignInConfig;
  /** Where the public notice list is read (CloudFront's cached path on AWS); default the API. */
  publicNoticesOrigin?: string;
  /** The seeded users' names (embedded runtime only), to name the people a history shows. */
  people?: DemoUserOption[];
}

export const CONSOLE_CONFIG_PATH = '/console-config.json';

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(CONSOLE_CONFIG_PATH, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${CONSOLE_CONFIG_PATH} answered ${response.status}`);
  const config = (await response.json()) as ConsoleConfig;
  return { ...config, apiUrl: (config.apiUrl ?? '').replace(/\/+$/, '') };
}
