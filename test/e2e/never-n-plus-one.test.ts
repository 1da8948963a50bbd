import { ADMISSION_MODES } from '../../src/contract/names';
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
});
