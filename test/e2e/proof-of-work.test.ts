import { DateTime } from 'luxon';
import type { Browser, Request } from 'playwright-core';
import { solveProofOfWork } from '../../src/client';
import type { ProofOfWorkChallenge } from '../../src/contract/proof-of-work';
import {
  call,
  middayZone,
  openCampaign,
  type RunningCloud,
  startCloudProcess,
  TEST_VENDOR,
} from '../../tools/local/child-cloud';
import { launchChromium, pageProblems, waitForText } from '../support/browser';

// A campaign with a proof of work through the local cloud (README.md, "Proof of work"): a scripted client without a
// solution is refused, a solution replayed for another user is refused, a browser on the drop page solves and claims.

jest.setTimeout(600_000);

const CAMPAIGN_ID = 'pow-drop';

describe('proof of work through the local cloud (dynamodb admission mode)', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let api: string;

  beforeAll(async () => {
    cloud = await startCloudProcess('dynamodb', { tag: 'proof-of-work' });
    api = cloud.endpoints.apiUrl;
    browser = await launchChromium();
    const created = await call(`${api}/v1/admin/campaigns`, {
      body: { ...openCampaign(CAMPAIGN_ID, 5), proofOfWork: { difficulty: 'LOW' } },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  const issueUrl = () => `${api}/v1/campaigns/${CAMPAIGN_ID}/issue`;

  it('refuses a scripted client without a solution, admits its solution, and refuses it replayed for another user', async () => {
    // A script that skips the work.
    const required = await call(issueUrl(), { as: 'script-a', body: {} });
    expect(required).toMatchObject({ status: 403, body: { code: 'PROOF_REQUIRED' } });
    expect((required.body.challenge as ProofOfWorkChallenge).parameters).toMatchObject({
      algorithm: 'SCRYPT',
      data: { campaignId: CAMPAIGN_ID, userId: 'script-a', issueDate: required.body.issueDate },
    });
    const garbage = await call(issueUrl(), { as: 'script-a', body: {}, headers: { 'x-proof-of-work': 'e30=' } });
    expect(garbage).toMatchObject({ status: 403, body: { code: 'PROOF_INVALID', reason: 'MALFORMED' } });

    // The same script doing the work is admitted.
    const proof = await solveProofOfWork(required.body.challenge as ProofOfWorkChallenge);
    const admitted = await call(issueUrl(), { as: 'script-a', body: {}, headers: { 'x-proof-of-work': proof } });
    expect(admitted).toMatchObject({ status: 202, body: { code: 'ACCEPTED', rank: 1 } });

    // Its solution, replayed by another account, is refused; replayed by itself, the admission already holds.
    const replayed = await call(issueUrl(), { as: 'script-b', body: {}, headers: { 'x-proof-of-work': proof } });
    expect(replayed).toMatchObject({ status: 403, body: { code: 'PROOF_INVALID', reason: 'OTHER_BINDING' } });
    const again = await call(issueUrl(), { as: 'script-a', body: {}, headers: { 'x-proof-of-work': proof } });
    expect(again).toMatchObject({ status: 409, body: { code: 'ALREADY_ISSUED', rank: 1 } });
  });

  it('lets a browser on the drop page solve in a Web Worker and claim', async () => {
    const page = await (await browser.newContext()).newPage();
    const problems = pageProblems(page);
    const issues: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/issue')) issues.push(request);
    });
    await page.goto(`${api}/drop/?campaign=${CAMPAIGN_ID}`);
    await page.getByLabel('User name').fill('browser-visitor');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.locator('header .who'), /Signed in as browser-visitor/);

    await page.getByRole('button', { name: 'Claim my coupon' }).click();
    await waitForText(page.getByRole('status').filter({ hasText: /coupon|bot|try again/ }), /You got coupon #2/);

    // The first ask was refused for want of a proof; the second carried the worker's solution.
    expect(issues.map((r) => r.headers()['x-proof-of-work'] !== undefined)).toEqual([false, true]);
    expect(problems).toEqual([]);
  });

  it('solves during the countdown, so the click sends the solution at once', async () => {
    // A window opening in one to two minutes, in a zone where it is midday (no date change during the test).
    const zone = middayZone();
    const opens = DateTime.now().setZone(zone).plus({ minutes: 2 }).startOf('minute');
    const day = opens.toISODate() as string;
    const created = await call(`${api}/v1/admin/campaigns`, {
      body: {
        campaignId: 'pow-countdown',
        vendorId: TEST_VENDOR.vendorId,
        name: 'Countdown drop',
        timezone: zone,
        startDate: day,
        endDate: day,
        dailyWindow: { open: opens.toFormat('HH:mm'), close: opens.plus({ minutes: 5 }).toFormat('HH:mm') },
        dailyQuota: 3,
        perUserDailyLimit: 1,
        couponValidityDays: 1,
        discount: { type: 'PERCENT', value: 10 },
        proofOfWork: { difficulty: 'LOW' },
      },
    });
    expect(created.status).toBe(201);
    const page = await (await browser.newContext()).newPage();
    const problems = pageProblems(page);
    const issues: { at: number; proof: boolean; status?: number }[] = [];
    page.on('response', (response) => {
      const request = response.request();
      if (request.method() !== 'POST' || !request.url().endsWith('/issue')) return;
      issues.push({
        at: Date.now(),
        proof: request.headers()['x-proof-of-work'] !== undefined,
        status: response.status(),
      });
    });
    await page.goto(`${api}/drop/?campaign=pow-countdown&opens=${encodeURIComponent(opens.toUTC().toISO() as string)}`);
    await page.getByLabel('User name').fill('countdown-visitor');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.locator('header .who'), /Signed in as countdown-visitor/);

    // Before the opening, the page asked once (403 PROOF_REQUIRED) and its worker solved.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, opens.toMillis() - Date.now() + 2_000)));
    expect(issues).toEqual([{ at: expect.any(Number), proof: false, status: 403 }]);
    expect((issues[0] as { at: number }).at).toBeLessThan(opens.toMillis());

    await page.getByRole('button', { name: 'Claim my coupon' }).click();
    await waitForText(page.getByRole('status').filter({ hasText: /coupon|bot|try again/ }), /You got coupon #1/);
    expect(issues.slice(1)).toEqual([{ at: expect.any(Number), proof: true, status: 202 }]);
    expect(problems).toEqual([]);
  });
});
