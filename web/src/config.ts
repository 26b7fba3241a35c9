/**
 * What the console learns from the server it was loaded from (`/console-config.json`): where the
 * API is and how people sign in. The embedded runtime answers it itself (sign in by picking a
 * seeded user); on AWS the CDK stack writes it next to the static build (Cognito hosted sign-in,
 * authorization-code flow with PKCE).
 */
import type { Role } from './roles.ts';

export interface DemoUserOption {
  username: string;
  displayName: string;
  role: Role;
  orgId: string;
  orgName: string;
}

export type AuthConfig =
  | { kind: 'dev'; users: DemoUserOption[] }
  | {
      kind: 'cognito';
      /** `https://<prefix>.auth.<region>.amazoncognito.com` */
      domain: string;
      clientId: string;
      /** Path on the console's own origin that Cognito redirects back to. */
      redirectPath: string;
      scopes: string[];
    };

export interface ConsoleConfig {
  /** Base URL of the HTTP API; empty when it is the console's own origin. */
  apiUrl: string;
  auth: AuthConfig;
}

export const CONSOLE_CONFIG_PATH = '/console-config.json';

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(CONSOLE_CONFIG_PATH, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${CONSOLE_CONFIG_PATH} answered ${response.status}`);
  const config = (await response.json()) as ConsoleConfig;
  return { ...config, apiUrl: (config.apiUrl ?? '').replace(/\/+$/, '') };
}
