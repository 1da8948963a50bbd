import type { WebConfig } from '../../../src/web/config';
import { challengeScriptUrl, startWafToken, WAF_TOKEN_HEADER } from '../../../src/web/drop/waf-token';
import { settle, standInWafPage, type WafPageStandIn } from '../../support/waf-page';

// The drop page's WAF integration, in Node with a stand-in document (the script tag "loads" at once) and a stand-in
// challenge.js: which calls carry the token, and that nothing changes without an integration URL.

const API = 'https://d222.cloudfront.net';

describe('web pages: the drop page WAF token', () => {
  let browserPage: WafPageStandIn;
  let getToken: jest.Mock<Promise<string>, []>;

  beforeEach(() => {
    jest.useFakeTimers();
    getToken = jest.fn(async () => 'token-1');
    // challenge.js defines window.AwsWafIntegration when it runs.
    browserPage = standInWafPage(() => ({ AwsWafIntegration: { getToken } }));
  });
  afterEach(() => {
    jest.useRealTimers();
    browserPage.restore();
  });

  const config = (wafIntegrationUrl?: string): WebConfig => ({
    apiUrl: API,
    countUrl: API,
    region: 'us-east-1',
    userAuth: { kind: 'none' },
    ...(wafIntegrationUrl ? { wafIntegrationUrl } : {}),
  });

  it('loads challenge.js from the integration URL, with or without its trailing slash', () => {
    expect(challengeScriptUrl('https://abc.us-east-1.sdk.awswaf.com/abc/def/')).toBe(
      'https://abc.us-east-1.sdk.awswaf.com/abc/def/challenge.js',
    );
    expect(challengeScriptUrl('https://abc.us-east-1.sdk.awswaf.com/abc/def')).toBe(
      'https://abc.us-east-1.sdk.awswaf.com/abc/def/challenge.js',
    );
  });

  it('acquires a token at load, and sends it with a claim to the API but not with a count poll or elsewhere', async () => {
    startWafToken(config('https://abc.us-east-1.sdk.awswaf.com/abc/def/'));
    expect(browserPage.scripts).toEqual(['https://abc.us-east-1.sdk.awswaf.com/abc/def/challenge.js']);
    await settle();
    expect(getToken).toHaveBeenCalled();

    await fetch(`${API}/v1/campaigns/spring/issue`, { method: 'POST', body: '{"a":1}' });
    await fetch(`${API}/v1/campaigns/spring/count`);
    await fetch('https://elsewhere.example/v1/x', { method: 'POST', body: '{}' });
    expect(browserPage.seen.map((r) => [r.method, r.url, r.headers.get(WAF_TOKEN_HEADER)])).toEqual([
      ['POST', `${API}/v1/campaigns/spring/issue`, 'token-1'],
      ['GET', `${API}/v1/campaigns/spring/count`, null],
      ['POST', 'https://elsewhere.example/v1/x', null],
    ]);
    expect(await browserPage.seen[0]?.text()).toBe('{"a":1}');
  });

  it('keeps the token fresh during the countdown', async () => {
    startWafToken(config('https://abc.us-east-1.sdk.awswaf.com/abc/def/'));
    await settle();
    const atLoad = getToken.mock.calls.length;
    jest.advanceTimersByTime(90_000);
    await settle();
    expect(getToken.mock.calls.length).toBeGreaterThanOrEqual(atLoad + 3);
  });

  it('sends the claim without a token when challenge.js cannot acquire one', async () => {
    getToken.mockRejectedValue(new Error('challenge timed out'));
    startWafToken(config('https://abc.us-east-1.sdk.awswaf.com/abc/def/'));
    await fetch(`${API}/v1/campaigns/spring/issue`, { method: 'POST', body: '{}' });
    expect(browserPage.seen.map((r) => r.headers.get(WAF_TOKEN_HEADER))).toEqual([null]);
  });

  it('changes nothing without an integration URL (no bot defense, or the local cloud)', async () => {
    const before = globalThis.fetch;
    startWafToken(config());
    expect(browserPage.scripts).toEqual([]);
    expect(globalThis.fetch).toBe(before);
  });
});
