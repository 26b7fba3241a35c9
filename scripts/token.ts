/**
 * `npm run token -- <user>`: a dev ID token for a seeded demo user, printed alone on stdout so that
 * `TOKEN=$(npm run -s token -- ent-a-clerk)` works. It signs with the same key pair as the running
 * `npm start` (`$DATA_DIR/dev-issuer/key.json`, default `.data`) and names its issuer (from the same
 * `PORT`, or `ISSUER_PORT`), so the server accepts it.
 * Everything else (usage, errors) goes to stderr.
 */
import { DEMO_USERS } from '../infra/local/demo-register.ts';
import {
  createDevIssuer,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  UnknownDemoUser,
} from '../infra/local/dev-issuer.ts';
import { devIssuerUrl, localSettings } from '../infra/local/settings.ts';

const usage = [
  'Usage: npm run token -- <user> [--expires-in <seconds>]',
  `Prints a dev JWT (default lifetime ${DEFAULT_TOKEN_LIFETIME_SECONDS} s) for a seeded demo user:`,
  ...DEMO_USERS.map((user) => `  ${user.username.padEnd(20)} ${user.role.padEnd(22)} ${user.orgId}`),
].join('\n');

function fail(text: string): never {
  process.stderr.write(`${text}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let username: string | undefined;
let expiresInSeconds: number | undefined;
for (let index = 0; index < args.length; index++) {
  const arg = args[index]!;
  if (arg === '--help' || arg === '-h') fail(usage);
  if (arg === '--expires-in') {
    expiresInSeconds = Number(args[++index]);
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0)
      fail('--expires-in takes a whole number of seconds');
  } else if (username === undefined) {
    username = arg;
  } else {
    fail(usage);
  }
}
if (username === undefined) fail(usage);

try {
  const settings = localSettings();
  // The issuer `npm start` runs on the same PORT (or ISSUER_PORT) trusts.
  const issuer = await createDevIssuer({
    dataDir: settings.dataDir || '.data',
    issuer: devIssuerUrl(settings),
  });
  const token = await issuer.issueToken(username, expiresInSeconds === undefined ? {} : { expiresInSeconds });
  process.stdout.write(`${token}\n`);
} catch (error) {
  if (error instanceof UnknownDemoUser) fail(`${error.message}\n\n${usage}`);
  throw error;
}
