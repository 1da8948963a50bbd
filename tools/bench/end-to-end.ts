import { type ChildProcess, spawn } from 'node:child_process';
import autocannon from 'autocannon';
import type { AdmissionMode } from '../../src/contract/names';
import type { ApiClient } from '../local/api-client';
import { openCampaign, type RunningCloud, startCloudProcess } from '../local/child-cloud';
import { backendCalls, type RequestPart } from './local-bench';
import { type Latency, latency } from './stats';

/** One load run through HTTP with autocannon. */
export interface HttpRun {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: Latency;
  /** Answers by HTTP status, e.g. `{"202": 1000, "409": 9000}`; `errors` counts connection errors and timeouts. */
  readonly byStatus: Record<string, number>;
  readonly non2xx: number;
  readonly errors: number;
  readonly elapsedMs: number;
  /** Every answer's latency, ms, in completion order; only when {@link fire} was asked to keep them. */
  readonly samplesMs?: number[];
}

/** Sizes of the end-to-end benchmark; the full run's are the defaults. */
export interface EndToEndOptions {
  /** Distinct users in the burst (one request each). */
  readonly users: number;
  readonly quota: number;
  /** autocannon connections, the same for the bare server and the local cloud. */
  readonly connections: number;
  readonly modes: readonly AdmissionMode[];
}

/** The full run's burst: 10,000 users against a quota of 1,000, 64 connections, both admission modes. */
export const END_TO_END_DEFAULTS: EndToEndOptions = {
  users: 10_000,
  quota: 1_000,
  connections: 64,
  modes: ['redis', 'dynamodb'],
};

/** The burst in one admission mode, and the same load again after SOLD_OUT. */
interface ModeResult {
  readonly mode: AdmissionMode;
  readonly burst: HttpRun;
  /** First request until the last of the quota's coupons is persisted (polled every 50 ms), ms. */
  readonly drainMs: number;
  readonly afterSoldOut: HttpRun;
  /**
   * Backend requests made by the functions while the after-SOLD_OUT load ran (`redis`, `dynamodb.<Op>`,
   * `sqs.<Op>`), from the local cloud's counters: the in-memory fast path should make (almost) none.
   */
  readonly backendCallsAfterSoldOut: Record<string, number>;
  /**
   * The same burst at a second campaign on the same cloud, once the first burst has warmed it: the JIT of every
   * emulator (DynamoDB Local's JVM, the Upstash bridge, fauxqs) and of the execution environments, which started
   * cold for the first burst. The difference is what a freshly started local cloud costs, not what AWS would.
   */
  readonly warmBurst: HttpRun;
  readonly warmDrainMs: number;
}

/** Every figure of the end-to-end benchmark, with the bare server's baseline measured in the same run. */
export interface EndToEndResult {
  readonly bareServer: HttpRun;
  readonly modes: ModeResult[];
}

/**
 * Fires `amount` POST requests at `url` over `connections` connections, request i with `part(i)`, and records
 * every answer's status and latency (each latency too with `keepSamples`, as `samplesMs`).
 */
export async function fire(
  url: string,
  amount: number,
  connections: number,
  part: (index: number) => RequestPart,
  keepSamples = false,
): Promise<HttpRun> {
  const samples: number[] = [];
  const byStatus: Record<string, number> = {};
  let sent = 0;
  const started = performance.now();
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      connections,
      amount,
      timeout: 30,
      requests: [
        {
          setupRequest: (request) => {
            const next = part(sent++);
            return { ...request, body: next.body, headers: { ...request.headers, ...next.headers } };
          },
        },
      ],
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    byStatus[statusCode] = (byStatus[statusCode] ?? 0) + 1;
    samples.push(responseTime);
  });
  const result = await done;
  const elapsedMs = performance.now() - started;
  const answered = samples.length;
  return {
    requests: answered,
    requestsPerSecond: Math.round((answered / elapsedMs) * 1000),
    latencyMs: latency(samples),
    byStatus,
    non2xx: Object.entries(byStatus)
      .filter(([status]) => !status.startsWith('2'))
      .reduce((sum, [, n]) => sum + n, 0),
    errors: result.errors + result.timeouts,
    elapsedMs: Math.round(elapsedMs),
    ...(keepSamples ? { samplesMs: samples } : {}),
  };
}

/**
 * A bare Node HTTP server in its own process answering every request as the issue API accepts one (202 with a
 * JSON body of the same shape): the ceiling of this machine, the tool and the connections.
 */
async function startBareServer(): Promise<{ url: string; stop(): void }> {
  const source = `
    const body = JSON.stringify({ code: 'ACCEPTED', rank: 1, couponId: '0'.repeat(32), issueDate: '2026-05-01' });
    require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(202, { 'content-type': 'application/json' }); res.end(body); });
    }).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });`;
  const child: ChildProcess = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/v1/campaigns/bare/issue`, stop: () => child.kill() };
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, n]) => [key, n - (before[key] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

/** Polls the campaign's count until `persisted` reaches `quota`; resolves with the instant it was seen (ms). */
async function persistedAt(api: ApiClient, campaignId: string, quota: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const { data } = await api.GET('/v1/campaigns/{campaignId}/count', { params: { path: { campaignId } } });
    if ((data?.persisted ?? 0) >= quota) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`campaign ${campaignId}: fewer than ${quota} coupons persisted after ${timeoutMs} ms`);
}

/** The burst of `options.users` users at `campaignId`, and its drain (first request until the quota is persisted). */
async function burstAt(
  cloud: RunningCloud,
  campaignId: string,
  options: EndToEndOptions,
  users: (index: number) => RequestPart,
): Promise<{ burst: HttpRun; drainMs: number }> {
  const started = performance.now();
  const drained = persistedAt(cloud.client.api, campaignId, options.quota, 300_000);
  const burst = await fire(
    `${cloud.endpoints.apiUrl}/v1/campaigns/${campaignId}/issue`,
    options.users,
    options.connections,
    users,
  );
  return { burst, drainMs: Math.round((await drained) - started) };
}

async function benchMode(mode: AdmissionMode, options: EndToEndOptions, log: (line: string) => void) {
  const cloud = await startCloudProcess(mode, { tag: `bench-${mode}`, checkResponses: false });
  try {
    const api = cloud.endpoints.apiUrl;
    const campaignId = `bench-${mode}-${Date.now().toString(36)}`;
    const created = await cloud.client.admin.POST('/v1/admin/campaigns', {
      body: openCampaign(campaignId, options.quota),
    });
    if (created.response.status !== 201)
      throw new Error(`creating the campaign failed: ${JSON.stringify(created.error)}`);
    const url = `${api}/v1/campaigns/${campaignId}/issue`;
    // Every user signs in before the burst (a bearer token from the local issuer), as real clients would.
    const ids = (prefix: string) => Array.from({ length: options.users }, (_, i) => `${prefix}${i}`);
    const asUser = async (prefix: string) => {
      const tokens = await cloud.client.tokensFor(ids(prefix));
      return (i: number): RequestPart => ({ headers: { authorization: `Bearer ${tokens.get(`${prefix}${i}`)}` } });
    };
    const burstUsers = await asUser('u');
    const lateUsers = await asUser('late-');
    const warmUsers = await asUser('w');

    const { burst, drainMs } = await burstAt(cloud, campaignId, options, burstUsers);
    log(`${mode}: burst ${burst.requestsPerSecond} req/s, p99 ${burst.latencyMs.p99} ms, drain ${drainMs} ms`);

    const before = await backendCalls(cloud);
    const afterSoldOut = await fire(url, options.users, options.connections, lateUsers);
    const backendCallsAfterSoldOut = diff(await backendCalls(cloud), before);
    log(`${mode}: after SOLD_OUT ${afterSoldOut.requestsPerSecond} req/s, p99 ${afterSoldOut.latencyMs.p99} ms`);

    const warmId = `${campaignId}-warm`;
    const again = await cloud.client.admin.POST('/v1/admin/campaigns', { body: openCampaign(warmId, options.quota) });
    if (again.response.status !== 201)
      throw new Error(`creating the second campaign failed: ${JSON.stringify(again.error)}`);
    const warm = await burstAt(cloud, warmId, options, warmUsers);
    log(
      `${mode}: warm burst ${warm.burst.requestsPerSecond} req/s, p99 ${warm.burst.latencyMs.p99} ms, drain ${warm.drainMs} ms`,
    );
    return {
      mode,
      burst,
      drainMs,
      afterSoldOut,
      backendCallsAfterSoldOut,
      warmBurst: warm.burst,
      warmDrainMs: warm.drainMs,
    };
  } finally {
    await cloud.stop();
  }
}

/**
 * Measures the bare server, then for each admission mode starts the local cloud (as `npm start` does), runs the
 * burst of `users` distinct users at a fresh campaign with `quota`, waits for the coupons to drain, runs the
 * same load again once sold out, and then the burst again at a second campaign on the now warm cloud.
 * @throws Error when the cloud does not start or the quota's coupons are not persisted within 5 minutes.
 */
export async function benchEndToEnd(
  options: EndToEndOptions = END_TO_END_DEFAULTS,
  log: (line: string) => void = () => undefined,
): Promise<EndToEndResult> {
  const bare = await startBareServer();
  let bareServer: HttpRun;
  try {
    // The same request shape: a bearer token of a real token's size (the bare server does not verify it).
    const token = `Bearer ${'x'.repeat(600)}`;
    bareServer = await fire(bare.url, options.users, options.connections, () => ({
      headers: { authorization: token },
    }));
  } finally {
    bare.stop();
  }
  log(`bare server: ${bareServer.requestsPerSecond} req/s, p99 ${bareServer.latencyMs.p99} ms`);
  const modes: ModeResult[] = [];
  for (const mode of options.modes) modes.push(await benchMode(mode, options, log));
  return { bareServer, modes };
}
