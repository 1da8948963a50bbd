import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { SchedulerPrewarmScheduler } from '../../../src/functions/adapters/scheduler/prewarm-scheduler';
import { LocalIamAuthorizer } from '../../../tools/local/authorizers';
import type { LocalFunction } from '../../../tools/local/lambda-runtime';
import { cronerPattern, startLocalScheduler } from '../../../tools/local/scheduler';

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

  it('signs every call with SigV4 for the scheduler service, as AWS checks it', async () => {
    // The local IAM authorizer recomputes the signature over the method, path, query, signed headers and body.
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      region: 'us-east-1',
      service: 'scheduler',
    };
    const iam = new LocalIamAuthorizer(credentials);
    const verdicts: { method?: string; ok: boolean }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const verdict = await iam.authorize(req, url, Buffer.concat(chunks));
        verdicts.push({ method: req.method, ok: verdict.ok });
        res.writeHead(verdict.ok ? 200 : 403, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const adapter = new SchedulerPrewarmScheduler({
      groupName: 'g',
      functionArn: 'f',
      roleArn: 'r',
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
    });
    try {
      await adapter.put([
        { name: 'c.raise', action: 'raise', campaignId: 'c', expression: 'cron(45 12 * * ? *)', timezone: 'UTC' },
      ]);
      await adapter.remove(['c.raise']);
      expect(verdicts).toEqual([
        { method: 'POST', ok: true },
        { method: 'DELETE', ok: true },
      ]);
      // A wrong secret is refused: the check above can fail.
      process.env.AWS_SECRET_ACCESS_KEY = 'not-the-secret';
      await expect(adapter.remove(['c.raise'])).rejects.toThrow(/403/);
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = 'secret';
      server.close();
    }
  });
});
