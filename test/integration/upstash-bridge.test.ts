import { Redis } from '@upstash/redis';
import IORedis from 'ioredis';
import { Chaos } from '../../tools/local/chaos';
import { type Emulator, startRedisServer } from '../../tools/local/emulators';
import { startUpstashBridge, type UpstashBridge } from '../../tools/local/upstash-bridge';

// Faults of the Upstash bridge (tools/local/chaos.ts `redis`) as @upstash/redis meets them, on a real redis-server.

jest.setTimeout(60_000);

let redisServer: Emulator;
let direct: IORedis;
const chaos = new Chaos();
let bridge: UpstashBridge;

beforeAll(async () => {
  redisServer = await startRedisServer('.local/test-integration-bridge');
  direct = new IORedis({ host: '127.0.0.1', port: redisServer.port });
  bridge = await startUpstashBridge({ redisPort: redisServer.port, token: 'bridge', chaos });
});

afterEach(() => {
  chaos.set({});
  for (const key of Object.keys(chaos.injected)) delete chaos.injected[key];
});

afterAll(async () => {
  await bridge?.stop();
  direct?.disconnect();
  await redisServer?.stop();
});

/** Polls `check` every 20 ms. @throws Error after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One INCR through the bridge's REST protocol, given up after `timeoutMs`. */
const incr = (key: string, timeoutMs: number) =>
  fetch(bridge.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.token}` },
    body: JSON.stringify(['INCR', key]),
    signal: AbortSignal.timeout(timeoutMs),
  });

describe('integration: Upstash bridge faults', () => {
  it('runs each command under errorAfterForwardRate and then drops its answer: @upstash/redis retries, every attempt runs', async () => {
    // Prepare: the functions' retry setting (src/functions/runtime/composition-root.ts), two retries.
    const client = new Redis({
      url: bridge.url,
      token: bridge.token,
      enableTelemetry: false,
      retry: { retries: 2, backoff: () => 10 },
    });
    chaos.set({ redis: { errorAfterForwardRate: 1 } });
    // Act
    const outcome = client.incr('lost-answer');
    // Assess: a network error for the caller, three increments in Redis.
    await expect(outcome).rejects.toThrow();
    expect(await direct.get('lost-answer')).toBe('3');
    expect(chaos.injected).toEqual({ 'redis.errorAfterForward': 3 });
  });

  it('answers as usual the requests not drawn by errorAfterForwardRate', async () => {
    // Prepare
    const client = new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false, retry: false });
    chaos.set({ redis: { errorAfterForwardRate: 0 } });
    // Act + Assess
    expect(await client.incr('kept-answer')).toBe(1);
    expect(chaos.injected).toEqual({});
  });

  it('holds a late-landing request unanswered and runs it landLateMs later, after its caller gave up', async () => {
    // Prepare
    chaos.set({ redis: { landLateMs: 400 } });
    // Act: the caller gives up after 100 ms.
    await expect(incr('late', 100)).rejects.toThrow();
    const whenGivenUp = await direct.get('late');
    await until('the late landing', async () => (await direct.get('late')) === '1');
    // Assess: not run when the caller gave up; run once since.
    expect(whenGivenUp).toBeNull();
    expect(chaos.injected).toEqual({ 'redis.landLate': 1 });
  });

  it('never answers a late-landing request, even once it ran', async () => {
    // Prepare
    chaos.set({ redis: { landLateMs: 50 } });
    // Act
    const answer = incr('late-unanswered', 600);
    // Assess
    await expect(answer).rejects.toThrow();
    expect(await direct.get('late-unanswered')).toBe('1');
  });
});
