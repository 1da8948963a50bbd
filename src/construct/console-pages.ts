import { Stack } from 'aws-cdk-lib';
import { type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { IConstruct } from 'constructs';
import type { WebConfig, WebUserAuth } from '../web/config';
import { WEB_PAGES, type WebPage } from '../web/pages';
import { webPagesAssetDir } from './assets';

/**
 * What the console's distribution serves and how (src/construct/console.ts): the built pages, each page's
 * config.json, the Content-Security-Policy and the folder-to-index rewrite.
 */

/**
 * The viewer-request CloudFront Function (cloudfront-js-2.0) of the pages' default behaviour: `/` redirects (302)
 * to `/console/`, `/console` and `/drop` (301) to their folder so that the pages' relative URLs (`./main.js`,
 * `./config.json`) resolve, each keeping its query string (`/drop?campaign=...`); a path ending in `/` is served
 * its `index.html` (the bucket is no website endpoint, so S3 resolves no index document).
 */
export const VIEWER_REQUEST_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var pages = ${JSON.stringify(WEB_PAGES.map((p) => `/${p}`))};
  if (uri === '/' || pages.indexOf(uri) !== -1) {
    var qs = request.querystring;
    var pairs = [];
    Object.keys(qs).forEach(function (name) {
      var values = qs[name].multiValue ? qs[name].multiValue : [qs[name]];
      values.forEach(function (v) { pairs.push(v.value === '' ? name : name + '=' + v.value); });
    });
    var location = (uri === '/' ? '/console/' : uri + '/') + (pairs.length ? '?' + pairs.join('&') : '');
    return {
      statusCode: uri === '/' ? 302 : 301,
      statusDescription: uri === '/' ? 'Found' : 'Moved Permanently',
      headers: { location: { value: location } },
    };
  }
  if (uri.charAt(uri.length - 1) === '/') request.uri = uri + 'index.html';
  return request;
}`;

/** Where the pages find the stack's API and sign-in, for {@link pageConfigs}. */
export interface PageEndpoints {
  /** The HTTP API's execute-api URL: the console signs admin calls for its Host. */
  readonly apiUrl: string;
  /** The WAF distribution's URL (wafRateLimit), which visitors must call. @default - visitors call `apiUrl` */
  readonly protectedApiUrl?: string;
  /** The distribution caching the count (edge or WAF). @default - the count is read from `apiUrl` */
  readonly countUrl?: string;
  /**
   * The web ACL's application integration URL (botDefense), from which the drop page loads `challenge.js`.
   * @default - the drop page loads no WAF script
   */
  readonly wafIntegrationUrl?: string;
  /**
   * The AWS WAF CAPTCHA API key for the pages' domain (botDefense `captcha`, EdgeFirewall.captchaApiKey): the drop
   * page renders WAF's CAPTCHA puzzle with it. Not a secret (AWS embeds it in public pages by design).
   * @default - the drop page shows no puzzle
   */
  readonly wafCaptchaApiKey?: string;
  /** The API's region, for SigV4. */
  readonly region: string;
  readonly userAuth: WebUserAuth;
}

/**
 * Each page's `config.json` (src/web/config.ts): the console calls the execute-api URL (a SigV4 signature covers the
 * Host header, which CloudFront replaces); the drop page calls the WAF distribution when there is one; both read
 * the count from the caching distribution when there is one. Never admin credentials: the operator pastes them.
 */
export function pageConfigs(endpoints: PageEndpoints): Record<WebPage, WebConfig> {
  const { apiUrl, region, userAuth } = endpoints;
  const countUrl = endpoints.countUrl ?? apiUrl;
  return {
    console: { apiUrl, countUrl, region, userAuth },
    drop: {
      apiUrl: endpoints.protectedApiUrl ?? apiUrl,
      countUrl,
      region,
      userAuth,
      ...(endpoints.wafIntegrationUrl === undefined ? {} : { wafIntegrationUrl: endpoints.wafIntegrationUrl }),
      ...(endpoints.wafCaptchaApiKey === undefined ? {} : { wafCaptchaApiKey: endpoints.wafCaptchaApiKey }),
    },
  };
}

/**
 * Where AWS WAF serves its JavaScript integration (`https://<id>.<region>.sdk.awswaf.com/...`, and the CAPTCHA API
 * on `captcha-sdk.awswaf.com`), for the CSP's `script-src` and `connect-src` (the script calls its host back for
 * the token). A wildcard, not the web ACL's own URL: that URL is known only at deploy, from the web ACL, which
 * accepts the pages' domain for tokens, so naming it in the pages' headers would make a dependency cycle.
 */
export const WAF_INTEGRATION_SOURCE = 'https://*.awswaf.com';

/**
 * The sources the pages call, for the CSP's `connect-src`: any execute-api endpoint and Cognito user pool API of
 * `region`, and any CloudFront distribution (the edge option's count). Wildcards, not the API's own host: the
 * API's CORS names this distribution's domain, so a policy naming the API's id would make CloudFormation's
 * dependency graph a cycle (API -> distribution -> response headers policy -> API).
 * @param cognitoRegion the user pool's region (`cognito-idp.<region>`), when user auth is Cognito.
 */
export function connectSources(scope: IConstruct, cognitoRegion?: string): string[] {
  const { region, urlSuffix } = Stack.of(scope);
  return [
    `https://*.execute-api.${region}.${urlSuffix}`,
    'https://*.cloudfront.net',
    ...(cognitoRegion === undefined ? [] : [`https://cognito-idp.${cognitoRegion}.${urlSuffix}`]),
  ];
}

/**
 * The pages' Content-Security-Policy: scripts from this origin (the pages are ES modules without inline script)
 * and `scripts` (WAF's integration with botDefense), styles from this origin or inline (a page's `<style>`; style
 * cannot run code), calls to this origin, `connect` and `scripts`, no framing, no plugins, no `<base>`. With
 * `puzzle` (WAF's CAPTCHA with botDefense `captcha`), its hosts may also serve the puzzle's images, audio
 * (the audio puzzle), styles and frames, and the puzzle's images may be `blob:` URLs; the puzzle's exact needs are
 * not documented by AWS, so these are the directives it could use (README "Bot defense at the edge").
 */
export function contentSecurityPolicy(
  connect: readonly string[],
  scripts: readonly string[] = [],
  puzzle: readonly string[] = [],
): string {
  const withPuzzle = (directive: string, ...own: string[]) =>
    [directive, ...own, ...(puzzle.length ? [...puzzle, 'blob:'] : [])].join(' ');
  return [
    "default-src 'none'",
    ['script-src', "'self'", ...scripts].join(' '),
    ['style-src', "'self'", "'unsafe-inline'", ...puzzle].join(' '),
    withPuzzle('img-src', "'self'", 'data:'),
    ...(puzzle.length ? [withPuzzle('media-src', "'self'"), ['frame-src', ...puzzle].join(' ')] : []),
    "font-src 'self'",
    ['connect-src', "'self'", ...connect, ...scripts].join(' '),
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The built pages as a deployment source: `<assets>/web/console/` and `<assets>/web/drop/`, built at package build
 * time (src/construct/assets.ts), so the consumer's synth runs no bundler.
 * @throws Error when the pages have not been built (`npm run build:assets` in a checkout).
 */
export function builtPages(): ISource {
  return Source.asset(webPagesAssetDir());
}
