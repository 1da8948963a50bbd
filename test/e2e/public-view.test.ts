import { DateTime } from 'luxon';
import { call, middayZone, openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';

// A campaign's public view (`GET /v1/campaigns/{campaignId}`) and its count through the local cloud, in each state,
// against what the issue route answers at the same moment. Each campaign lies in a zone where it is midday, so no
// issue day rolls over while the test runs.

jest.setTimeout(600_000);

describe('the public view of a campaign (local cloud, redis admission mode)', () => {
  let cloud: RunningCloud;
  let api: string;
  const zone = middayZone();
  const today = DateTime.now().setZone(zone).startOf('day');
  const day = (days: number) => today.plus({ days }).toISODate() as string;
  const view = async (campaignId: string) => call(`${api}/v1/campaigns/${campaignId}`, { sign: false });
  const countOf = async (campaignId: string) => call(`${api}/v1/campaigns/${campaignId}/count`, { sign: false });
  const issue = async (campaignId: string, user: string) =>
    call(`${api}/v1/campaigns/${campaignId}/issue`, { body: {}, as: user });
  const create = async (definition: object) => {
    const created = await call(`${api}/v1/admin/campaigns`, { body: definition });
    expect(created.status).toBe(201);
  };

  beforeAll(async () => {
    cloud = await startCloudProcess('redis', { tag: 'public-view' });
    api = cloud.endpoints.apiUrl;
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('SCHEDULED: the first window ahead, no quota today; issue says NOT_OPEN with the same opening', async () => {
    // Prepare: a campaign from the day after tomorrow, 10:00-11:00.
    await create({
      ...openCampaign('pv-scheduled', 50, zone),
      name: 'Autumn drop',
      startDate: day(2),
      endDate: day(3),
      dailyWindow: { open: '10:00', close: '11:00' },
      discount: { type: 'AMOUNT', value: 3000 },
    });
    const opensAt = today.plus({ days: 2, hours: 10 }).toUTC().toISO();

    // Act
    const answer = await view('pv-scheduled');
    const refused = await issue('pv-scheduled', 'early-bird');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      campaignId: 'pv-scheduled',
      name: 'Autumn drop',
      vendor: { vendorId: 'test-vendor', name: 'Test vendor', currency: 'KRW' },
      discount: { type: 'AMOUNT', value: 3000 },
      timezone: zone,
      startDate: day(2),
      endDate: day(3),
      state: 'SCHEDULED',
      today: day(0),
      quota: null,
      remaining: null,
    });
    expect(Date.parse(String((answer.body.window as { opensAt: string }).opensAt))).toBe(Date.parse(String(opensAt)));
    expect(refused).toMatchObject({ status: 409, body: { code: 'NOT_OPEN' } });
    expect(Date.parse(String(refused.body.opensAt))).toBe(Date.parse(String(opensAt)));
    expect((await countOf('pv-scheduled')).body).toMatchObject({ state: 'SCHEDULED', quota: 50, remaining: null });
  });

  it('OPEN, then SOLD_OUT_TODAY once the quota is admitted: view, count and issue agree', async () => {
    await create({ ...openCampaign('pv-open', 2, zone), name: 'Open drop' });
    expect((await view('pv-open')).body).toMatchObject({ state: 'OPEN', quota: 2, remaining: 2 });
    expect((await issue('pv-open', 'u1')).status).toBe(202);
    expect((await view('pv-open')).body).toMatchObject({ state: 'OPEN', remaining: 1 });
    expect((await issue('pv-open', 'u2')).status).toBe(202);

    const soldOut = await view('pv-open');
    expect(soldOut.body).toMatchObject({
      state: 'SOLD_OUT_TODAY',
      quota: 2,
      remaining: 0,
      window: { closesAt: today.plus({ days: 1 }).toUTC().toISO({ suppressMilliseconds: false }) },
    });
    expect((await countOf('pv-open')).body).toMatchObject({ state: 'SOLD_OUT_TODAY', remaining: 0, admitted: 2 });
    expect((await issue('pv-open', 'u3')).body).toMatchObject({ code: 'SOLD_OUT' });
  });

  it("BETWEEN_WINDOWS after today's window: the next day's opening, and issue says NOT_OPEN with it", async () => {
    await create({ ...openCampaign('pv-between', 5, zone), dailyWindow: { open: '00:00', close: '01:00' } });
    const answer = await view('pv-between');
    const next = Date.parse(String(today.plus({ days: 1 }).toUTC().toISO()));
    expect(answer.body).toMatchObject({ state: 'BETWEEN_WINDOWS', quota: 5, remaining: 5 });
    expect(Date.parse(String(answer.body.nextOpensAt))).toBe(next);
    const refused = await issue('pv-between', 'u1');
    expect(refused).toMatchObject({ status: 409, body: { code: 'NOT_OPEN' } });
    expect(Date.parse(String(refused.body.opensAt))).toBe(next);
  });

  it('ENDED after the period: no window, no quota; issue says ENDED; the count has no remaining', async () => {
    await create({ ...openCampaign('pv-ended', 5, zone), startDate: day(-3), endDate: day(-1) });
    expect((await view('pv-ended')).body).toMatchObject({
      state: 'ENDED',
      window: null,
      nextOpensAt: null,
      quota: null,
      remaining: null,
    });
    expect(await issue('pv-ended', 'u1')).toMatchObject({ status: 409, body: { code: 'ENDED' } });
    expect((await countOf('pv-ended')).body).toMatchObject({ state: 'ENDED', remaining: null });
  });

  it('CLOSED once an admin closes it: no window, no quota; issue says NOT_OPEN without an opening', async () => {
    await create(openCampaign('pv-closed', 5, zone));
    expect((await call(`${api}/v1/admin/campaigns/pv-closed/close`, { body: {} })).status).toBe(200);
    // The query function caches a campaign up to 10 s (CAMPAIGN_CACHE_TTL_MS); the close reaches it by then.
    let answer = await view('pv-closed');
    for (let i = 0; i < 30 && answer.body.state !== 'CLOSED'; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      answer = await view('pv-closed');
    }
    expect(answer.body).toMatchObject({ state: 'CLOSED', window: null, quota: null, remaining: null });
    const refused = await issue('pv-closed', 'u1');
    expect(refused).toMatchObject({ status: 409, body: { code: 'NOT_OPEN' } });
    expect(refused.body.opensAt).toBeUndefined();
  });

  it('answers an unknown campaign with a 404 problem, and a bad id with a 400 naming it', async () => {
    const missing = await view('no-such-drop');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(missing.body).toMatchObject({ status: 404, code: 'CAMPAIGN_NOT_FOUND' });
    const bad = await view('bad%20id');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(String(bad.body.message)).toMatch(/campaignId/);
  });
});
