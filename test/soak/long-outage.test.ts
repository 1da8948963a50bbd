import type { CampaignDay } from '../../src/functions/domain/admission/admission';
import { openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { countByCode, PipelineProbe, type PipelineSample } from '../support/pipeline';

// `npm run test:soak`: the consumer's coupon writes fail for 5 minutes (longer than three replay runs) at the local
// cloud's default timing (no LOCAL_CLOUD_VISIBILITY_TIMEOUT): retryable failures are never parked, and everything
// is persisted soon after the fault clears, by the product's own backoff, redrive and every-minute replay.

jest.setTimeout(1_200_000);

const QUOTA = 100;
const OUTAGE_MS = 5 * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a 5-minute consumer outage (soak, default timing)', () => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;

  beforeAll(async () => {
    cloud = await startCloudProcess('redis', { tag: 'soak-outage' });
    probe = new PipelineProbe(cloud);
  });
  afterAll(async () => {
    await probe?.chaos({});
    probe?.close();
    await cloud?.stop();
  });

  it('parks nothing during the outage and persists every admission within 2 minutes after it', async () => {
    const campaignId = 'long-outage';
    await probe.createCampaign(openCampaign(campaignId, QUOTA));
    const faultOn = Date.now();
    await probe.chaos({ dynamodb: { TransactWriteItems: { errorRate: 1 } } });
    const answers = await probe.issue(
      campaignId,
      Array.from({ length: 150 }, (_, i) => `outage-${i}`),
    );
    expect(countByCode(answers)).toEqual({ '202 ACCEPTED': QUOTA, '409 SOLD_OUT': 50 });
    const issueDate = String(answers.find((a) => a.status === 202)?.body.issueDate);
    const day: CampaignDay = { campaignId, issueDate };

    const samples: PipelineSample[] = [];
    while (Date.now() < faultOn + OUTAGE_MS) {
      const sample = await probe.sample(day);
      samples.push(sample);
      expect(sample.parked).toBe(0);
      expect(sample.persisted + sample.inFlight + sample.deadLetters).toBeGreaterThanOrEqual(sample.admitted);
      await sleep(10_000);
    }
    const { injected } = await probe.chaos({});
    const cleared = Date.now();
    expect(injected['dynamodb.TransactWriteItems.error']).toBeGreaterThan(0);
    // The outage outlasted the queue's receives: the messages sat in the dead-letter queue through several runs.
    expect(Math.max(...samples.map((s) => s.deadLetters))).toBeGreaterThan(0);
    expect((await probe.failures(campaignId)).every((f) => f.status === 'RETRYING')).toBe(true);

    await probe.until(
      'persisted == admitted',
      async () => {
        const s = await probe.sample(day);
        return s.admitted === QUOTA && s.persisted === QUOTA && s.deadLetters === 0;
      },
      120_000,
      1_000,
    );
    // eslint-disable-next-line no-console
    console.log(`5-minute outage: persisted ${((Date.now() - cleared) / 1000).toFixed(1)} s after the fault cleared`);
    await probe.expectExact(day, QUOTA);
    expect(await probe.failures(campaignId)).toEqual([]);
  });
});
