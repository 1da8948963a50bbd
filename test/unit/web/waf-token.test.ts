import type { WebConfig } from '../../../src/web/config';
import { challengeScriptUrl, startWafToken, WAF_TOKEN_HEADER } from '../../../src/web/drop/waf-token';

// The drop page's WAF integration, in Node with a stand-in document (the script tag "loads" at once) and a stand-in
// challenge.js: which calls carry the token, and that nothing changes without an integration URL.

const API = 'https://d222.cloudfront.net';

/** Lets the promise chains of loading and acquiring run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

interface FakeScript {
  src: string;
  onload?: () => void;
  onerror?: () => void;
}

describe('web pages: the drop page WAF token', () => {
  const realFetch = globalThis.fetch;
  const seen: Request[] = [];
  let scripts: FakeScript[];
  let getToken: jest.Mock<Promise<string>, []>;

  beforeEach(() => {
    jest.useFakeTimers();
    seen.length = 0;
    scripts = [];
    getToken = jest.fn(async () => 'token-1');
    globalThis.fetch = (async (input: Request | string | URL, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    Object.assign(globalThis, {
      document: {
        createElement: () => ({ src: '' }) as FakeScript,
        head: {
          append: (script: FakeScript) => {
            scripts.push(script);
            // challenge.js defines window.AwsWafIntegration (globalThis in a page) when it runs.
            Object.assign(globalThis, { AwsWafIntegration: { getToken } });
            script.onload?.();
          },
        },
      },
    });
  });
  afterEach(() => {
    jest.useRealTimers();
    globalThis.fetch = realFetch;
    Reflect.deleteProperty(globalThis, 'AwsWafIntegration');
    Reflect.deleteProperty(globalThis, 'document');
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
    expect(scripts.map((s) => s.src)).toEqual(['https://abc.us-east-1.sdk.awswaf.com/abc/def/challenge.js']);
    await settle();
    expect(getToken).toHaveBeenCalled();

    await fetch(`${API}/v1/campaigns/spring/issue`, { method: 'POST', body: '{"a":1}' });
    await fetch(`${API}/v1/campaigns/spring/count`);
    await fetch('https://elsewhere.example/v1/x', { method: 'POST', body: '{}' });
    expect(seen.map((r) => [r.method, r.url, r.headers.get(WAF_TOKEN_HEADER)])).toEqual([
      ['POST', `${API}/v1/campaigns/spring/issue`, 'token-1'],
      ['GET', `${API}/v1/campaigns/spring/count`, null],
      ['POST', 'https://elsewhere.example/v1/x', null],
    ]);
    expect(await seen[0]?.text()).toBe('{"a":1}');
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
    expect(seen.map((r) => r.headers.get(WAF_TOKEN_HEADER))).toEqual([null]);
  });

  it('changes nothing without an integration URL (no bot defense, or the local cloud)', async () => {
    const before = globalThis.fetch;
    startWafToken(config());
    expect(scripts).toEqual([]);
    expect(globalThis.fetch).toBe(before);
  });
});
