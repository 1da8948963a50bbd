import { Sha256 as ReferenceSha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { DateTime } from 'luxon';
import { SchedulerPrewarmScheduler } from '../../../lambdas/adapters/scheduler/prewarm-scheduler';
import type { LocalFunction } from '../../../local/lambda-runtime';
import { cronerPattern, startLocalScheduler } from '../../../local/scheduler';

describe('local: Scheduler stand-in and the pre-warm scheduler adapter', () => {
  beforeAll(() => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
  });

  it("translates Scheduler expressions to croner's and refuses what it does not emulate", () => {
    expect(cronerPattern('cron(45 12 * * ? *)')).toBe('45 12 * * *');
    expect(cronerPattern('at(2026-05-01T12:45:00)')).toBe('2026-05-01T12:45:00');
    expect(() => cronerPattern('rate(5 minutes)')).toThrow(/not emulated/);
    expect(() => cronerPattern('cron(0 12 ? * 2 *)')).toThrow(/day of week/);
  });

  it('creates, updates on conflict, deletes (a missing one is fine) and fires a schedule at its time', async () => {
    const invoked: unknown[] = [];
    const scheduler = await startLocalScheduler();
    const fn = {
      spec: { arn: 'arn:aws:lambda:us-east-1:0:function:applier' },
      invoke: async (e: unknown) => invoked.push(e),
    };
    scheduler.bind({ applier: fn as unknown as LocalFunction });
    const adapter = new SchedulerPrewarmScheduler({
      groupName: 'group',
      functionArn: fn.spec.arn,
      roleArn: 'arn:aws:iam::0:role/scheduler',
      region: 'us-east-1',
      endpoint: scheduler.endpoint,
    });
    try {
      const cron = {
        name: 'c.raise',
        action: 'raise' as const,
        campaignId: 'c',
        expression: 'cron(45 12 * * ? *)',
        timezone: 'Asia/Seoul',
        startDate: '2030-05-01T03:44:00Z',
        endDate: '2030-05-05T06:00:00Z',
      };
      await adapter.put([cron]);
      await adapter.put([{ ...cron, expression: 'cron(50 12 * * ? *)' }]);
      expect(scheduler.schedules()).toEqual([
        expect.objectContaining({
          name: 'c.raise',
          groupName: 'group',
          expression: 'cron(50 12 * * ? *)',
          timezone: 'Asia/Seoul',
        }),
      ]);
      await adapter.remove(['c.raise', 'never-created']);
      expect(scheduler.schedules()).toEqual([]);

      const soon = DateTime.utc().plus({ seconds: 2 }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
      await adapter.put([
        { name: 'c.close', action: 'close', campaignId: 'c', expression: `at(${soon})`, timezone: 'UTC' },
      ]);
      await new Promise((r) => setTimeout(r, 3_500));
      expect(invoked).toEqual([{ campaignId: 'c', action: 'close' }]);
      expect(scheduler.firings()).toEqual([expect.objectContaining({ name: 'c.close', outcome: 'invoked' })]);
      // A one-time schedule deletes itself after it fires.
      expect(scheduler.schedules()).toEqual([]);
    } finally {
      await scheduler.stop();
    }
  });

  it('signs as the SDK would with its own SHA-256', async () => {
    // The adapter's node:crypto SHA-256 must give the signature the reference implementation gives.
    const request = {
      method: 'POST',
      protocol: 'https:',
      hostname: 'scheduler.us-east-1.amazonaws.com',
      path: '/schedules/x',
      headers: { host: 'scheduler.us-east-1.amazonaws.com', 'content-type': 'application/json' },
      body: '{"a":1}',
    };
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
    const at = new Date('2026-05-01T00:00:00Z');
    const reference = new SignatureV4({
      service: 'scheduler',
      region: 'us-east-1',
      credentials,
      sha256: ReferenceSha256,
    });
    // The adapter's signer is private: its hash constructor is read off it to sign with the same settings.
    const adapter = new SchedulerPrewarmScheduler({
      groupName: 'g',
      functionArn: 'f',
      roleArn: 'r',
      region: 'us-east-1',
    }) as unknown as { signer: { sha256: never } };
    const ours = new SignatureV4({
      service: 'scheduler',
      region: 'us-east-1',
      credentials,
      sha256: adapter.signer.sha256,
    });
    const expected = await reference.sign(request, { signingDate: at });
    const actual = await ours.sign(request, { signingDate: at });
    expect(actual.headers.authorization).toBe(expected.headers.authorization);
  });
});
