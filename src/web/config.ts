/**
 * What the console (`/console/`) and the drop page (`/drop/`) read at load from `config.json`, served beside
 * them: by the local cloud (`GET /console/config.json`, `GET /drop/config.json`, with its local admin credentials
 * filled in) or, on AWS, written into the console bucket by the construct's `console` option.
 *
 * This file is the interface between the pages (`src/web/`), the local cloud (`tools/local/`) and the construct
 * (`src/construct/console.ts`): change it in one place.
 */
export interface WebConfig {
  /** Base URL of the HTTP API, no trailing slash: `https://abc.execute-api.eu-west-1.amazonaws.com`. */
  readonly apiUrl: string;
  /**
   * Base URL the drop page reads its public routes from, the campaign's view and its count
   * (`GET {countUrl}/v1/campaigns/{id}`, `.../count`): the edge distribution when the stack has `edge: true`, else
   * the API itself.
   */
  readonly countUrl: string;
  /** AWS Region of the API, for SigV4 signing (`execute-api`). */
  readonly region: string;
  /**
   * The AWS WAF web ACL's application integration URL (the construct's `botDefense`), ending in `/`: the drop page
   * loads `<url>challenge.js` and acquires a WAF token during the countdown (src/web/drop/waf-token.ts). Absent
   * without bot defense, and locally.
   */
  readonly wafIntegrationUrl?: string;
  /**
   * The AWS WAF CAPTCHA JavaScript API key for the page's domain (the construct's `botDefense: 'captcha'`, created
   * at deploy): with it the drop page loads `<wafIntegrationUrl>jsapi.js` instead of `challenge.js` and has the
   * visitor solve the puzzle before the claim (src/web/drop/waf-captcha.ts). Not a secret: AWS designs it to be
   * embedded in public pages, and it works only on the domains it was created for. Absent in challenge mode and
   * locally.
   */
  readonly wafCaptchaApiKey?: string;
  /** How the drop page signs a visitor in. */
  readonly userAuth: WebUserAuth;
  /**
   * Admin credentials the console fills in for the operator. Only the local cloud sets them (its local admin);
   * on AWS the operator pastes a role's credentials, kept in session storage only.
   */
  readonly adminCredentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

/**
 * - `local`: the local cloud's issuer mints a token for any user id (`POST {tokenUrl}` with `{"sub"}`).
 * - `cognito`: SRP sign-in to the stack's user pool with its public app client.
 * - `oidc`: an external OIDC issuer; the visitor pastes an ID token (the page cannot sign in for another issuer).
 * - `none`: the API runs without user auth (`-c auth=none`, local open mode): requests name the user (`userId`).
 */
export type WebUserAuth =
  | { readonly kind: 'local'; readonly tokenUrl: string }
  | { readonly kind: 'cognito'; readonly userPoolId: string; readonly clientId: string }
  | { readonly kind: 'oidc'; readonly issuer: string }
  | { readonly kind: 'none' };
