import { call, type RunningCloud, startCloudProcess, TEST_VENDOR } from '../../local/child-cloud';

jest.setTimeout(300_000);

/** A campaign over New York's 2027 spring-forward (March 14, 02:00 EST -> 03:00 EDT), stored nowhere yet. */
const springForward = {
  campaignId: 'drop-day-dst',
  vendorId: TEST_VENDOR.vendorId,
  name: 'Spring-forward drop',
  timezone: 'America/New_York',
  startDate: '2027-03-13',
  endDate: '2027-03-15',
  dailyWindow: { open: '02:00', close: '02:59' },
  dailyQuota: 40,
  perUserDailyLimit: 1,
  couponValidityDays: 10,
  discount: { type: 'AMOUNT', value: 1000 },
};

// Drop day through the local cloud: the dry run answers from the deployed template's settings and stores nothing.
describe('drop day through the local cloud', () => {
  let cloud: RunningCloud;
  let api: string;

  beforeAll(async () => {
    cloud = await startCloudProcess('dynamodb', { tag: 'drop-day' });
    api = cloud.endpoints.apiUrl;
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('dry-runs a create: the DST-skipped day, totals, validity and the deployed settings, nothing stored', async () => {
    const answer = await call(`${api}/v1/admin/campaigns?dryRun=true`, { body: springForward });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      dryRun: true,
      days: [
        { issueDate: '2027-03-13', opensAt: '2027-03-13T07:00:00.000Z', closesAt: '2027-03-13T07:59:00.000Z' },
        { issueDate: '2027-03-14', quota: 0, openMinutes: 0, dst: { effect: 'SKIPPED' } },
        { issueDate: '2027-03-15', opensAt: '2027-03-15T06:00:00.000Z', quota: 40 },
      ],
      totalQuota: 80,
      validUntil: '2027-03-26T04:00:00.000Z',
      deployed: { admissionMode: 'dynamodb', stageThrottleRateLimit: 5000, stageThrottleBurstLimit: 5000 },
      warnings: [],
    });
    expect((await call(`${api}/v1/admin/campaigns/${springForward.campaignId}`)).status).toBe(404);
  });

  it('warns, naming the setting, when the expected peak exceeds the deployed stage throttle', async () => {
    const answer = await call(`${api}/v1/admin/campaigns?dryRun=true`, {
      body: { ...springForward, expectedPeakRps: 6000, counterShards: 6, prewarm: { leadMinutes: 5 } },
    });
    expect(answer.status).toBe(200);
    const warnings = answer.body.warnings as { code: string; setting: string; limit: number }[];
    expect(warnings.map((w) => w.code).sort()).toEqual(['STAGE_BURST', 'STAGE_THROTTLE']);
    expect(warnings.find((w) => w.code === 'STAGE_THROTTLE')).toMatchObject({
      setting: 'throttleRateLimit (construct prop)',
      limit: 5000,
    });
    expect(answer.body.prewarm).toMatchObject({
      concurrency: 120,
      leadMinutes: 5,
      days: [
        { issueDate: '2027-03-13', raiseAt: '2027-03-13T06:55:00.000Z', lowerAt: '2027-03-13T07:59:00.000Z' },
        { issueDate: '2027-03-15', raiseAt: '2027-03-15T05:55:00.000Z', lowerAt: '2027-03-15T06:59:00.000Z' },
      ],
    });
  });

  it('dry-runs an update against the stored campaign without changing it', async () => {
    const created = await call(`${api}/v1/admin/campaigns`, { body: springForward });
    expect(created.status).toBe(201);
    const url = `${api}/v1/admin/campaigns/${springForward.campaignId}`;
    const answer = await call(`${url}?dryRun=true`, { method: 'PATCH', body: { dailyQuota: 7 } });
    expect(answer).toMatchObject({ status: 200, body: { dryRun: true, totalQuota: 14 } });
    expect((await call(url)).body).toMatchObject({ dailyQuota: 40, version: 1 });
  });

  it('answers a dry run with the 4xx the real call would give, and refuses a bad dryRun flag', async () => {
    expect((await call(`${api}/v1/admin/campaigns?dryRun=true`, { body: springForward })).body).toMatchObject({
      code: 'CAMPAIGN_EXISTS',
    });
    const unknown = await call(`${api}/v1/admin/campaigns?dryRun=true`, {
      body: { ...springForward, campaignId: 'other', vendorId: 'nobody' },
    });
    expect(unknown.status).toBe(422);
    const bad = await call(`${api}/v1/admin/campaigns?dryRun=yes`, { body: { ...springForward, campaignId: 'x' } });
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toMatch(/dryRun/);
    expect((await call(`${api}/v1/admin/campaigns/x`)).status).toBe(404);
  });
});
