import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { contentSecurityPolicy, WAF_INTEGRATION_SOURCE } from '../../src/construct/console-pages';
import { call, middayZone, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { launchChromium, pageProblems, waitForText } from '../support/browser';

// The drop page in headless Chromium against a local cloud, in each state of its campaign's public view
// (GET /v1/campaigns/{campaignId}): what a visitor sees and may press. Screenshots go to docs/screenshots/.

jest.setTimeout(600_000);

const SCREENSHOTS = path.join(__dirname, '..', '..', 'docs', 'screenshots');
const VENDOR = { vendorId: 'corner-cafe', name: 'Corner Café', currency: 'KRW' };

describe('the drop page in a browser (local cloud, redis admission mode)', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let api: string;
  const problems: string[][] = [];
  const zone = middayZone();
  const now = DateTime.now().setZone(zone);
  const day = (days: number) => now.startOf('day').plus({ days }).toISODate() as string;
  /** A campaign of the vendor, all day today and tomorrow unless `overrides` says otherwise. */
  const campaign = (campaignId: string, overrides: object = {}) => ({
    campaignId,
    vendorId: VENDOR.vendorId,
    name: 'Morning coffee drop',
    timezone: zone,
    startDate: day(0),
    endDate: day(1),
    dailyWindow: { open: '00:00', close: '24:00' },
    dailyQuota: 3,
    perUserDailyLimit: 1,
    couponValidityDays: 14,
    discount: { type: 'PERCENT', value: 30, maxAmount: 5000 },
    ...overrides,
  });
  const create = async (definition: object) => {
    expect((await call(`${api}/v1/admin/campaigns`, { body: definition })).status).toBe(201);
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    cloud = await startCloudProcess('redis', { tag: 'drop-page' });
    api = cloud.endpoints.apiUrl;
    browser = await launchChromium();
    expect((await call(`${api}/v1/admin/vendors`, { body: VENDOR })).status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });
  afterEach(() => {
    // Nothing broke on any page: no uncaught error, nothing the Content-Security-Policy blocked.
    expect(problems.flat()).toEqual([]);
  });

  /**
   * A new visitor (own session storage) on the drop page of `campaignId`, signed in as `user` if given; `prepare`
   * sets up the visitor's browser context (its routes) before the page loads.
   */
  async function visit(
    campaignId: string,
    user?: string,
    prepare?: (context: BrowserContext) => Promise<void>,
  ): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 820, height: 900 } });
    await prepare?.(context);
    const page = await context.newPage();
    problems.push(pageProblems(page));
    await page.goto(`${api}/drop/?campaign=${campaignId}`);
    if (user) {
      await page.getByLabel('User name').fill(user);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await waitForText(page.locator('header .who'), new RegExp(`Signed in as ${user}`));
    }
    return page;
  }
  const claimButton = (page: Page) => page.getByRole('button', { name: 'Claim my coupon' });
  const stateOf = (page: Page) => page.locator('section.campaign').getAttribute('data-state');

  it('counts down to the opening without opens= in the URL, then enables the claim button and admits', async () => {
    // Prepare: a window opening 20-80 s from now, today only.
    const opens = DateTime.now().setZone(zone).plus({ seconds: 40 }).startOf('minute').plus({ minutes: 1 });
    await create(
      campaign('drop-soon', {
        name: 'Spring coffee drop',
        endDate: opens.toISODate(),
        dailyWindow: { open: opens.toFormat('HH:mm'), close: opens.plus({ minutes: 30 }).toFormat('HH:mm') },
      }),
    );
    const page = await visit('drop-soon', 'early-bird');

    // Assess: the name, terms and vendor, a countdown, and a claim button that cannot be pressed yet.
    await waitForText(page.locator('main h2'), /Spring coffee drop/);
    expect(await page.locator('main .terms').innerText()).toMatch(/30% off \(up to ₩5,000\) · from Corner Café/);
    await waitForText(page.locator('.badge').first(), /Opens soon/);
    await waitForText(page.getByRole('timer'), /Opens in 00:0[0-2]:\d\d/);
    expect(await page.locator('main').innerText()).not.toMatch(/drop-soon/);
    expect(await stateOf(page)).toBe('SCHEDULED');
    expect(await claimButton(page).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'drop-scheduled.png'), fullPage: true });

    // Act: the countdown reaches the opening.
    await waitForText(page.getByRole('timer'), /Open now/, 150_000);
    expect(await claimButton(page).isEnabled()).toBe(true);
    await claimButton(page).click();

    // Assess
    await waitForText(page.getByRole('status').filter({ hasText: /coupon/ }), /You got coupon #1!/);
    await waitForText(page.locator('main'), /2 of 3/);
    expect(await stateOf(page)).toBe('OPEN');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'drop-open.png'), fullPage: true });
  });

  it("shows SOLD_OUT_TODAY plainly once today's quota is admitted: no claim, the next drop's countdown", async () => {
    await create(
      campaign('drop-sold', { name: 'Lunch bowl drop', dailyQuota: 1, discount: { type: 'AMOUNT', value: 3000 } }),
    );
    const winner = await visit('drop-sold', 'first-in');
    await claimButton(winner).click();
    await waitForText(winner.getByRole('status').filter({ hasText: /coupon/ }), /You got coupon #1!/);

    const late = await visit('drop-sold', 'too-late');
    await waitForText(late.locator('.badge').first(), /Sold out today/);
    expect(await late.locator('main .terms').innerText()).toMatch(/₩3,000 off · from Corner Café/);
    await waitForText(late.locator('main'), /0 of 1/);
    await waitForText(late.getByRole('timer'), /Next drop in \d\d:\d\d:\d\d/);
    expect(await claimButton(late).isDisabled()).toBe(true);
    await late.screenshot({ path: path.join(SCREENSHOTS, 'drop-sold-out.png'), fullPage: true });
  });

  it('shows ENDED and CLOSED plainly, without a claim button or a quota left', async () => {
    await create(campaign('drop-ended', { name: 'Winter tea drop', startDate: day(-4), endDate: day(-2) }));
    await create(campaign('drop-closed', { name: 'Cancelled drop' }));
    expect((await call(`${api}/v1/admin/campaigns/drop-closed/close`, { body: {} })).status).toBe(200);

    const ended = await visit('drop-ended', 'visitor');
    await waitForText(ended.locator('.badge').first(), /Ended/);
    await waitForText(ended.locator('main'), /This drop has ended/);
    expect(await claimButton(ended).isVisible()).toBe(false);
    expect(await ended.locator('main').innerText()).not.toMatch(/Left today/);
    await ended.screenshot({ path: path.join(SCREENSHOTS, 'drop-ended.png'), fullPage: true });

    const closed = await visit('drop-closed');
    // The query function caches a campaign up to 10 s: the close shows by then.
    await waitForText(closed.locator('.badge').first(), /Closed/);
    await waitForText(closed.locator('main'), /The organizer has closed this drop/);
    expect(await claimButton(closed).isVisible()).toBe(false);
  });

  it("with botDefense 'captcha', has the visitor solve WAF's puzzle before the claim, and again when WAF refuses", async () => {
    // Prepare: the page as the construct configures it in captcha mode (config.json's wafIntegrationUrl and
    // wafCaptchaApiKey, the production CSP with WAF's sources), stand-ins for WAF's challenge.js and jsapi.js (the
    // puzzle is a button that calls onSuccess with a new token), and WAF in front of the issue route, answering its
    // CAPTCHA action (405) to the first puzzle's token as if it had expired.
    await create(campaign('drop-captcha', { name: 'Puzzle drop' }));
    const integration = 'https://fake.awswaf.com/acl/';
    const tokensAtIssue: (string | null)[] = [];
    const behindWaf = async (context: BrowserContext) => {
      await context.route(
        (url) => url.pathname === '/drop/',
        async (route) => {
          const response = await route.fetch();
          const csp = contentSecurityPolicy([], [WAF_INTEGRATION_SOURCE], [WAF_INTEGRATION_SOURCE]);
          await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
        },
      );
      await context.route('**/drop/config.json', async (route) => {
        const config = await (await route.fetch()).json();
        await route.fulfill({ json: { ...config, wafIntegrationUrl: integration, wafCaptchaApiKey: 'drop-page-key' } });
      });
      const script = (body: string) => ({ contentType: 'text/javascript', body });
      await context.route(`${integration}challenge.js`, (route) =>
        route.fulfill(script("window.AwsWafIntegration = { getToken: async () => 'challenge-token' };")),
      );
      await context.route(`${integration}jsapi.js`, (route) =>
        route.fulfill(
          script(`let solved = 0;
window.AwsWafCaptcha = { renderCaptcha(container, options) {
  if (options.apiKey !== 'drop-page-key' || !options.dynamicWidth) return options.onError(new Error('bad options'));
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'I am a person';
  button.onclick = () => { container.replaceChildren(); options.onSuccess('captcha-token-' + ++solved); };
  container.replaceChildren(button);
} };`),
        ),
      );
      await context.route('**/v1/campaigns/drop-captcha/issue', async (route) => {
        const token = route.request().headers()['x-aws-waf-token'] ?? null;
        tokensAtIssue.push(token);
        if (token === 'captcha-token-2') return route.fallback();
        return route.fulfill({ status: 405, headers: { 'x-amzn-waf-action': 'captcha' }, body: '' });
      });
    };
    const page = await visit('drop-captcha', 'person', behindWaf);
    const puzzle = page.getByRole('button', { name: 'I am a person' });

    // Assess: the puzzle in the claim card, the claim waiting for it.
    await waitForText(page.locator('.badge').first(), /Open/);
    await puzzle.waitFor();
    expect(await claimButton(page).isDisabled()).toBe(true);

    // Act: the puzzle solved, then the claim, which WAF refuses once.
    await puzzle.click();
    await page.waitForFunction("document.querySelector('button.claim')?.disabled === false");
    await claimButton(page).click();
    await waitForText(page.getByRole('status'), /Solve the puzzle again/);
    await puzzle.click();

    // Assess: the claim went again, with the new token, and was admitted.
    await waitForText(page.getByRole('status').filter({ hasText: /coupon/ }), /You got coupon #1!/);
    expect(tokensAtIssue).toEqual(['captcha-token-1', 'captcha-token-2']);
  });

  it('shows a real not-found page for an unknown campaign: no raw error, no sign-in form', async () => {
    const page = await visit('no-such-drop');
    const text = await waitForText(page.locator('main'), /There is no such drop/);
    expect(text).toMatch(/No campaign is called no-such-drop/);
    expect(text).not.toMatch(/404|CAMPAIGN_NOT_FOUND/);
    expect(await page.getByLabel('User name').count()).toBe(0);
    expect(await claimButton(page).count()).toBe(0);
    expect(await page.title()).toMatch(/not found/i);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'drop-not-found.png'), fullPage: true });
  });
});
