import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { Role } from '../../shared/domain/principal.ts';

/**
 * The roles of the approval chain and the municipal bureau's `city.admin` (who publishes the
 * policy); each is a Cognito group, carried in the token as `cognito:groups`. New roles go last:
 * a group's precedence is its index, so existing groups keep theirs.
 */
export const USER_ROLES = [
  'enterprise.clerk',
  'enterprise.signatory',
  'school.registrar',
  'bureau.reviewer',
  'bureau.treasurer',
  'bureau.admin',
  'city.admin',
] as const satisfies readonly Role[];

export interface AuthProps {
  /** Where the hosted sign-in sends the web console back to (authorization-code grant with PKCE). */
  callbackUrls: string[];
  logoutUrls: string[];
  /** Prefix of a Cognito hosted domain for the sign-in pages; none when omitted (must be globally unique). */
  domainPrefix?: string;
}

/**
 * Who may call the API: a user pool whose users are created by an administrator (no self
 * sign-up), each in the group of its role and carrying its organisation in `custom:org`, and one
 * public client (no secret) for the web console.
 */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly consoleClient: cognito.UserPoolClient;
  readonly groups: Record<(typeof USER_ROLES)[number], cognito.UserPoolGroup>;
  /** The `iss` of the pool's tokens, as the JWT authorizer checks it. */
  readonly issuerUrl: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Mutable so an administrator can move a user to another organisation; the console client
      // below cannot write it, so users cannot change their own.
      customAttributes: { org: new cognito.StringAttribute({ mutable: true, minLen: 1, maxLen: 64 }) },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.groups = Object.fromEntries(
      USER_ROLES.map((role, precedence) => [
        role,
        this.userPool.addGroup(
          `Group${role.replace(/(^|\.)(\w)/g, (_m, _dot, c: string) => c.toUpperCase())}`,
          {
            groupName: role,
            description: `ApprenticeFlow role ${role}`,
            precedence,
          },
        ),
      ]),
    ) as Auth['groups'];

    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        // Code grant only; a public client without a secret must use PKCE, which Cognito enforces
        // when the console sends a code_challenge.
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('org'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    if (props.domainPrefix) {
      this.userPool.addDomain('HostedDomain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    }

    // The partition's URL suffix, not a literal one (the pool's ProviderURL attribute lacks `https://`).
    const { region, urlSuffix } = Stack.of(this);
    this.issuerUrl = `https://cognito-idp.${region}.${urlSuffix}/${this.userPool.userPoolId}`;
  }
}
