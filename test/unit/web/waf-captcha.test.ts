import type { WebConfig } from '../../../src/web/config';
import { isCaptchaAction, requestClaim, WAF_ACTION_HEADER } from '../../../src/web/drop/claim';
import {
  type AwsWafCaptchaApi,
  captchaScriptUrl,
  type RenderCaptchaOptions,
  wafCaptcha,
} from '../../../src/web/drop/waf-captcha';
import { startWafToken, WAF_TOKEN_HEADER } from '../../../src/web/drop/waf-token';
import type { UserApi } from '../../../src/web/shared/api';
import { settle, standInWafPage, type WafPageStandIn } from '../../support/waf-page';

// The drop page's CAPTCHA mode (botDefense 'captcha'), in Node with a stand-in document (a script tag "loads" at
// once) and stand-ins for WAF's challenge.js and jsapi.js: the puzzle, the token the claim carries, and the claim
// shown the puzzle again when WAF still answers with its CAPTCHA.

const API = 'https://d222.cloudfront.net';
const INTEGRATION = 'https://abc.us-east-1.sdk.awswaf.com/abc/def/';

/** A stand-in for jsapi.js's `AwsWafCaptcha`: each render is kept, for the test to solve or fail. */
function fakeCaptchaApi() {
  const renders: { container: object; options: RenderCaptchaOptions }[] = [];
  const api: AwsWafCaptchaApi = { renderCaptcha: (container, options) => void renders.push({ container, options }) };
  return { api, renders };
}

/** What `issue` of the coupon client resolves with, for a status and a body. */
function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  const ok = status >= 200 && status < 300;
  return {
    data: ok ? body : undefined,
    error: ok ? undefined : body,
    response: new Response(null, { status, headers }),
  } as unknown as Awaited<ReturnType<UserApi['POST']>>;
}

describe('web pages: the drop page CAPTCHA (botDefense captcha)', () => {
  let browserPage: WafPageStandIn;
  let captcha: ReturnType<typeof fakeCaptchaApi>;

  beforeEach(() => {
    jest.useFakeTimers();
    captcha = fakeCaptchaApi();
    // Each script defines its global when it runs (window is globalThis in a page).
    browserPage = standInWafPage((src) => {
      if (src.endsWith('/challenge.js')) return { AwsWafIntegration: { getToken: async () => 'challenge-token' } };
      if (src.endsWith('/jsapi.js')) return { AwsWafCaptcha: captcha.api };
      return {};
    });
  });
  afterEach(() => {
    jest.useRealTimers();
    browserPage.restore();
  });

  const config = (wafCaptchaApiKey?: string): WebConfig => ({
    apiUrl: API,
    countUrl: API,
    region: 'us-east-1',
    userAuth: { kind: 'none' },
    wafIntegrationUrl: INTEGRATION,
    ...(wafCaptchaApiKey ? { wafCaptchaApiKey } : {}),
  });

  it("loads jsapi.js, AWS WAF's CAPTCHA API script, from the integration URL, with or without its trailing slash", () => {
    expect(captchaScriptUrl(INTEGRATION)).toBe('https://abc.us-east-1.sdk.awswaf.com/abc/def/jsapi.js');
    expect(captchaScriptUrl(INTEGRATION.slice(0, -1))).toBe('https://abc.us-east-1.sdk.awswaf.com/abc/def/jsapi.js');
  });

  it('renders the puzzle with the API key, and the claim carries the token of the solved puzzle', async () => {
    // Prepare
    const page = startWafToken(config('key-for-the-drop-page'));
    await settle();
    expect(browserPage.scripts).toEqual([`${INTEGRATION}challenge.js`, `${INTEGRATION}jsapi.js`]);
    expect(page?.token()).toBeUndefined();
    const container = { id: 'puzzle' };

    // Act: the puzzle is shown, then solved.
    const solving = page?.solve(container);
    await settle();
    const [render] = captcha.renders;
    expect(render?.container).toBe(container);
    expect(render?.options).toMatchObject({ apiKey: 'key-for-the-drop-page', dynamicWidth: true });
    render?.options.onSuccess('captcha-token');
    await fetch(`${API}/v1/campaigns/spring/issue`, { method: 'POST', body: '{}' });

    // Assess
    expect(await solving).toBe('captcha-token');
    expect(page?.token()).toBe('captcha-token');
    expect(browserPage.seen.map((r) => r.headers.get(WAF_TOKEN_HEADER))).toEqual(['captcha-token']);
  });

  it('shows one puzzle at a time, and renders a new one after the token is forgotten', async () => {
    const page = wafCaptcha('key', Promise.resolve());
    Object.assign(globalThis, { AwsWafCaptcha: captcha.api });
    const first = page.solve({});
    const again = page.solve({});
    await settle();
    expect(captcha.renders).toHaveLength(1);
    captcha.renders[0]?.options.onSuccess('token-1');
    expect([await first, await again]).toEqual(['token-1', 'token-1']);

    page.forget();
    expect(page.token()).toBeUndefined();
    const next = page.solve({});
    await settle();
    captcha.renders[1]?.options.onSuccess('token-2');
    expect(await next).toBe('token-2');
    expect(page.token()).toBe('token-2');
  });

  it('answers undefined when the puzzle reports an error or jsapi.js did not load', async () => {
    const page = wafCaptcha('key', Promise.resolve());
    Object.assign(globalThis, { AwsWafCaptcha: captcha.api });
    const failing = page.solve({});
    await settle();
    captcha.renders[0]?.options.onError(new Error('api key for another domain'));
    expect(await failing).toBeUndefined();
    expect(page.token()).toBeUndefined();

    Reflect.deleteProperty(globalThis, 'AwsWafCaptcha');
    expect(await wafCaptcha('key', Promise.reject(new Error('cannot load'))).solve({})).toBeUndefined();
  });

  it('loads no CAPTCHA script in challenge mode (no API key)', () => {
    expect(startWafToken(config())).toBeUndefined();
    expect(browserPage.scripts).toEqual([`${INTEGRATION}challenge.js`]);
  });
});

describe('web pages: the drop page claim under WAF CAPTCHA', () => {
  const accepted = { rank: 1, campaignId: 'spring', issueDate: '2026-03-01' };
  const captchaAction = () => answer(405, '', { [WAF_ACTION_HEADER]: 'captcha' });

  it("recognizes WAF's CAPTCHA action: a 405, with x-amzn-waf-action captcha or without a readable header", () => {
    expect(isCaptchaAction(new Response(null, { status: 405, headers: { [WAF_ACTION_HEADER]: 'captcha' } }))).toBe(
      true,
    );
    expect(isCaptchaAction(new Response(null, { status: 405 }))).toBe(true);
    expect(isCaptchaAction(new Response(null, { status: 202, headers: { [WAF_ACTION_HEADER]: 'challenge' } }))).toBe(
      false,
    );
    expect(isCaptchaAction(new Response(null, { status: 405, headers: { [WAF_ACTION_HEADER]: 'block' } }))).toBe(false);
  });

  it('shows the puzzle again when WAF refuses the token, then claims once it is solved', async () => {
    // Prepare: WAF answers the first claim with its CAPTCHA (the token expired), the second is admitted.
    const issue = jest.fn().mockResolvedValueOnce(captchaAction()).mockResolvedValueOnce(answer(202, accepted));
    const solveCaptcha = jest.fn(async () => true);

    // Act
    const shown = await requestClaim(issue, solveCaptcha);

    // Assess
    expect(solveCaptcha).toHaveBeenCalledTimes(1);
    expect(issue).toHaveBeenCalledTimes(2);
    expect(shown).toMatchObject({ accepted: true, tone: 'ok' });
    expect(shown.text).toMatch(/You got coupon #1!/);
  });

  it('stops after two puzzles, and says to solve the puzzle when it was not solved', async () => {
    const always = jest.fn(async () => captchaAction());
    const solved = jest.fn(async () => true);
    expect(await requestClaim(always, solved)).toMatchObject({ accepted: false, tone: 'warn' });
    expect(always).toHaveBeenCalledTimes(3);
    expect(solved).toHaveBeenCalledTimes(2);

    const unsolved = jest.fn(async () => false);
    const once = jest.fn(async () => captchaAction());
    const shown = await requestClaim(once, unsolved);
    expect(once).toHaveBeenCalledTimes(1);
    expect(shown).toMatchObject({ accepted: false, tone: 'warn' });
    expect(shown.text).toMatch(/Solve the puzzle/);
  });

  it('sends the claim once without a CAPTCHA (challenge mode or no bot defense)', async () => {
    const issue = jest.fn(async () => captchaAction());
    expect(await requestClaim(issue)).toMatchObject({ accepted: false });
    expect(issue).toHaveBeenCalledTimes(1);
  });
});
