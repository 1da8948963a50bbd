import type { CampaignDay } from '../../src/functions/domain/admission/admission';
import { call, openCampaign, type RunningCloud, startCloudProcess, TEST_VENDOR } from '../../tools/local/child-cloud';
import { PARKING_TIMEOUT_MS, PipelineProbe } from '../support/pipeline';

// The operator's side through the local cloud's API: redrive of parked admissions, the winners of a day, the vendors.

jest.setTimeout(600_000);

/** Short visibility timeout so a failing message reaches the dead-letter queue in ~10 s (5 receives). */
const VISIBILITY_S = 2;

/**
 * The fault that makes admissions end PARKED: every coupon write (the consumer's and the replay's transaction)
 * fails, through the replay's attempts. It is an InternalServerError, which the replay of this branch parks after
 * MAX_REPLAY_ATTEMPTS; if the replay stops parking retryable errors, swap in a fault the replay treats as final.
 */
// A failure the replay cannot outlast (the consumer's role lost a permission): a retryable one is never parked.
const COUPON_WRITES_KEEP_FAILING = {
  dynamodb: { TransactWriteItems: { errorRate: 1, error: 'AccessDeniedException' } },
};

const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('operating a drop in the local cloud (redis admission mode)', () => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;
  let api: string;

  beforeAll(async () => {
    cloud = await startCloudProcess('redis', { tag: 'operate', visibilityTimeoutS: VISIBILITY_S });
    probe = new PipelineProbe(cloud);
    api = cloud.endpoints.apiUrl;
  });
  afterEach(async () => {
    await probe?.chaos({});
  });
  afterAll(async () => {
    probe?.close();
    await cloud?.stop();
  });

  /** Every page of the failed-event listing for `query`, `limit` per page. */
  async function listAll(query: Record<string, string>, limit: number): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const { status, body } = await call(`${api}/v1/admin/failed-events?${params}`);
      expect(status).toBe(200);
      const page = body.items as Record<string, unknown>[];
      expect(page.length).toBeLessThanOrEqual(limit);
      items.push(...page);
      cursor = body.nextCursor as string | undefined;
      pages++;
    } while (cursor !== undefined && pages < 100);
    return items;
  }

  it('parks admissions whose coupon writes keep failing; a redrive through the API writes one coupon each', async () => {
    const campaignId = 'op-redrive';
    const quota = 5;
    await probe.createCampaign(openCampaign(campaignId, quota));
    await probe.chaos(COUPON_WRITES_KEEP_FAILING);
    const answers = await probe.issue(campaignId, users('p', quota));
    expect(answers.map((a) => a.status)).toEqual(Array(quota).fill(202));
    const day: CampaignDay = { campaignId, issueDate: String(answers[0]?.body.issueDate) };

    await probe.until(
      'every admission parked',
      async () => {
        await probe.runReplay();
        return (await probe.sample(day)).parked === quota;
      },
      PARKING_TIMEOUT_MS,
      2_000,
    );
    await probe.chaos({});
    // Parked admissions wait for an operator: neither the replay nor reconciliation writes them.
    await probe.runReplay();
    expect(await probe.persistedCount(day)).toBe(0);

    const filter = { campaignId, issueDate: day.issueDate, status: 'PARKED' };
    const parked = await listAll(filter, 2);
    expect(parked).toHaveLength(quota);
    for (const record of parked) {
      expect(record).toMatchObject({ status: 'PARKED', reason: 'ERROR', campaignId, issueDate: day.issueDate });
    }
    expect(await listAll({ campaignId: 'another-campaign' }, 20)).toEqual([]);

    // One by its id, then the rest of the day at once.
    const first = String(parked[0]?.failedEventId);
    const one = await call(`${api}/v1/admin/failed-events/${first}/redrive`, { method: 'POST' });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ failedEventId: first, status: 'REDRIVEN', redriveCount: 1 });
    const rest = await call(`${api}/v1/admin/failed-events/redrive`, { body: day });
    expect(rest.status).toBe(200);
    expect((rest.body.redriven as string[]).sort()).toEqual(
      parked
        .map((r) => String(r.failedEventId))
        .filter((id) => id !== first)
        .sort(),
    );
    expect(rest.body.skipped).toEqual([]);

    await probe.until('the redriven admissions persisted', async () => (await probe.persistedCount(day)) === quota);
    await probe.until('the queue to drain', async () => (await probe.queueDepth('IssueQueue')) === 0, 60_000);
    await probe.expectExact(day, quota);

    const records = await listAll({ campaignId, issueDate: day.issueDate }, 20);
    expect(records).toHaveLength(quota);
    for (const record of records) {
      expect(record).toMatchObject({ status: 'REDRIVEN', redriveCount: 1, attempts: expect.any(Number) });
      expect(String(record.redrivenBy)).toMatch(/^arn:aws:iam::/);
      expect(Date.parse(String(record.redrivenAt))).toBeGreaterThan(Date.parse(String(record.parkedAt)));
    }

    // A second redrive finds nothing parked; redriving a written admission again changes nothing.
    expect((await call(`${api}/v1/admin/failed-events/redrive`, { body: day })).body).toMatchObject({ redriven: [] });
    const again = await call(`${api}/v1/admin/failed-events/${first}/redrive`, { method: 'POST' });
    expect(again.body).toMatchObject({ status: 'REDRIVEN', redriveCount: 2 });
    await probe.until('the queue to drain', async () => (await probe.queueDepth('IssueQueue')) === 0, 60_000);
    await probe.expectExact(day, quota);
  });

  it('refuses bad redrive requests with a 4xx that changes nothing', async () => {
    const missing = await call(`${api}/v1/admin/failed-events/${'f'.repeat(32)}/redrive`, { method: 'POST' });
    expect(missing).toMatchObject({ status: 404, body: { code: 'FAILED_EVENT_NOT_FOUND' } });
    const orphanDate = await call(`${api}/v1/admin/failed-events?issueDate=2026-05-01`);
    expect(orphanDate).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    const badStatus = await call(`${api}/v1/admin/failed-events?status=GONE`);
    expect(badStatus.status).toBe(400);
    const badBody = await call(`${api}/v1/admin/failed-events/redrive`, { body: { campaignId: 'x' } });
    expect(badBody.status).toBe(400);
    const unsigned = await call(`${api}/v1/admin/failed-events`, { sign: false });
    expect(unsigned.status).toBe(403);
  });

  it('lists the winners of a day with rank, coupon and status, as JSON pages and as CSV', async () => {
    const campaignId = 'op-winners';
    const quota = 3;
    await probe.createCampaign(openCampaign(campaignId, quota));
    const answers = await probe.issue(campaignId, users('w', 6), 1);
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(quota);
    const issueDate = String(accepted[0]?.body.issueDate);
    await probe.until('coupons written', async () => (await probe.persistedCount({ campaignId, issueDate })) === quota);
    const winner = accepted[0] as (typeof accepted)[number];
    const redeemed = await call(`${api}/v1/checkout/redemptions`, {
      body: {
        userId: winner.userId,
        couponId: winner.body.couponId,
        orderId: 'order-1',
        orderAmount: 10_000,
        currency: 'KRW',
      },
    });
    expect(redeemed.status).toBe(201);

    const url = `${api}/v1/admin/campaigns/${campaignId}/days/${issueDate}/winners`;
    const first = await call(`${url}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ campaignId, issueDate, quota, admitted: quota, persisted: quota });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(`${url}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.nextCursor).toBeUndefined();
    const items = [...(first.body.items as never[]), ...(second.body.items as never[])] as Record<string, unknown>[];
    expect(items.map((w) => w.rank)).toEqual([1, 2, 3]);
    expect(items.map((w) => w.userId)).toEqual(accepted.map((a) => a.userId));
    for (const [i, w] of items.entries()) {
      expect(w.couponId).toBe(accepted[i]?.body.couponId);
      expect(w.couponStatus).toBe(i === 0 ? 'REDEEMED' : 'ISSUED');
      expect(Number.isNaN(Date.parse(String(w.admittedAt)))).toBe(false);
    }

    const csv = await cloud.client.fetch(url, { headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('x-admitted')).toBe(String(quota));
    expect(csv.headers.get('x-persisted')).toBe(String(quota));
    expect(csv.headers.get('x-quota')).toBe(String(quota));
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('rank,userId,admittedAt,couponId,couponStatus');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(accepted.map((a) => a.userId));
    expect(lines[1]?.endsWith(',REDEEMED')).toBe(true);

    expect((await call(`${api}/v1/admin/campaigns/nope/days/${issueDate}/winners`)).status).toBe(404);
    expect((await call(`${api}/v1/admin/campaigns/${campaignId}/days/2026-02-30/winners`)).status).toBe(400);
    expect((await call(`${url}?limit=0`)).status).toBe(400);
  });
  it('lists every vendor once, by vendorId, page by page through the typed client, and refuses bad page queries', async () => {
    // Prepare: three vendors created out of order, beside the cloud's test vendor (whose coupons were redeemed).
    const ids = ['op-vendor-b', 'op-vendor-c', 'op-vendor-a'];
    for (const vendorId of ids) {
      const created = await cloud.client.admin.POST('/v1/admin/vendors', {
        body: { vendorId, name: `Vendor ${vendorId}`, currency: 'USD' },
      });
      expect(created.response.status).toBe(201);
    }

    // Act: every page of two.
    const listed: { vendorId: string; name: string; currency: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { data, response } = await cloud.client.admin.GET('/v1/admin/vendors', {
        params: { query: { limit: '2', ...(cursor ? { cursor } : {}) } },
      });
      expect(response.status).toBe(200);
      expect(data?.items.length).toBeLessThanOrEqual(2);
      listed.push(...(data?.items ?? []));
      cursor = data?.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 50);

    // Assess: vendors only (no ledger credits), each once, in vendorId order, with their fields.
    const listedIds = listed.map((v) => v.vendorId);
    expect(listedIds).toEqual([...new Set(listedIds)].sort());
    expect(listedIds).toEqual(expect.arrayContaining([...ids, TEST_VENDOR.vendorId]));
    expect(listed.find((v) => v.vendorId === 'op-vendor-a')).toMatchObject({
      name: 'Vendor op-vendor-a',
      currency: 'USD',
    });
    expect(pages).toBeGreaterThanOrEqual(2);

    const zero = await call(`${api}/v1/admin/vendors?limit=0`);
    expect(zero).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST', errors: [{ path: 'limit' }] } });
    const foreign = await call(
      `${api}/v1/admin/vendors?cursor=${Buffer.from('{"couponId":"x"}').toString('base64url')}`,
    );
    expect(foreign).toMatchObject({ status: 400, body: { errors: [{ path: 'cursor' }] } });
    expect((await call(`${api}/v1/admin/vendors`, { sign: false })).status).toBe(403);
  });
});
