import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { launchChromium, pageProblems, waitForText } from '../support/browser';
import { distinctEvents, PARKING_TIMEOUT_MS, PipelineProbe } from '../support/pipeline';

// The operator console and the drop page in headless Chromium, against a local cloud: what the pages show, not
// just what the API answers. Screenshots go to test-output/screenshots/ (docs/console.png, docs/drop-page.png and
// docs/screenshots/ are copies of them).

jest.setTimeout(600_000);

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots');
const QUOTA = 5;
const VENDOR = { vendorId: 'corner-cafe', name: 'Corner Café', currency: 'KRW' };
const CAMPAIGN_ID = 'browser-drop';
/** Every queue's visibility timeout, s: a message whose coupon write keeps failing reaches the DLQ in ~10 s. */
const VISIBILITY_S = 2;
/** A failure the replay cannot outlast (the consumer's role lost a permission), so admissions end PARKED. */
const COUPON_WRITES_KEEP_FAILING = {
  dynamodb: { TransactWriteItems: { errorRate: 1, error: 'AccessDeniedException' } },
};

describe('the console and the drop page in a browser (local cloud, redis admission mode)', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  /** Each visitor page's problems (uncaught errors, CSP violations), checked at the end of the drop test. */
  const visitorProblems: string[][] = [];
  let base: string;
  let probe: PipelineProbe;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    cloud = await startCloudProcess('redis', { tag: 'console', visibilityTimeoutS: VISIBILITY_S });
    browser = await launchChromium();
    base = cloud.endpoints.apiUrl;
    probe = new PipelineProbe(cloud);
  });
  afterEach(async () => {
    await probe?.chaos({});
  });
  afterAll(async () => {
    probe?.close();
    await browser?.close();
    await cloud?.stop();
  });

  /** A new browser context (its own session storage: one visitor) on the drop page at `url`, signed in as `user`. */
  async function visitor(url: string, user: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 820, height: 1000 } });
    const page = await context.newPage();
    visitorProblems.push(pageProblems(page));
    await page.goto(url);
    await page.getByLabel('User name').fill(user);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.locator('header .who'), new RegExp(`Signed in as ${user}`));
    return page;
  }

  /** Clicks the claim button and returns the answer the page shows. */
  async function claim(page: Page, expected: RegExp): Promise<string> {
    await page.getByRole('button', { name: 'Claim my coupon' }).click();
    return waitForText(
      page.getByRole('status').filter({ hasText: /coupon|Sold out|Not open|try again|expired/ }),
      expected,
    );
  }

  it('runs a drop: vendor and campaign from the console, claims until sold out, close, redeem, settlement', async () => {
    // Prepare: the console, signed with the local admin's credentials that the local cloud filled in.
    const consolePage = await (await browser.newContext({ viewport: { width: 1200, height: 1100 } })).newPage();
    const errors = pageProblems(consolePage);
    await consolePage.goto(`${base}/console/`);
    await waitForText(consolePage.locator('header .who'), /Local admin/);

    // A vendor.
    await consolePage.getByRole('link', { name: 'Vendors' }).click();
    const vendorForm = consolePage.getByRole('form', { name: 'New vendor' });
    await vendorForm.getByLabel('Vendor id').fill(VENDOR.vendorId);
    await vendorForm.getByLabel('Name').fill(VENDOR.name);
    await vendorForm.getByLabel('Currency').fill(VENDOR.currency);
    await vendorForm.getByRole('button', { name: 'Create vendor' }).click();
    await waitForText(consolePage.getByRole('group', { name: 'Balance' }), /Balance\s+0 KRW/);
    await waitForText(consolePage.locator('main'), /No redemptions yet/);

    // A campaign open all day today, previewed (dry run) before it is saved.
    const definition = openCampaign(CAMPAIGN_ID, QUOTA);
    await consolePage.getByRole('link', { name: 'Campaigns' }).click();
    await consolePage.getByRole('link', { name: 'New campaign' }).click();
    const form = consolePage.getByRole('form', { name: 'New campaign' });
    const fill = async (label: string, value: string | number) =>
      form.getByLabel(label, { exact: true }).fill(String(value));
    await fill('Campaign id', CAMPAIGN_ID);
    await fill('Name', 'Browser drop');
    await form.getByLabel('Vendor', { exact: true }).selectOption(VENDOR.vendorId);
    await fill('Time zone', definition.timezone);
    await fill('Start date', definition.startDate);
    await fill('End date', definition.endDate);
    await fill('Window opens', '00:00');
    await fill('Window closes', '24:00');
    await fill('Daily quota', QUOTA);
    await fill('Discount value', 50);
    const create = consolePage.getByRole('button', { name: 'Create campaign' });
    expect(await create.isDisabled()).toBe(true);
    await consolePage.getByRole('button', { name: 'Preview (dry run)' }).click();
    const dryRun = await waitForText(consolePage.locator('main'), /Calendar/);
    expect(dryRun).toContain(`3 issue days, ${QUOTA * 3} coupons in all`);
    // The period starts yesterday (openCampaign), so the dry run says only today and tomorrow will issue.
    expect(dryRun).toMatch(/1 warning\b/);
    expect(dryRun).toMatch(/PERIOD_STARTED.*only the 2 from/);
    await create.click();
    await waitForText(consolePage.locator('h2'), /Browser drop\s+Open now/);
    expect(consolePage.url()).toMatch(new RegExp(`#/campaigns/${CAMPAIGN_ID}$`));
    await waitForText(consolePage.getByRole('group', { name: 'Remaining' }), new RegExp(`Remaining\\s+${QUOTA}$`));
    await waitForText(consolePage.locator('main'), /Open now\./);
    const dropUrl = await consolePage.getByRole('link', { name: 'Open the drop page' }).getAttribute('href');
    expect(dropUrl).toMatch(new RegExp(`/drop/\\?campaign=${CAMPAIGN_ID}$`));

    // Act: visitors claim one after the other until sold out.
    const winners: Page[] = [];
    for (let i = 1; i <= QUOTA; i++) {
      const page = await visitor(String(dropUrl), `visitor-${i}`);
      if (i === 1) await waitForText(page.getByRole('timer'), /Open now/);
      expect(await claim(page, /You got coupon #\d+!/)).toContain(`#${i}!`);
      // A winner's second claim while the drop is still open.
      if (i === 1) expect(await claim(page, /already have/)).toMatch(/You already have today’s coupon \(#1\)/);
      winners.push(page);
      if (i === QUOTA - 1) {
        // Mid-drop: admissions climbing, the persisted line following.
        await waitForText(consolePage.getByRole('group', { name: 'Admitted' }), new RegExp(`Admitted\\s+${i}$`));
        await waitForText(consolePage.getByRole('group', { name: 'Persisted' }), /Persisted\s+[1-9]/, 90_000);
        await consolePage.screenshot({ path: path.join(SCREENSHOTS, 'console.png'), fullPage: true });
      }
    }
    // A latecomer is told it is sold out today, and cannot claim (the page reads the campaign's public view).
    const late = await visitor(String(dropUrl), 'visitor-late');
    await waitForText(late.locator('main'), /Sold out today/);
    await waitForText(late.locator('main'), new RegExp(`0 of ${QUOTA}`));
    expect(await late.getByRole('button', { name: 'Claim my coupon' }).isDisabled()).toBe(true);

    // Assess: the console's counts and chart reach the quota, and the persisted line follows.
    await waitForText(consolePage.getByRole('group', { name: 'Admitted' }), new RegExp(`Admitted\\s+${QUOTA}$`));
    await waitForText(consolePage.getByRole('group', { name: 'Remaining' }), /Remaining\s+0$/);
    await waitForText(
      consolePage.getByRole('group', { name: 'Persisted' }),
      new RegExp(`Persisted\\s+${QUOTA}$`),
      90_000,
    );
    const plot = consolePage.locator('.u-over');
    const box = await plot.boundingBox();
    await plot.hover({ position: { x: (box?.width ?? 100) - 2, y: 10 } });
    const legend = await waitForText(consolePage.locator('.u-legend'), new RegExp(`Persisted:?\\s*${QUOTA}`));
    expect(legend).toMatch(new RegExp(`Admitted:?\\s*${QUOTA}`));
    expect(legend).toMatch(/Remaining:?\s*0/);
    const today = await waitForText(
      consolePage.getByRole('table', { name: 'Per issue day' }),
      new RegExp(`\\d{4}-\\d{2}-\\d{2}\\s+${QUOTA}\\s+${QUOTA}\\s+${QUOTA}\\s+0\\s+0`),
      30_000,
    );
    expect(today).toBeTruthy();
    const [download] = await Promise.all([
      consolePage.waitForEvent('download'),
      consolePage.getByRole('button', { name: 'Download winners CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('rank,userId,admittedAt,couponId,couponStatus');
    expect(csv.slice(1).map((row) => row.split(',')[1])).toEqual(
      Array.from({ length: QUOTA }, (_, i) => `visitor-${i + 1}`),
    );

    // The winner's coupon on the drop page.
    const winner = winners[0] as Page;
    await waitForText(winner.getByRole('listitem'), /50% off · browser-drop · #1 of .* ISSUED/);
    await winner.screenshot({ path: path.join(SCREENSHOTS, 'drop-page.png'), fullPage: true });

    // Close the campaign, after the confirmation; a new visitor is then told it is not open.
    let confirmation = '';
    consolePage.once('dialog', (dialog) => {
      confirmation = dialog.message();
      void dialog.accept();
    });
    await consolePage.getByRole('button', { name: 'Close campaign' }).click();
    await waitForText(consolePage.locator('h2'), /Browser drop\s+closed/);
    expect(confirmation).toMatch(/Close "Browser drop"/);
    const after = await visitor(String(dropUrl), 'visitor-after');
    await waitForText(after.locator('main'), /The organizer has closed this drop/);
    expect(await after.getByRole('button', { name: 'Claim my coupon' }).isVisible()).toBe(false);

    // The holder only shows the coupon; the shop's checkout redeems it for an order, and the vendor's settlement
    // shows the credit.
    const couponId = (await winner.locator('li[data-coupon] code').textContent()) as string;
    expect(await winner.locator('li[data-coupon]').getAttribute('data-coupon')).toBe(couponId);
    const redeemed = await cloud.client.checkout.POST('/v1/checkout/redemptions', {
      body: { userId: 'visitor-1', couponId, orderId: 'order-42', orderAmount: 20_000, currency: 'KRW' },
    });
    expect(redeemed.response.status).toBe(201);
    await consolePage.goto(`${base}/console/#/vendors/${VENDOR.vendorId}`);
    await waitForText(consolePage.getByRole('group', { name: 'Balance' }), /Balance\s+10,000 KRW/);
    await waitForText(consolePage.getByRole('group', { name: 'Redemptions' }), /Redemptions\s+1$/);
    await waitForText(consolePage.getByRole('table', { name: /Ledger/ }), /order-42.*browser-drop\s+10,000 KRW/s);
    // The checkout refunds the order: a new, negative ledger entry; the balance back to 0.
    const refunded = await cloud.client.checkout.POST('/v1/checkout/redemptions/{redemptionId}/refund', {
      params: { path: { redemptionId: redeemed.data?.redemptionId as string } },
      body: { reason: 'order returned' },
    });
    expect(refunded.response.status).toBe(200);
    await consolePage.reload();
    await waitForText(consolePage.getByRole('group', { name: 'Balance' }), /Balance\s+0 KRW/);
    await waitForText(consolePage.getByRole('group', { name: 'Refunds' }), /Refunds\s+1$/);
    await waitForText(consolePage.getByRole('table', { name: /Ledger/ }), /order-42.*-10,000 KRW\s+Refund/s);
    expect(errors).toEqual([]);
    expect(visitorProblems.flat()).toEqual([]);
  });

  it('updates a campaign before its start, after a dry run of the change', async () => {
    // Prepare: a campaign that starts tomorrow, created through the API.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const future = { ...openCampaign('browser-later', 3), name: 'Later drop', startDate: tomorrow, endDate: tomorrow };
    const created = await cloud.client.admin.POST('/v1/admin/campaigns', { body: future });
    expect(created.response.status).toBe(201);
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 1000 } })).newPage();
    await page.goto(`${base}/console/#/campaigns`);
    await waitForText(page.getByRole('table'), /Later drop[\s\S]*browser-later/);
    await page.getByRole('link', { name: /Later drop/ }).click();
    await waitForText(page.locator('h2'), /Later drop\s+Opens soon/);
    // The vendor list answers only after the preview has run (a slow admin API, as under load): the form must be
    // valid with the campaign's own vendor meanwhile (CI once clicked Preview while the list was loading, and the
    // browser's constraint validation silently refused to submit).
    let previewed!: () => void;
    const vendorsHeld = new Promise<void>((resolve) => (previewed = resolve));
    await page.route('**/v1/admin/vendors*', async (route) => {
      await vendorsHeld;
      await route.continue();
    });

    // Act: edit the quota and the per-user limit, preview, save.
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit campaign' });
    await form.getByLabel('Daily quota', { exact: true }).fill('7');
    await form.getByLabel('Per-user limit').selectOption('campaign');
    const save = form.getByRole('button', { name: 'Save changes' });
    expect(await save.isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Preview (dry run)' }).click();
    await waitForText(page.getByRole('table', { name: /Calendar/ }), new RegExp(`${tomorrow}[^\n]*\\s7\\b`));
    previewed();
    await waitForText(form.getByLabel('Vendor', { exact: true }), /Choose a vendor/);
    expect(await form.getByLabel('Vendor', { exact: true }).inputValue()).toBe(future.vendorId);
    await save.click();

    // Assess: the page shows the new quota, and so does the API.
    await waitForText(page.locator('main'), /· 7 a day ·/);
    const stored = await cloud.client.admin.GET('/v1/admin/campaigns/{campaignId}', {
      params: { path: { campaignId: 'browser-later' } },
    });
    expect(stored.data?.dailyQuota).toBe(7);
    expect(stored.data?.perUserCampaignLimit).toBe(1);
  });

  it('shows the parked failed events of a campaign and redrives them, one and then the rest of the day', async () => {
    // Prepare: three admissions whose coupon writes keep failing until the replay parks them.
    const campaignId = 'browser-parked';
    expect(
      (await cloud.client.admin.POST('/v1/admin/campaigns', { body: openCampaign(campaignId, 3) })).response.status,
    ).toBe(201);
    await probe.chaos(COUPON_WRITES_KEEP_FAILING);
    const users = ['parked-1', 'parked-2', 'parked-3'];
    const answers = await probe.issue(campaignId, users);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const day = { campaignId, issueDate: String(answers[0]?.body.issueDate) };
    await probe.until(
      'every admission parked',
      async () => {
        await probe.runReplay();
        return (await probe.sample(day)).parked === users.length;
      },
      // As in operate.test.ts: five receives with backoff to reach the dead-letter queue, then three replay
      // attempts; about three minutes here, more on a loaded machine.
      PARKING_TIMEOUT_MS,
      2_000,
    );
    await probe.chaos({});
    // Each parked admission is announced once on the bus (the failed-event table's stream), for a team's pager.
    const parkedEvents = async () =>
      distinctEvents((await probe.events('AdmissionParked')).filter((e) => e.detail.campaignId === campaignId));
    await probe.eventsSettled('3 AdmissionParked events', async () => (await parkedEvents()).size, users.length);
    const failures = (await probe.failures(campaignId)).filter((f) => f.status === 'PARKED');
    const announced = [...(await parkedEvents()).values()];
    expect(announced.map((d) => d.failedEventId).sort()).toEqual(failures.map((f) => f.failedEventId).sort());
    for (const detail of announced) {
      expect(detail).toMatchObject({
        reason: 'ERROR',
        issueDate: day.issueDate,
        lastError: expect.stringMatching(/AccessDenied/),
      });
    }

    // Act and assess: the console lists them; redrive one, then the rest of the day.
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 1000 } })).newPage();
    await page.goto(`${base}/console/#/campaigns/${campaignId}`);
    const parked = page.locator('section', { has: page.getByRole('heading', { name: 'Parked failed events' }) });
    await waitForText(parked, /3 parked[\s\S]*ERROR/);
    await parked
      .getByRole('button', { name: /^Redrive (?!every)/ })
      .first()
      .click();
    await waitForText(parked, /2 parked/);
    await parked.getByRole('button', { name: `Redrive every parked event of ${day.issueDate}` }).click();
    await waitForText(parked, /Nothing parked/);
    await waitForText(page.getByRole('group', { name: 'Persisted' }), /Persisted\s+3$/, 90_000);
    expect(await probe.persistedCount(day)).toBe(3);
  });
  it('lists campaigns by start, picks the vendor among every vendor, sets pre-warming, and ticks the chart as a clock', async () => {
    // Prepare: more vendors than one page of the listing; the picked one sorts last by id (the second page).
    const picked = { vendorId: 'zz-last-vendor', name: 'Zeta Bakery', currency: 'KRW' };
    const bulk = Array.from({ length: 100 }, (_, i) => ({
      vendorId: `bulk-${String(i).padStart(3, '0')}`,
      name: `Bulk vendor ${i}`,
      currency: 'USD',
    }));
    for (const body of [...bulk, picked]) {
      expect((await cloud.client.admin.POST('/v1/admin/vendors', { body })).response.status).toBe(201);
    }
    // Campaigns created out of order: next year's, two tomorrow (apart by name only) and one open now.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const nextYear = `${new Date().getUTCFullYear() + 1}-05-01`;
    const campaigns = [
      { ...openCampaign('sorted-next-year', 3), name: 'Next year sale', startDate: nextYear, endDate: nextYear },
      { ...openCampaign('sorted-tomorrow-b', 3), name: 'B tomorrow', startDate: day(1), endDate: day(1) },
      { ...openCampaign('sorted-tomorrow-a', 3), name: 'A tomorrow', startDate: day(1), endDate: day(1) },
      { ...openCampaign('sorted-open', 3), name: 'Open now' },
    ];
    for (const body of campaigns) {
      expect((await cloud.client.admin.POST('/v1/admin/campaigns', { body })).response.status).toBe(201);
    }
    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
    // Every text drawn on a canvas (uPlot draws its axes' tick labels there), to read the time axis.
    // (A script string: this file is compiled without the DOM's types.)
    await context.addInitScript(`
      window.drawnText = [];
      const fillText = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        window.drawnText.push(String(text));
        return fillText.call(this, text, ...rest);
      };
    `);
    const page = await context.newPage();
    const errors = pageProblems(page);

    // The list: by period start, then name; a campaign of next year is not active.
    await page.goto(`${base}/console/#/campaigns`);
    const list = page.getByRole('table');
    await waitForText(list, /Next year sale/);
    const rows = await list.locator('tbody tr').allInnerTexts();
    const starts = rows.map((row) => /(\d{4}-\d{2}-\d{2}) →/.exec(row)?.[1] ?? '');
    expect(starts).toEqual([...starts].sort());
    const order = ['Open now', 'A tomorrow', 'B tomorrow', 'Next year sale'];
    expect(rows.filter((row) => order.some((name) => row.startsWith(name))).map((row) => row.split('\n')[0])).toEqual(
      order,
    );
    // Each row's state, as its public view answers it (the date-only badge until then).
    const stateOf = (name: string) => list.locator('tbody tr', { hasText: name }).locator('[data-state]');
    await stateOf('Next year sale').waitFor();
    expect(await stateOf('Next year sale').getAttribute('data-state')).toBe('SCHEDULED');
    expect(await stateOf('Next year sale').innerText()).toBe('Opens soon');
    await stateOf('Open now').waitFor();
    expect(await stateOf('Open now').getAttribute('data-state')).toBe('OPEN');
    // The vendor by name, with its id.
    await waitForText(list.locator('tbody tr', { hasText: 'Open now' }), /Test vendor\s+test-vendor/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-campaigns.png'), fullPage: true });

    // The form: the vendor among every vendor (both pages), pre-warming set; the dry run says what it will do.
    await page.getByRole('link', { name: 'New campaign' }).click();
    const form = page.getByRole('form', { name: 'New campaign' });
    const vendor = form.getByLabel('Vendor', { exact: true });
    await waitForText(vendor, /Zeta Bakery \(zz-last-vendor\)/);
    expect(await vendor.locator('option').count()).toBeGreaterThanOrEqual(bulk.length + 2);
    await vendor.selectOption(picked.vendorId);
    const fill = async (label: string, value: string | number) =>
      form.getByLabel(label, { exact: true }).fill(String(value));
    await fill('Campaign id', 'browser-prewarm');
    await fill('Name', 'Pre-warmed drop');
    await fill('Start date', day(2));
    await fill('End date', day(3));
    await fill('Pre-warm lead (minutes)', 10);
    await fill('Pre-warm concurrency', 4);
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    await waitForText(
      page.locator('main'),
      /Pre-warm: 4 execution environments \(from prewarm.concurrency\), raised 10 minutes before each window opens, on 2 days/,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-campaign-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await waitForText(page.locator('h2'), /Pre-warmed drop/);
    const read = async () =>
      (
        await cloud.client.admin.GET('/v1/admin/campaigns/{campaignId}', {
          params: { path: { campaignId: 'browser-prewarm' } },
        })
      ).data;
    expect(await read()).toMatchObject({ vendorId: picked.vendorId, prewarm: { leadMinutes: 10, concurrency: 4 } });

    // Editing: the picker keeps the vendor, the fields show the pre-warming; emptied, they remove it.
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit campaign' });
    await waitForText(edit.getByLabel('Vendor', { exact: true }), /Zeta Bakery/);
    expect(await edit.getByLabel('Vendor', { exact: true }).inputValue()).toBe(picked.vendorId);
    expect(await edit.getByLabel('Pre-warm lead (minutes)').inputValue()).toBe('10');
    await edit.getByLabel('Pre-warm lead (minutes)').fill('');
    await edit.getByLabel('Pre-warm concurrency').fill('');
    await edit.getByRole('button', { name: 'Preview (dry run)' }).click();
    await waitForText(page.locator('main'), /No pre-warm/);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await waitForText(page.locator('main'), /Pre-warmed drop/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await read())?.prewarm).toBeUndefined();

    // The live chart of an open campaign: its time axis reads 12:00:15 or 12:00, never :15.120.
    await page.goto(`${base}/console/#/campaigns/sorted-open`);
    const timeLabels = async () =>
      ((await page.evaluate('window.drawnText')) as string[]).filter(
        (text) => text.trim() !== '' && text !== 'coupons' && !/^-?[\d.,]+$/.test(text),
      );
    const deadline = Date.now() + 60_000;
    while ((await timeLabels()).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    const labels = await timeLabels();
    expect(labels.length).toBeGreaterThanOrEqual(3);
    for (const label of labels) expect(label).toMatch(/^\d{2}:\d{2}(:\d{2})?$/);
    expect(errors).toEqual([]);
  });
});
