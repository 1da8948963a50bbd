import type { WebConfig } from '../config';
import { captchaScriptUrl, type WafCaptcha, wafCaptcha } from './waf-captcha';

// AWS WAF's JavaScript integration on the drop page (the construct's `botDefense`): the page loads `challenge.js`
// from the web ACL's integration URL (config.json's `wafIntegrationUrl`), acquires a WAF token while the visitor
// waits for the opening, keeps it fresh, and sends it with each POST to the API, so the click is never the moment
// WAF challenges a person. Without `wafIntegrationUrl` (no bot defense, or the local cloud) nothing happens.
//
// The token goes in the `x-aws-waf-token` header (which the API's CORS allows): the `aws-waf-token` cookie that
// `getToken()` sets belongs to the page's origin, not to the API's distribution. The header is set here rather
// than through `AwsWafIntegration.fetch`, because the coupon client (openapi-fetch) passes Request objects to
// fetch. AWS documents the API: https://docs.aws.amazon.com/waf/latest/developerguide/waf-js-challenge-api.html
//
// With `botDefense: 'captcha'` (config.json's `wafCaptchaApiKey`) the challenge token alone does not pass the issue
// route: the page also loads `jsapi.js`, AWS WAF's CAPTCHA JavaScript API, and the person solves the puzzle before
// the claim (waf-captcha.ts); the claim then carries the token the solved puzzle gave.

/** The part of `window.AwsWafIntegration` (challenge.js) that the page uses. */
interface AwsWafIntegrationApi {
  /** Resolves with an unexpired token, acquiring one (silent challenge, up to 2 s) when there is none. */
  getToken(): Promise<string>;
}

/** A `<script>` element, as far as loading one goes. */
interface ScriptElement {
  src: string;
  async: boolean;
  onload: (() => void) | null;
  onerror: (() => void) | null;
}

/**
 * The page's globals this module touches (`window` is `globalThis` in a page), typed here rather than through the
 * DOM lib so that the module also compiles, and is tested, under Node's.
 */
interface PageGlobals {
  readonly document: {
    createElement(tag: 'script'): ScriptElement;
    readonly head: { append(node: ScriptElement): void };
  };
  /** Defined by challenge.js once it has run. */
  readonly AwsWafIntegration?: AwsWafIntegrationApi;
}

const page = globalThis as unknown as PageGlobals;

/** How often the token is asked for while the page is open, ms: an unexpired one costs nothing. */
const REFRESH_EVERY_MS = 30_000;
/** How long a POST waits for a token before it goes without one (WAF then decides), ms. */
const TOKEN_WAIT_MS = 3_000;

/** The header AWS WAF reads a token from on a cross-origin call. */
export const WAF_TOKEN_HEADER = 'x-aws-waf-token';

/** `<url>challenge.js`, whether or not the integration URL ends in `/`. */
export function challengeScriptUrl(integrationUrl: string): string {
  return `${integrationUrl.replace(/\/+$/, '')}/challenge.js`;
}

/** Appends `<script src>` and resolves when it has run. @throws Error when it fails to load. */
function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = page.document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    page.document.head.append(script);
  });
}

/** `promise`, or undefined after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms))]);
}

/**
 * Starts the WAF integration when `config.wafIntegrationUrl` is set: loads challenge.js, acquires a token now and
 * every {@link REFRESH_EVERY_MS}, and makes every non-GET call to `config.apiUrl` carry the current token in
 * {@link WAF_TOKEN_HEADER} (it replaces `globalThis.fetch`, which the coupon client calls at each request). A
 * failure to load or to acquire leaves the calls as they were. With `config.wafCaptchaApiKey` it also loads
 * jsapi.js (after challenge.js, which jsapi.js would otherwise load itself) and answers the page's CAPTCHA, whose
 * solved token the calls then carry instead; undefined otherwise.
 */
export function startWafToken(config: WebConfig): WafCaptcha | undefined {
  const integrationUrl = config.wafIntegrationUrl;
  if (!integrationUrl) return undefined;
  const challengeLoaded = loadScript(challengeScriptUrl(integrationUrl));
  const integration: Promise<AwsWafIntegrationApi | undefined> = challengeLoaded
    .then(() => page.AwsWafIntegration)
    .catch(() => undefined);
  const apiKey = config.wafCaptchaApiKey;
  const captcha = apiKey
    ? wafCaptcha(
        apiKey,
        challengeLoaded
          .catch(() => undefined)
          .then(() => loadScript(captchaScriptUrl(integrationUrl)))
          // Not loaded: the puzzle never renders (waf-captcha.ts), and no rejection goes unhandled.
          .catch(() => undefined),
      )
    : undefined;
  const token = async (): Promise<string | undefined> => {
    try {
      return await (await integration)?.getToken();
    } catch {
      return undefined;
    }
  };
  void token();
  setInterval(() => void token(), REFRESH_EVERY_MS);

  const apiBase = `${config.apiUrl.replace(/\/+$/, '')}/`;
  const plainFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.method === 'GET' || request.method === 'HEAD' || !request.url.startsWith(apiBase)) {
      return plainFetch(request);
    }
    const current = captcha?.token() ?? (await within(token(), TOKEN_WAIT_MS));
    if (!current) return plainFetch(request);
    const headers = new Headers(request.headers);
    headers.set(WAF_TOKEN_HEADER, current);
    // A new request from the read body: copying a Request whose body is a stream needs `duplex` in some browsers.
    const body = await request.arrayBuffer();
    return plainFetch(
      new Request(request.url, {
        method: request.method,
        headers,
        body: body.byteLength ? body : undefined,
        signal: request.signal,
      }),
    );
  };
  return captcha;
}
