import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias in
 * `BUNDLING`, infra/constructs/functions.ts). Lambda hands a function its role's credentials in
 * the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so of the whole
 * default chain (environment, SSO, INI files, process, token file, ECS/IMDS) only the first link
 * ever answers there. The others and the STS/SSO clients they pull in are ~135 KB of every bundle.
 *
 * Only the bundles are aliased: the embedded runtime and the tests run the source with the real
 * chain, and pass credentials through the same environment variables anyway.
 */
type FromEnvInit = Parameters<typeof fromEnv>[0];

/** What the SDK clients import (`defaultProvider as credentialDefaultProvider`, runtimeConfig). */
export const defaultProvider = (init?: FromEnvInit) => fromEnv(init);

/** The other names `@aws-sdk/credential-provider-node` exports: environment credentials never expire early. */
export const credentialsWillNeedRefresh = (credentials: { expiration?: Date }): boolean =>
  credentials.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials: { expiration?: Date }): boolean =>
  credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
