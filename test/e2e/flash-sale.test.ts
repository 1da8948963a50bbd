import { call, openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { PipelineProbe } from '../support/pipeline';

jest.setTimeout(300_000);

const QUOTA = 100;
const DISTINCT_USERS = 1_500;
const REQUESTS = 2_000;

describe.each(['redis', 'dynamodb'] as const)('local cloud, %s admission mode', (mode) => {
  let cloud: RunningCloud;
  let api: string;

  beforeAll(async () => {
    cloud = await startCloudProcess(mode);
    api = cloud.endpoints.apiUrl;
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('reports the admission mode it runs', () => {
    expect(cloud.endpoints.admissionMode).toBe(mode);
  });

  it('admits exactly the quota from a burst with duplicates, and persists exactly those coupons', async () => {
    // Prepare
    const campaignId = `burst-${mode}`;
    const created = await call(`${api}/v1/admin/campaigns`, { body: openCampaign(campaignId, QUOTA) });
    expect(created.status).toBe(201);
    // 1,500 distinct users, 500 of them sending twice, shuffled.
    const users = Array.from({ length: DISTINCT_USERS }, (_, i) => `user-${i}`);
    const requests = [...users, ...users.slice(0, REQUESTS - DISTINCT_USERS)];
    for (let i = requests.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [requests[i], requests[j]] = [requests[j] as string, requests[i] as string];
    }

    // Each user signs in first (a token from the local issuer), so the burst measures only itself.
    await cloud.client.tokensFor(users);

    // Act: every request in flight at once.
    const results = await Promise.all(
      requests.map(async (userId) => ({
        userId,
        ...(await call(`${api}/v1/campaigns/${campaignId}/issue`, { method: 'POST', as: userId })),
      })),
    );

    // Assess: the answers.
    const fiveHundreds = results.filter((r) => r.status >= 500);
    expect(fiveHundreds).toEqual([]);
    const accepted = results.filter((r) => r.body.code === 'ACCEPTED');
    expect(accepted.every((r) => r.status === 202)).toBe(true);
    expect(accepted).toHaveLength(QUOTA);
    const ranks = accepted.map((r) => Number(r.body.rank)).sort((a, b) => a - b);
    if (mode === 'redis') {
      expect(ranks).toEqual(Array.from({ length: QUOTA }, (_, i) => i + 1));
    } else {
      // DynamoDB mode: a concurrent repeat of a user takes a rank ticket before its transaction finds the winner, so
      // ranks are unique but may skip a number (see DynamoDbAdmissionStore).
      expect(new Set(ranks).size).toBe(QUOTA);
      expect(ranks.every((rank) => rank >= 1)).toBe(true);
    }
    const winners = new Set(accepted.map((r) => r.userId));
    expect(winners.size).toBe(QUOTA);
    for (const r of results) {
      if (r.body.code === 'ACCEPTED') continue;
      if (winners.has(r.userId)) {
        // A winner's other request: ALREADY_ISSUED with the winner's rank.
        expect(r).toMatchObject({ status: 409, body: { code: 'ALREADY_ISSUED' } });
        const win = accepted.find((a) => a.userId === r.userId);
        expect(r.body.rank).toBe(win?.body.rank);
      } else {
        expect(r).toMatchObject({ status: 409, body: { code: 'SOLD_OUT' } });
      }
    }

    // Assess: once drained, exactly the winners' coupons exist.
    let count: Record<string, unknown> = {};
    for (let waited = 0; waited < 60_000; waited += 500) {
      count = (await call(`${api}/v1/campaigns/${campaignId}/count`)).body;
      if (count.persisted === QUOTA) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(count).toMatchObject({ quota: QUOTA, admitted: QUOTA, persisted: QUOTA, remaining: 0 });
    const probe = new PipelineProbe(cloud);
    const coupons = await probe.coupons(campaignId);
    probe.close();
    expect(coupons).toHaveLength(QUOTA);
    expect(new Set(coupons.map((c) => c.userId))).toEqual(winners);
    for (const coupon of coupons) {
      const win = accepted.find((a) => a.userId === coupon.userId);
      expect(coupon).toMatchObject({ status: 'ISSUED', rank: win?.body.rank, couponId: win?.body.couponId });
    }

    // A winner sees the coupon; a user who lost sees 404.
    const winner = accepted[0] as (typeof accepted)[number];
    const mine = await call(`${api}/v1/campaigns/${campaignId}/users/me/coupon`, { as: winner.userId });
    expect(mine).toMatchObject({ status: 200, body: { status: 'ISSUED', coupon: { userId: winner.userId } } });
    const loser = users.find((u) => !winners.has(u)) as string;
    expect((await call(`${api}/v1/campaigns/${campaignId}/users/${loser}/coupon`, { as: loser })).status).toBe(404);
  });

  it('answers bad input with a 4xx that says what is wrong', async () => {
    const campaignId = `input-${mode}`;
    expect((await call(`${api}/v1/admin/campaigns`, { body: openCampaign(campaignId, 5) })).status).toBe(201);
    expect(await call(`${api}/v1/admin/campaigns`, { body: openCampaign(campaignId, 5) })).toMatchObject({
      status: 409,
      body: { code: 'CAMPAIGN_EXISTS' },
    });
    const malformed = await call(`${api}/v1/campaigns/${campaignId}/issue`, { raw: '{"userId":', as: 'u' });
    expect(malformed).toMatchObject({
      status: 400,
      body: { code: 'INVALID_REQUEST', message: 'request body is not valid JSON' },
    });
    const wrongType = await call(`${api}/v1/campaigns/${campaignId}/issue`, { body: { userId: 42 }, as: 'u' });
    expect(wrongType.status).toBe(400);
    expect(String(wrongType.body.message)).toContain('userId');
    const unknown = await call(`${api}/v1/campaigns/no-such-campaign/issue`, { method: 'POST', as: 'u' });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'CAMPAIGN_NOT_FOUND' } });
    const closed = openCampaign(`closed-${mode}`, 5);
    closed.startDate = '2020-01-01';
    closed.endDate = '2020-01-02';
    expect((await call(`${api}/v1/admin/campaigns`, { body: closed })).status).toBe(201);
    expect(await call(`${api}/v1/campaigns/closed-${mode}/issue`, { method: 'POST', as: 'u' })).toMatchObject({
      status: 409,
      body: { code: 'ENDED' },
    });
    const backwards = { ...openCampaign(`bad-${mode}`, 5), endDate: '2000-01-01' };
    const rejected = await call(`${api}/v1/admin/campaigns`, { body: backwards });
    expect(rejected.status).toBe(400);
    expect(String(rejected.body.message)).toContain('endDate');
    expect((await call(`${api}/v1/admin/campaigns/bad-${mode}`)).status).toBe(404);
    expect((await call(`${api}/v1/campaigns/${campaignId}/count`)).body).toMatchObject({ admitted: 0, persisted: 0 });
    expect((await call(`${api}/v1/nowhere`)).status).toBe(404);
  });
});
