import { call, openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { countByCode, type IssueAnswer, PipelineProbe, type PipelineSample } from '../support/pipeline';

// `npm run test:soak`: 20,000 issue requests offered at 1,000/s from 10,000 users (each twice) against the local
// cloud, with 10% of the consumer's coupon writes failing and 5% of issue invocations crashing their instance.
// The answers, the pipeline sampled during the load and the end state must all be exact.

jest.setTimeout(1_200_000);

const USERS = 10_000;
const REQUESTS = 20_000;
const OFFERED_PER_S = 1_000;
const MAX_IN_FLIGHT = 256;
const QUOTA = 1_000;
const GRACE_S = 8;

describe('load held under faults (soak)', () => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;

  beforeAll(async () => {
    cloud = await startCloudProcess('redis', { tag: 'soak', visibilityTimeoutS: 2, reconcileGraceS: GRACE_S });
    probe = new PipelineProbe(cloud);
  });
  afterAll(async () => {
    probe?.close();
    await cloud?.stop();
  });

  it('answers every request, loses and oversells nothing, and ends with exactly the quota persisted', async () => {
    const campaignId = 'soak';
    await probe.createCampaign(openCampaign(campaignId, QUOTA));
    const issueFunction = probe.functionId('IssueCouponFunction');
    await probe.chaos({
      dynamodb: { TransactWriteItems: { errorRate: 0.1 } },
      lambda: { [issueFunction]: { crashRate: 0.05 } },
    });

    const order = Array.from({ length: REQUESTS }, (_, i) => `soak-user-${i % USERS}`);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j] as string, order[i] as string];
    }

    // Every user signs in before the load (a bearer token from the local issuer).
    await probe.cloud.client.tokensFor([...new Set(order)]);

    // Open-loop load: request i is due at start + i ms, with at most MAX_IN_FLIGHT outstanding.
    const answers: IssueAnswer[] = [];
    const latencies: number[] = [];
    let inFlight = 0;
    let issueDate: string | undefined;
    const samples: PipelineSample[] = [];
    const started = Date.now();
    let loadDone = false;
    const sampler = (async () => {
      while (!loadDone) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        if (!issueDate) continue;
        const sample = await probe.sample({ campaignId, issueDate });
        samples.push(sample);
        // Safety at every moment: nothing beyond the quota, no coupon without an admission.
        expect(sample.admitted).toBeLessThanOrEqual(QUOTA);
        expect(sample.persisted).toBeLessThanOrEqual(sample.admitted);
      }
    })();
    const pending: Promise<void>[] = [];
    for (const [i, userId] of order.entries()) {
      const wait = started + (i * 1000) / OFFERED_PER_S - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      while (inFlight >= MAX_IN_FLIGHT) await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight++;
      const sent = performance.now();
      pending.push(
        call(`${probe.api}/v1/campaigns/${campaignId}/issue`, { method: 'POST', as: userId }).then((answer) => {
          inFlight--;
          latencies.push(performance.now() - sent);
          answers.push({ userId, ...answer });
          if (!issueDate && answer.body.issueDate) issueDate = String(answer.body.issueDate);
        }),
      );
    }
    await Promise.all(pending);
    const loadSeconds = (Date.now() - started) / 1000;
    loadDone = true;
    await sampler;
    const { crashes, timeouts, injected } = await probe.chaos({});

    // The answers: every 5xx is an injected crash or an invocation timing out under the load (API Gateway's
    // 500 for both) or a deliberate 503.
    const codes = countByCode(answers);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(latencies[Math.floor((latencies.length - 1) * p)] ?? 0);
    console.log(
      `soak: ${REQUESTS} requests in ${loadSeconds.toFixed(1)} s (${Math.round(REQUESTS / loadSeconds)}/s offered ` +
        `${OFFERED_PER_S}/s), p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; answers ${JSON.stringify(codes)}; ` +
        `crashes ${crashes[issueFunction]}, timeouts ${timeouts[issueFunction]}, injected ${JSON.stringify(injected)}; ${samples.length} samples`,
    );
    expect(answers).toHaveLength(REQUESTS);
    const crashed = answers.filter((a) => a.status === 500);
    expect(crashed.length).toBe((crashes[issueFunction] ?? 0) + (timeouts[issueFunction] ?? 0));
    expect(crashed.every((a) => a.body.message === 'Internal Server Error')).toBe(true);
    expect(answers.filter((a) => a.status >= 500 && a.status !== 500 && a.status !== 503)).toEqual([]);
    expect(answers.filter((a) => a.status === 503).every((a) => a.body.code === 'UNAVAILABLE')).toBe(true);
    expect(injected['dynamodb.TransactWriteItems.error']).toBeGreaterThan(0);
    expect(samples.length).toBeGreaterThan(0);

    // Winners: every 202 is in the ledger; the ledger is full (crashed admissions included).
    const day = { campaignId, issueDate: issueDate as string };
    const ledger = await probe.ledger(day);
    expect(ledger).toHaveLength(QUOTA);
    const inLedger = new Set(ledger.map((e) => e.userId));
    expect(answers.filter((a) => a.status === 202 && !inLedger.has(a.userId))).toEqual([]);

    // Recovery: the queue drains, replay and reconciliation (admissions whose instance died before the send)
    // bring every admitted user a coupon.
    await new Promise((resolve) => setTimeout(resolve, GRACE_S * 1000));
    await probe.until(
      'persisted == admitted',
      async () => {
        await probe.runReplay();
        const s = await probe.sample(day);
        return s.persisted === s.admitted && s.deadLetters === 0 && s.parked === 0;
      },
      300_000,
      3_000,
    );
    await probe.expectExact(day, QUOTA);
    const count = await call(`${probe.api}/v1/campaigns/${campaignId}/count`);
    expect(count.body).toMatchObject({ admitted: QUOTA, persisted: QUOTA, remaining: 0 });
  });
});
