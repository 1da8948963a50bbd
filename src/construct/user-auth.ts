import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  FeaturePlan,
  type IUserPool,
  type IUserPoolClient,
  Mfa,
  UserPool,
  UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { FunctionAuthMode } from '../contract/names';
import type { WebUserAuth } from '../web/config';
import { acknowledge } from './acknowledge';

/**
 * Who the user routes (issue, redeem, the caller's coupons) trust to say who the caller is:
 * - `cognito`: a Cognito user pool: the one given, or one with a public app client created by the construct;
 * - `oidc`: any OpenID Connect issuer (Auth0, Okta, Entra ID, a Cognito pool of another account), with the token
 *   audiences API Gateway accepts (`aud`, or `client_id` for Cognito access tokens);
 * - `none`: open mode for demos: anyone may act as any `userId` they send. Synth warns loudly.
 */
export type UserAuthMode = 'cognito' | 'oidc' | 'none';

/** The user-auth settings of the construct's props (see FcfsCouponProps for each one's default). */
export interface UserAuthSettings {
  readonly userAuth?: UserAuthMode;
  readonly userPool?: IUserPool;
  readonly userPoolClient?: IUserPoolClient;
  readonly oidcIssuer?: string;
  readonly oidcAudience?: readonly string[];
  readonly operatorTokenClient?: boolean;
}

/** The warning synth prints for `auth=none` (an annotation on the construct, so `cdk synth` shows it). */
export const OPEN_MODE_WARNING =
  'AUTH IS OFF (auth=none): the user routes have no authorizer, and any caller can issue and redeem coupons as ' +
  'any userId it sends. Use this for demos only; deploy with the default (Cognito) or -c auth=oidc for real users.';

/**
 * Reads the `auth`, `oidcIssuer` and `oidcAudience` (comma-separated) CDK context values.
 * @throws Error for an unknown mode, or oidc without an https issuer or without an audience.
 */
export function userAuthFromContext(context: (key: string) => string | undefined): UserAuthSettings {
  const mode = context('auth') ?? 'cognito';
  if (mode === 'cognito' || mode === 'none') return { userAuth: mode };
  if (mode !== 'oidc') throw new Error(`context auth must be cognito, oidc or none, not '${mode}'`);
  const audience = (context('oidcAudience') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const settings = { userAuth: mode, oidcIssuer: context('oidcIssuer'), oidcAudience: audience } as const;
  validateUserAuth(settings, 'context');
  return settings;
}

/**
 * Checks that the user-auth settings agree with each other.
 * @throws Error naming the setting (`-c` context names when `source` is `context`): oidc without an https issuer
 *   or without an audience; OIDC settings outside oidc mode; a user pool without its client (or the reverse), or
 *   outside cognito mode; the operators' token client without a pool the construct creates.
 */
export function validateUserAuth(settings: UserAuthSettings, source: 'props' | 'context' = 'props'): void {
  const mode = settings.userAuth ?? 'cognito';
  const name = (prop: string, contextKey: string) => (source === 'context' ? `-c ${contextKey}` : prop);
  if (mode === 'oidc') {
    if (!settings.oidcIssuer?.startsWith('https://')) {
      throw new Error(`auth=oidc needs ${name('oidcIssuer', 'oidcIssuer')}=https://... (the token iss)`);
    }
    if (!settings.oidcAudience?.length) {
      throw new Error(`auth=oidc needs ${name('oidcAudience', 'oidcAudience')}=<aud>[,<aud>...]`);
    }
  } else if (settings.oidcIssuer !== undefined || settings.oidcAudience !== undefined) {
    throw new Error(`oidcIssuer and oidcAudience apply to userAuth 'oidc' only, not '${mode}'`);
  }
  if ((settings.userPool === undefined) !== (settings.userPoolClient === undefined)) {
    throw new Error('userPool and userPoolClient go together: the client id is the audience the API accepts');
  }
  if (settings.userPool !== undefined && mode !== 'cognito') {
    throw new Error(`userPool applies to userAuth 'cognito' only, not '${mode}'`);
  }
  if (settings.operatorTokenClient === true && (mode !== 'cognito' || settings.userPool !== undefined)) {
    throw new Error(
      `operatorTokenClient applies to the user pool the construct creates (userAuth 'cognito' without userPool), ` +
        `not to ${settings.userPool === undefined ? `userAuth '${mode}'` : 'a given userPool'}`,
    );
  }
}

/**
 * The JWT authorizer of the user routes and, in `cognito` mode without a given pool, the user pool and app client
 * behind it. In `none` mode there is no authorizer ({@link UserAuthorizer.authorizer} is undefined) and the
 * construct only warns.
 */
export class UserAuthorizer extends Construct {
  /** Undefined in open mode. */
  readonly authorizer?: IHttpRouteAuthorizer;
  /** The user pool in cognito mode (given or created). */
  readonly userPool?: IUserPool;
  /** The app client whose id the authorizer accepts as audience, in cognito mode. */
  readonly userPoolClient?: IUserPoolClient;
  /**
   * The operators' client of a pool this construct created, with `operatorTokenClient`: admin-initiated sign-in
   * only (`npm run token`, with IAM credentials allowed `cognito-idp:AdminInitiateAuth`), also accepted as
   * audience. Undefined otherwise.
   */
  readonly operatorClient?: IUserPoolClient;
  /** The AUTH_MODE the user-facing functions run with. */
  readonly functionAuthMode: FunctionAuthMode;
  /** `jwt (cognito)`, `jwt (oidc)` or `none (open: userId from the request)`, for an output. */
  readonly description: string;
  /** How the web pages sign a visitor in (their config.json): the pool and its public client, the issuer, or none. */
  readonly webUserAuth: WebUserAuth;

  constructor(scope: Construct, id: string, settings: UserAuthSettings = {}) {
    super(scope, id);
    validateUserAuth(settings);
    const mode = settings.userAuth ?? 'cognito';
    if (mode === 'none') {
      this.functionAuthMode = 'none';
      this.description = 'none (open: userId from the request)';
      this.webUserAuth = { kind: 'none' };
      Annotations.of(this).addWarningV2('fcfs:auth-none', OPEN_MODE_WARNING);
      return;
    }
    this.functionAuthMode = 'jwt';
    this.description = `jwt (${mode})`;
    let issuer: string;
    let audience: string[];
    if (mode === 'cognito') {
      const pool = settings.userPool ?? this.createUserPool();
      const client = settings.userPoolClient ?? this.createAppClient(pool);
      this.userPool = pool;
      this.userPoolClient = client;
      if (settings.operatorTokenClient) this.operatorClient = this.createOperatorClient(pool);
      // The iss of the pool's tokens (the ProviderURL attribute lacks the scheme).
      issuer = `https://cognito-idp.${pool.env.region}.${Stack.of(this).urlSuffix}/${pool.userPoolId}`;
      audience = [client.userPoolClientId, ...(this.operatorClient ? [this.operatorClient.userPoolClientId] : [])];
      this.webUserAuth = { kind: 'cognito', userPoolId: pool.userPoolId, clientId: client.userPoolClientId };
    } else {
      issuer = settings.oidcIssuer as string;
      audience = [...(settings.oidcAudience ?? [])];
      this.webUserAuth = { kind: 'oidc', issuer };
    }
    this.authorizer = new HttpJwtAuthorizer('UserJwtAuthorizer', issuer, {
      jwtAudience: audience,
      identitySource: ['$request.header.Authorization'],
    });
  }

  private createUserPool(): UserPool {
    const pool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Lite: the cheapest plan per monthly active user; sign-in, MFA and token issuance are all this API needs.
      featurePlan: FeaturePlan.LITE,
      // Users and their sub (the coupon owner) must outlive a stack replacement.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(pool, 'AwsSolutions', {
      'AwsSolutions-COG2':
        'MFA (TOTP) is optional: shoppers claiming a coupon are not asked for a second factor; enable it per user.',
      'AwsSolutions-COG8':
        'The Plus feature plan (threat protection) costs several times Lite per monthly active user; route ' +
        'throttles and the optional WAF rate limit curb abuse instead.',
    });
    return pool;
  }

  /**
   * The operators' client, kept apart so the public client's flows stay SRP only: sign-in by AdminInitiateAuth
   * (ADMIN_USER_PASSWORD_AUTH), which needs IAM credentials, so it serves test users of smoke and load tests.
   */
  private createOperatorClient(userPool: IUserPool): UserPoolClient {
    return new UserPoolClient(this, 'OperatorClient', {
      userPool,
      generateSecret: false,
      authFlows: { adminUserPassword: true },
      preventUserExistenceErrors: true,
      disableOAuth: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
    });
  }

  /** A public client (web or mobile app): no secret, SRP sign-in, no user-existence oracle. */
  private createAppClient(userPool: IUserPool): UserPoolClient {
    return new UserPoolClient(this, 'AppClient', {
      userPool,
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      // Apps sign in through the Cognito API (SRP); no hosted-UI OAuth flows (CDK would enable implicit grant).
      disableOAuth: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
    });
  }
}
