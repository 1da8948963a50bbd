import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { AccountRecovery, FeaturePlan, Mfa, UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

/**
 * Who the user routes (issue, redeem, the caller's coupons) trust to say who the caller is:
 * - `cognito`: a user pool and a public app client created by the stack (the default);
 * - `oidc`: any OpenID Connect issuer (Auth0, Okta, Entra ID, a Cognito pool of another stack), with the token
 *   audiences API Gateway accepts (`aud`, or `client_id` for Cognito access tokens);
 * - `none`: open mode for demos: anyone may act as any `userId` they send. Synth warns loudly.
 */
export type UserAuth =
  | { readonly mode: 'cognito' }
  | { readonly mode: 'oidc'; readonly issuer: string; readonly audience: readonly string[] }
  | { readonly mode: 'none' };

/** The warning synth prints for `auth=none` (also an annotation on the stack, so `cdk synth` shows it). */
export const OPEN_MODE_WARNING =
  'AUTH IS OFF (auth=none): the user routes have no authorizer, and any caller can issue and redeem coupons as ' +
  'any userId it sends. Use this for demos only; deploy with the default (Cognito) or -c auth=oidc for real users.';

/**
 * Reads the `auth`, `oidcIssuer` and `oidcAudience` (comma-separated) CDK context values.
 * @throws Error for an unknown mode, or oidc without an https issuer or without an audience.
 */
export function userAuthFromContext(context: (key: string) => string | undefined): UserAuth {
  const mode = context('auth') ?? 'cognito';
  if (mode === 'cognito' || mode === 'none') return { mode };
  if (mode !== 'oidc') throw new Error(`context auth must be cognito, oidc or none, not '${mode}'`);
  const issuer = context('oidcIssuer');
  const audience = (context('oidcAudience') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (!issuer?.startsWith('https://')) throw new Error('auth=oidc needs -c oidcIssuer=https://... (the token iss)');
  if (audience.length === 0) throw new Error('auth=oidc needs -c oidcAudience=<aud>[,<aud>...]');
  return { mode, issuer, audience };
}

/**
 * The JWT authorizer of the user routes and, in `cognito` mode, the user pool behind it. In `none` mode there is
 * no authorizer ({@link UserAuthorizer.authorizer} is undefined) and the construct only warns.
 */
export class UserAuthorizer extends Construct {
  /** Undefined in open mode. */
  readonly authorizer?: IHttpRouteAuthorizer;
  /** Set in cognito mode. */
  readonly userPool?: UserPool;
  /** 'jwt' or 'none': the AUTH_MODE the user-facing functions run with. */
  readonly functionAuthMode: 'jwt' | 'none';

  constructor(scope: Construct, id: string, auth: UserAuth) {
    super(scope, id);
    if (auth.mode === 'none') {
      this.functionAuthMode = 'none';
      Annotations.of(Stack.of(this)).addWarningV2('fcfs:auth-none', OPEN_MODE_WARNING);
      new CfnOutput(Stack.of(this), 'AuthMode', { value: 'none (open: userId from the request)' });
      return;
    }
    this.functionAuthMode = 'jwt';
    let issuer: string;
    let audience: string[];
    if (auth.mode === 'cognito') {
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
      // A public client (web or mobile app): no secret, SRP sign-in, no user-existence oracle.
      const client = new UserPoolClient(this, 'AppClient', {
        userPool: pool,
        generateSecret: false,
        authFlows: { userSrp: true },
        preventUserExistenceErrors: true,
        // Apps sign in through the Cognito API (SRP); no hosted-UI OAuth flows (CDK would enable implicit grant).
        disableOAuth: true,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
      });
      acknowledge(pool, 'AwsSolutions', {
        'AwsSolutions-COG2':
          'MFA (TOTP) is optional: shoppers claiming a coupon are not asked for a second factor; enable it per user.',
        'AwsSolutions-COG8':
          'The Plus feature plan (threat protection) costs several times Lite per monthly active user; route ' +
          'throttles and the optional WAF rate limit curb abuse instead.',
      });
      this.userPool = pool;
      // The iss of the pool's tokens (the ProviderURL attribute lacks the scheme).
      const stack = Stack.of(this);
      issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${pool.userPoolId}`;
      audience = [client.userPoolClientId];
      new CfnOutput(Stack.of(this), 'UserPoolId', { value: pool.userPoolId });
      new CfnOutput(Stack.of(this), 'UserPoolClientId', { value: client.userPoolClientId });
    } else {
      issuer = auth.issuer;
      audience = [...auth.audience];
    }
    this.authorizer = new HttpJwtAuthorizer('UserJwtAuthorizer', issuer, {
      jwtAudience: audience,
      identitySource: ['$request.header.Authorization'],
    });
    new CfnOutput(Stack.of(this), 'AuthMode', { value: `jwt (${auth.mode})` });
  }
}
