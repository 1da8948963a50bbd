import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type CampaignDay, couponIdOf } from '../../src/functions/domain/admission/admission';
import { call, openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { UNAVAILABLE_PROBLEM } from '../support/fixtures';
import { dayOf, PipelineProbe, type PipelineSample, sleep, users } from '../support/pipeline';

// Faults injected between the Lambdas and the emulators (POST /_local/chaos); the product code is untouched.
// Each test ends with exactly quota coupons, one per user, no duplicates (PipelineProbe.expectExact).

jest.setTimeout(600_000);

/** Short visibility timeout so a failing message reaches the dead-letter queue in ~10 s (5 receives). */
const VISIBILITY_S = 2;
/** Reconciliation grace period in these tests, s. */
const GRACE_S = 8;

/** persisted <= admitted <= quota, and every admitted user is somewhere (persisted, queued, dead-lettered, parked). */
function expectInvariant(sample: PipelineSample, quota: number) {
  expect(sample.admitted).toBeLessThanOrEqual(quota);
  expect(sample.persisted).toBeLessThanOrEqual(sample.admitted);
  expect(sample.persisted + sample.inFlight + sample.deadLetters + sample.parked).toBeGreaterThanOrEqual(
    sample.admitted,
  );
}

/** Runs the replay job until the day is whole (persisted == admitted, dead-letter queue empty). */
async function recover(probe: PipelineProbe, day: CampaignDay, timeoutMs = 120_000) {
  await probe.until(
    'recovery: persisted == admitted and an empty dead-letter queue',
    async () => {
      await probe.runReplay();
      const s = await probe.sample(day);
      return s.persisted === s.admitted && s.deadLetters === 0;
    },
    timeoutMs,
    2_000,
  );
}

describe('faults in the local cloud (redis admission mode)', () => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;

  beforeAll(async () => {
    cloud = await startCloudProcess('redis', {
      tag: 'faults',
      visibilityTimeoutS: VISIBILITY_S,
      reconcileGraceS: GRACE_S,
    });
    probe = new PipelineProbe(cloud);
  });
  afterEach(async () => {
    await probe?.chaos({});
  });
  afterAll(async () => {
    probe?.close();
    await cloud?.stop();
  });

  it('rejects a chaos configuration that does not parse, with a 400 saying what is wrong', async () => {
    const response = await fetch(`${probe.api}/_local/chaos`, {
      method: 'POST',
      body: JSON.stringify({ dynamodb: { PutItem: { errorRate: 2 } } }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/errorRate/);
    expect((await probe.chaos({})).injected).toBeDefined();
  });

  it('refuses an unknown function with a 400 naming the valid ones, and accepts one by handler name', async () => {
    // Prepare
    const post = (config: unknown) =>
      fetch(`${probe.api}/_local/chaos`, { method: 'POST', body: JSON.stringify(config) });
    const issue = probe.functionId('IssueCouponFunction');
    // Act
    const refused = await post({ lambda: { IssueCouponFunctionDD2E9710: { crashRate: 0.1 } } });
    const accepted = await post({ lambda: { 'issue-coupon': { crashRate: 0 } } });
    const shown = (await (await fetch(`${probe.api}/_local/chaos`)).json()) as { config: unknown };
    // Assess
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { code: string; errors: { path: string; message: string }[] };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors).toEqual([
      { path: 'lambda.IssueCouponFunctionDD2E9710', message: expect.stringMatching(/^unknown function; valid: /) },
    ]);
    expect(body.errors[0]?.message).toContain('issue-coupon');
    expect(body.errors[0]?.message).toContain(issue);
    expect(accepted.status).toBe(200);
    expect(shown.config).toEqual({ lambda: { 'issue-coupon': { crashRate: 0 } } });
  });

  it('1. consumer writes fail 50%, then 100% for a minute, then recover: DLQ -> replay -> all written', async () => {
    const campaignId = 'fault-consumer';
    const quota = 60;
    await probe.createCampaign(openCampaign(campaignId, quota));
    await probe.chaos({ dynamodb: { TransactWriteItems: { errorRate: 0.5 } } });
    const answers = await probe.issue(campaignId, users('c', 150));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const day = dayOf(campaignId, answers);

    await probe.chaos({ dynamodb: { TransactWriteItems: { errorRate: 1 } } });
    const outageEnds = Date.now() + 60_000;
    const samples: PipelineSample[] = [];
    while (Date.now() < outageEnds) {
      const sample = await probe.sample(day);
      samples.push(sample);
      expectInvariant(sample, quota);
      await sleep(3_000);
    }
    // The outage pushed messages through five receives into the dead-letter queue.
    expect(Math.max(...samples.map((s) => s.deadLetters))).toBeGreaterThan(0);
    const { injected } = await probe.chaos({});
    expect(injected['dynamodb.TransactWriteItems.error']).toBeGreaterThan(0);

    await recover(probe, day);
    await probe.expectExact(day, quota);
    expect(await probe.failures(campaignId)).toEqual([]); // replayed records are resolved, none parked
  });

  it('2. SQS SendMessage fails 30%: those clients get 503 with their admission rolled back; later users fill the quota', async () => {
    const campaignId = 'fault-send';
    const quota = 300;
    await probe.createCampaign(openCampaign(campaignId, quota));
    await probe.chaos({ sqs: { SendMessage: { errorRate: 0.3 } } });
    const answers = await probe.issue(campaignId, users('s', 600));
    const { injected } = await probe.chaos({});

    expect(injected['sqs.SendMessage.error']).toBeGreaterThan(0);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0); // 30% per attempt, 3 attempts: ~2.7% of sends fail
    expect(unavailable.every((a) => a.body.code === 'UNAVAILABLE')).toBe(true);
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.userId);
    expect(accepted).toHaveLength(quota);

    const day = dayOf(campaignId, answers);
    await probe.until('the queue to drain', async () => (await probe.sample(day)).persisted === quota);
    const ledger = await probe.expectExact(day, quota);
    expect(ledger.map((e) => e.userId).sort()).toEqual([...accepted].sort());
    const inLedger = new Set(ledger.map((e) => e.userId));
    expect(unavailable.filter((a) => inLedger.has(a.userId))).toEqual([]);
  });

  it('3. SQS SendMessage blackholed: the issue function gives up on the send, keeps the admission, and reconciliation restores the coupon', async () => {
    const campaignId = 'fault-blackhole';
    const quota = 30;
    await probe.createCampaign(openCampaign(campaignId, quota));
    await probe.chaos({ sqs: { SendMessage: { blackhole: true } } });
    const held = await probe.issue(campaignId, users('b', 10), 10);
    await probe.chaos({});
    // The send timed out, so its outcome is unknown: the admission stands (a release could oversell).
    expect(held.map((a) => a.status)).toEqual(Array(10).fill(202));
    const rest = await probe.issue(campaignId, users('b2', 60));
    expect(rest.filter((a) => a.status >= 500)).toEqual([]);
    const day = dayOf(campaignId, held);

    await probe.until('the sent messages to drain', async () => (await probe.sample(day)).persisted === quota - 10);
    const before = await probe.coupons(campaignId);
    expect(before.filter((c) => String(c.userId).startsWith('b-'))).toEqual([]);

    await sleep(GRACE_S * 1000);
    await probe.until(
      'reconciled coupons',
      async () => {
        await probe.runReplay();
        return (await probe.sample(day)).persisted === quota;
      },
      60_000,
      2_000,
    );
    await probe.expectExact(day, quota);
    // Whichever run did it (this test's or the every-minute schedule), reconciliation re-enqueued exactly those 10.
    const reEnqueued = logLines(cloud, probe.replayFunctionId)
      .filter((l) => l.message === 're-enqueued admitted users without a coupon' && l.campaignId === campaignId)
      .reduce((n, l) => n + Number(l.reconciled), 0);
    expect(reEnqueued).toBe(10);
  });

  it('4. Redis down in the middle of a burst: 503 UNAVAILABLE (fail closed), no oversell, service resumes when back', async () => {
    const campaignId = 'fault-redis';
    const quota = 100;
    await probe.createCampaign(openCampaign(campaignId, quota));
    const before = await probe.issue(campaignId, users('r1', 60));
    await probe.chaos({ redis: { down: true } });
    const during = await probe.issue(campaignId, users('r2', 100));
    await probe.chaos({});
    const after = await probe.issue(campaignId, users('r3', 100));

    expect(during.every((a) => a.status === 503 && a.body.code === 'UNAVAILABLE')).toBe(true);
    const all = [...before, ...during, ...after];
    expect(all.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    expect(all.filter((a) => a.status === 202)).toHaveLength(quota);
    const day = dayOf(campaignId, before);
    await probe.until('the queue to drain', async () => (await probe.sample(day)).persisted === quota);
    const ledger = await probe.expectExact(day, quota);
    expect(ledger.filter((e) => e.userId.startsWith('r2-'))).toEqual([]);
  });

  it('4b. DynamoDB reads failing: every read route answers 503 UNAVAILABLE with a generic body, none 500', async () => {
    // A campaign no function has read yet, so no instance answers from its campaign cache.
    const campaignId = 'fault-dynamodb-reads';
    await probe.createCampaign(openCampaign(campaignId, 10));
    await probe.chaos({
      dynamodb: { GetItem: { errorRate: 1 }, Query: { errorRate: 1 }, BatchGetItem: { errorRate: 1 } },
    });
    const api = cloud.endpoints.apiUrl;
    const answers = await Promise.all(
      [
        `/v1/campaigns/${campaignId}/count`,
        `/v1/campaigns/${campaignId}/users/me/coupon`,
        '/v1/users/me/coupons',
        `/v1/admin/campaigns/${campaignId}`,
        `/v1/admin/campaigns/${campaignId}/stats`,
        '/v1/admin/vendors/fault-vendor',
      ].map(async (path) => {
        const { status, body } = await call(`${api}${path}`, { as: 'dynamo-reader' });
        return { path, status, body };
      }),
    );
    for (const answer of answers) {
      expect(answer).toEqual({
        path: answer.path,
        status: 503,
        body: UNAVAILABLE_PROBLEM,
      });
    }
  });

  it('5. the same message delivered several times and consumer crashes after the write: one coupon each', async () => {
    const campaignId = 'fault-duplicates';
    const quota = 40;
    await probe.createCampaign(openCampaign(campaignId, quota));
    const consumer = probe.functionId('ConsumeAdmissionsFunction');
    await probe.chaos({ lambda: { [consumer]: { crashRate: 0.5, crashAt: 'end' } } });
    const answers = await probe.issue(campaignId, users('d', 40));
    const day = dayOf(campaignId, answers);
    // Replays of every admission's message, three more times each, straight into the queue.
    const ledger = await probe.ledger(day);
    for (let copy = 0; copy < 3; copy++) {
      for (const e of ledger) {
        await probe.sendRaw(
          JSON.stringify({
            ...day,
            userId: e.userId,
            rank: e.rank,
            admittedAt: e.admittedAt,
            couponId: couponIdOf(day.campaignId, day.issueDate, e.userId),
          }),
        );
      }
    }
    await probe.until('every admission persisted', async () => (await probe.sample(day)).persisted === quota);
    await probe.until('the queue to drain', async () => (await probe.queueDepth('IssueQueue')) === 0, 60_000);
    const { crashes } = await probe.chaos({});
    expect(crashes[consumer]).toBeGreaterThan(0);
    await probe.expectExact(day, quota);
  });

  it('6. a poison message is parked in the failed-events table with its error, a metric is raised, nothing dropped', async () => {
    const garbage = '{"campaignId":"fault-poison","note":"not an admission"}';
    const unknownCampaign = JSON.stringify({
      campaignId: 'fault-poison',
      issueDate: '2026-05-01',
      userId: 'ghost',
      rank: 1,
      admittedAt: '2026-05-01T00:00:00.000Z',
      couponId: 'ab'.repeat(16),
    });
    await probe.sendRaw(garbage);
    await probe.sendRaw(unknownCampaign);
    await probe.until(
      'both poison messages parked',
      async () => {
        await probe.runReplay();
        return (await probe.failures('fault-poison')).filter((f) => f.status === 'PARKED').length === 2;
      },
      90_000,
      2_000,
    );
    const parked = await probe.failures('fault-poison');
    expect(parked.map((f) => f.body).sort()).toEqual([garbage, unknownCampaign].sort());
    for (const record of parked) expect(record).toMatchObject({ status: 'PARKED', reason: 'POISON' });
    expect(parked.find((f) => f.body === garbage)?.lastError).toMatch(/not an admission/);
    expect(parked.find((f) => f.body === unknownCampaign)?.lastError).toMatch(/does not exist/);
    expect(await probe.queueDepth('IssueDeadLetterQueue')).toBe(0);

    // The replay function published the Parked metric (EMF) the stack alarms on.
    const parkedMetrics = logLines(cloud, probe.replayFunctionId)
      .filter((line) => line._aws !== undefined && typeof line.Parked === 'number')
      .map((line) => line.Parked as number);
    expect(parkedMetrics.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
  });
});

/** The JSON lines of a function's log in the local cloud (structured logs and EMF metrics). */
function logLines(cloud: RunningCloud, functionId: string): Record<string, unknown>[] {
  return readFileSync(path.join(cloud.logDir, `${functionId}.log`), 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
      } catch {
        return []; // a line cut by a killed environment
      }
    });
}
