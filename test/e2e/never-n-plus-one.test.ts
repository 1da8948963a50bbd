import { ADMISSION_MODES } from '../../src/contract/names';
import { addDays, localDateAt } from '../../src/functions/domain/kernel/zoned-time';
import { openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { countByCode, dayOf, PipelineProbe, sleep, users } from '../support/pipeline';

// The local cloud at its default timing (the template's 180 s visibility timeout, no LOCAL_CLOUD_VISIBILITY_TIMEOUT):
// lost SendMessage answers never make an N+1, and failed coupon writes come back within seconds, not minutes.

jest.setTimeout(600_000);

describe.each(ADMISSION_MODES)('never N+1, recovered in seconds (%s admission mode, default timing)', (mode) => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;

  beforeAll(async () => {
    cloud = await startCloudProcess(mode, { tag: `never-n1-${mode}` });
    probe = new PipelineProbe(cloud);
  });
  afterEach(async () => {
    await probe?.chaos({});
  });
  afterAll(async () => {
    probe?.close();
    await cloud?.stop();
  });

  it('stored sends answered with an error: 503 users get no coupon, 202 users exactly one, the quota fills exactly', async () => {
    const campaignId = `lost-answer-${mode}`;
    const quota = 40;
    await probe.createCampaign(openCampaign(campaignId, quota));
    // Every SendMessage attempt is stored, then answered 500: the SDK's 3 attempts store 3 copies and the issue
    // function releases the admission (503), unless the consumer claimed a copy first (then it answers 202). Without
    // added latency the release wins; with 700 ms before each attempt is forwarded the consumer's claim does.
    await probe.chaos({ sqs: { SendMessage: { errorAfterForwardRate: 1 } } });
    const released = await probe.issue(campaignId, users('lost', 12), 4);
    await probe.chaos({ sqs: { SendMessage: { errorAfterForwardRate: 1, latencyMs: 700 } } });
    const claimed = await probe.issue(campaignId, users('slow', 12), 4);
    const { injected } = await probe.chaos({});
    const after = await probe.issue(campaignId, users('fine', 80));

    const during = [...released, ...claimed];
    expect(injected['sqs.SendMessage.errorAfterForward']).toBeGreaterThanOrEqual(during.length);
    expect(during.every((a) => a.status === 202 || a.status === 503)).toBe(true);
    expect(released.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(after.filter((a) => a.status >= 500)).toEqual([]);
    const answers = [...during, ...after];
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.userId);
    const refused = answers.filter((a) => a.status === 503).map((a) => a.userId);
    expect(accepted).toHaveLength(quota);

    const day = dayOf(campaignId, answers);
    await probe.until('the issue queue to drain', async () => {
      const s = await probe.sample(day);
      return s.inFlight === 0 && s.persisted === s.admitted;
    });
    const sample = await probe.sample(day);
    expect([sample.persisted, sample.admitted, sample.deadLetters, sample.parked]).toEqual([quota, quota, 0, 0]);
    const ledger = await probe.expectExact(day, quota);
    expect(ledger.map((e) => e.userId).sort()).toEqual([...accepted].sort());
    const owners = new Set((await probe.coupons(campaignId)).map((c) => String(c.userId)));
    expect(refused.filter((u) => owners.has(u))).toEqual([]);
    // eslint-disable-next-line no-console
    console.log(
      `${mode}: lost SendMessage answers: ${JSON.stringify(countByCode(released))} without latency, ` +
        `${JSON.stringify(countByCode(claimed))} with 700 ms`,
    );
  });

  it('consumer writes failing 90% for 15 s during a burst: persisted == admitted within 60 s after the fault clears', async () => {
    const campaignId = `recovery-${mode}`;
    const quota = 100;
    await probe.createCampaign(openCampaign(campaignId, quota));
    const faultOn = Date.now();
    await probe.chaos({ dynamodb: { TransactWriteItems: { errorRate: 0.9 } } });
    const answers = await probe.issue(campaignId, users('burst', 150));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const day = dayOf(campaignId, answers);
    await sleep(Math.max(0, faultOn + 15_000 - Date.now()));
    const { injected } = await probe.chaos({});
    const cleared = Date.now();
    expect(injected['dynamodb.TransactWriteItems.error']).toBeGreaterThan(0);
    expect((await probe.sample(day)).persisted).toBeLessThan(quota);

    // Nothing but the product's own backoff, redrive and every-minute replay is at work here.
    await probe.until(
      'persisted == admitted',
      async () => {
        const s = await probe.sample(day);
        return s.admitted === quota && s.persisted === s.admitted;
      },
      60_000,
      500,
    );
    // eslint-disable-next-line no-console
    console.log(`${mode}: recovered ${((Date.now() - cleared) / 1000).toFixed(1)} s after the fault cleared`);
    await probe.expectExact(day, quota);
    expect(await probe.failures(campaignId)).toEqual([]);
  });

  it('one coupon per user for the whole campaign: a burst of the day-before winners gets 409, the quota fills exactly', async () => {
    // Prepare: a campaign with perUserCampaignLimit over yesterday..tomorrow, and yesterday's winners admitted as
    // yesterday's issue function did (through the same admission store: the local cloud's clock cannot go back).
    const campaignId = `campaign-limit-${mode}`;
    const quota = 20;
    const definition = { ...openCampaign(campaignId, quota), perUserCampaignLimit: 1 as const };
    await probe.createCampaign(definition);
    const today = { campaignId, issueDate: localDateAt(definition.timezone, Date.now()) };
    const yesterday = { campaignId, issueDate: addDays(today.issueDate, -1) };
    const winners = users('yesterday', 10);
    const expiresAt = Math.floor(Date.now() / 1000) + 10 * 86_400;
    for (const userId of winners) {
      const admitted = await probe.admissions.admit({
        day: yesterday,
        userId,
        requestId: `yesterday-${userId}`,
        quota,
        admittedAt: new Date(Date.now() - 86_400_000).toISOString(),
        expiresAt,
        campaignLimit: { expiresAt },
      });
      expect(admitted.kind).toBe('ADMITTED');
    }

    // Act: every winner three times among new users asking twice, 40 in flight, with 30% of the admission store's
    // answers lost; then more new users once the fault cleared.
    await probe.chaos({ dynamodb: { '*': { errorAfterForwardRate: 0.3 } }, redis: { errorAfterForwardRate: 0.3 } });
    const fresh = users('today', 30);
    const burst = await probe.issue(campaignId, [...winners, ...fresh, ...winners, ...fresh, ...winners], 40);
    await probe.chaos({});
    const after = await probe.issue(campaignId, users('later', 40));

    // Assess: no winner of yesterday got 202 today. Their refusals name yesterday and the campaign limit, or, once
    // the day sold out, are SOLD_OUT (answered from the sold-out cache without asking the store).
    const winnerAnswers = burst.filter((a) => winners.includes(a.userId));
    expect(winnerAnswers.filter((a) => a.status !== 409 && a.status !== 503)).toEqual([]);
    const refusals = winnerAnswers.filter((a) => a.body.code === 'ALREADY_ISSUED');
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal.body).toMatchObject({ issueDate: yesterday.issueDate, limit: 'perUserCampaignLimit' });
    }
    // Today's quota filled exactly, by users none of whom won yesterday, every 202 among them.
    const ledger = await probe.ledger(today);
    const admitted = new Set(ledger.map((e) => e.userId));
    expect(ledger).toHaveLength(quota);
    expect(winners.filter((u) => admitted.has(u))).toEqual([]);
    const accepted = [...burst, ...after].filter((a) => a.status === 202).map((a) => a.userId);
    expect(accepted.filter((u) => !admitted.has(u))).toEqual([]);
    await probe.until('persisted == admitted today', async () => (await probe.persistedCount(today)) === quota);
    const owners = (await probe.coupons(campaignId)).map((c) => String(c.userId));
    expect(owners.length).toBe(new Set(owners).size); // one coupon per user over the campaign
    // eslint-disable-next-line no-console
    console.log(`${mode}: campaign limit burst: ${JSON.stringify(countByCode(burst))}`);
  });
});
