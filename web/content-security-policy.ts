/**
 * The console's Content-Security-Policy, one source for both places that serve it: CloudFront's
 * response headers policy on AWS (infra/constructs/console.ts) and the embedded runtime's console
 * server (infra/local/console-assets.ts). The console loads only its own files; it calls its own
 * origin and the origins named here: the API, the object store it uploads evidence to, and the
 * OIDC issuer it signs in through (discovery, token endpoint).
 */
export function consoleContentSecurityPolicy(connectTo: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...connectTo].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
