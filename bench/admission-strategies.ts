import { createHash, randomUUID } from 'node:crypto';
import { Redis as Upstash } from '@upstash/redis';
import IORedis from 'ioredis';
import { ADMIT_SCRIPT, dayKeys, RedisAdmissionStore } from '../lambdas/adapters/redis/admission-store';
import { startRedisServer } from '../local/emulators';
import { startUpstashBridge } from '../local/upstash-bridge';
import { closedLoop, type Latency, latency } from './stats';

/**
 * The commands the strategies need, over one client: RESP (ioredis) or REST (@upstash/redis via the bridge). Each
 * concurrent caller gets its own, as each Lambda instance has its own client and serves one request at a time (so
 * @upstash/redis' auto-pipelining never batches different callers' commands, as on Lambda).
 */
export interface RedisTransport {
  readonly name: 'resp' | 'rest';
  get(key: string): Promise<number>;
  incr(key: string): Promise<number>;
  /** 1 when added, 0 when already a member. */
  sadd(key: string, member: string): Promise<number>;
  sismember(key: string, member: string): Promise<boolean>;
  scard(key: string): Promise<number>;
  smembers(key: string): Promise<string[]>;
  hkeys(key: string): Promise<string[]>;
  /** SET key value NX PX ttlMs: true when set. */
  setNxPx(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Runs a Lua script by EVALSHA, loading it on first use. */
  script(lua: string): (keys: string[], args: string[]) => Promise<unknown>;
  close(): Promise<void>;
  /** The Upstash client under a REST transport (the product's adapter runs on it). */
  readonly upstash?: Upstash;
}

/** ioredis over RESP: isolates the algorithm from the transport. */
export function respTransport(port: number): RedisTransport {
  const redis = new IORedis({ host: '127.0.0.1', port, enableAutoPipelining: false, lazyConnect: false });
  return {
    name: 'resp',
    get: async (key) => Number((await redis.get(key)) ?? 0),
    incr: (key) => redis.incr(key),
    sadd: (key, member) => redis.sadd(key, member),
    sismember: async (key, member) => (await redis.sismember(key, member)) === 1,
    scard: (key) => redis.scard(key),
    smembers: (key) => redis.smembers(key),
    hkeys: (key) => redis.hkeys(key),
    setNxPx: async (key, value, ttlMs) => (await redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK',
    script: (lua) => {
      const sha = createHash('sha1').update(lua).digest('hex');
      // EVALSHA, and EVAL once when the server does not have the script yet (as @upstash/redis' createScript).
      return async (keys, args) => {
        try {
          return await redis.evalsha(sha, keys.length, ...keys, ...args);
        } catch (error) {
          if (!String(error).includes('NOSCRIPT')) throw error;
          return redis.eval(lua, keys.length, ...keys, ...args);
        }
      };
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

/** @upstash/redis through the local Upstash REST bridge, exactly as the Lambdas reach Redis. */
export function restTransport(redis: Upstash): RedisTransport {
  return {
    name: 'rest',
    upstash: redis,
    get: async (key) => Number((await redis.get<number | string>(key)) ?? 0),
    incr: (key) => redis.incr(key),
    sadd: (key, member) => redis.sadd(key, member),
    sismember: async (key, member) => (await redis.sismember(key, member)) === 1,
    scard: (key) => redis.scard(key),
    smembers: async (key) => (await redis.smembers<string[]>(key)).map(String),
    hkeys: async (key) => (await redis.hkeys(key)).map(String),
    setNxPx: async (key, value, ttlMs) => (await redis.set(key, value, { nx: true, px: ttlMs })) === 'OK',
    script: (lua) => {
      const script = redis.createScript(lua);
      return (keys, args) => script.exec(keys, args);
    },
    close: async () => undefined,
  };
}

/** What one admission attempt answered. */
export type Answer = 'ADMITTED' | 'ALREADY_ADMITTED' | 'SOLD_OUT' | 'ERROR';

/** Keys of one strategy run. */
interface RunKeys {
  readonly count: string;
  readonly users: string;
  readonly lock: string;
}

/** One admission algorithm: answers a user's request against `quota`. */
export interface Strategy {
  readonly id: 'a' | 'b' | 'c' | 'd' | 'e';
  readonly name: string;
  /** Builds the per-run admit function (scripts are loaded once per run). */
  prepare(t: RedisTransport, keys: RunKeys, quota: number): (userId: string) => Promise<Answer>;
  /** Users the strategy marked as admitted in Redis (set or hash members); undefined when it keeps none. */
  marked(t: RedisTransport, keys: RunKeys): Promise<string[] | undefined>;
}

const markedSet = (t: RedisTransport, keys: RunKeys) => t.smembers(keys.users);

/** Lock lease and wait of strategy (b), ms: Redisson `tryLock(waitTime, leaseTime)` as the source design used it. */
const LOCK_LEASE_MS = 3_000;
const LOCK_WAIT_MS = 10_000;
/** Compare-and-delete release, as Redisson's unlock: only the holder's token deletes the lock. */
const UNLOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The five strategies of the issue, in its order. */
export const STRATEGIES: readonly Strategy[] = [
  {
    id: 'a',
    name: 'naive GET, then INCR + SADD',
    prepare: (t, keys, quota) => async (userId) => {
      if ((await t.get(keys.count)) >= quota) return 'SOLD_OUT';
      if (await t.sismember(keys.users, userId)) return 'ALREADY_ADMITTED';
      await t.incr(keys.count);
      await t.sadd(keys.users, userId);
      return 'ADMITTED';
    },
    marked: markedSet,
  },
  {
    id: 'b',
    name: 'Redisson-style lock (SET NX PX, retry, check, INCR, SADD, release)',
    prepare: (t, keys, quota) => {
      const unlock = t.script(UNLOCK_SCRIPT);
      return async (userId) => {
        const token = randomUUID();
        const deadline = performance.now() + LOCK_WAIT_MS;
        // Spin with exponential backoff and jitter (1 ms doubling to 32 ms), as Redisson's spin lock waits: a REST
        // client has no pub/sub to be woken by the release, and every poll is a request Redis must serve.
        for (
          let backoff = 1;
          !(await t.setNxPx(keys.lock, token, LOCK_LEASE_MS));
          backoff = Math.min(backoff * 2, 32)
        ) {
          if (performance.now() > deadline) return 'ERROR';
          await sleep(backoff / 2 + Math.random() * (backoff / 2));
        }
        try {
          if (await t.sismember(keys.users, userId)) return 'ALREADY_ADMITTED';
          if ((await t.get(keys.count)) >= quota) return 'SOLD_OUT';
          await t.incr(keys.count);
          await t.sadd(keys.users, userId);
          return 'ADMITTED';
        } finally {
          await unlock([keys.lock], [token]);
        }
      };
    },
    marked: markedSet,
  },
  {
    id: 'c',
    name: "lecture's two calls (SADD, then INCR)",
    prepare: (t, keys, quota) => async (userId) => {
      if ((await t.sadd(keys.users, userId)) === 0) return 'ALREADY_ADMITTED';
      return (await t.incr(keys.count)) <= quota ? 'ADMITTED' : 'SOLD_OUT';
    },
    marked: markedSet,
  },
  {
    id: 'd',
    name: "this project's Lua script (one EVALSHA)",
    prepare: (t, keys, quota) => {
      const day = { campaignId: keys.count, issueDate: '2026-05-01' };
      const expiresAt = String(Math.floor(Date.now() / 1000) + 3_600);
      const answer = (status: number): Answer =>
        status === 0 ? 'ADMITTED' : status === 1 ? 'ALREADY_ADMITTED' : 'SOLD_OUT';
      if (t.upstash) {
        // Over REST the product's own adapter runs it, exactly as the issue Lambda does.
        const store = new RedisAdmissionStore(t.upstash);
        return async (userId) => {
          const outcome = await store.admit({
            day,
            userId,
            requestId: randomUUID(),
            quota,
            admittedAt: new Date().toISOString(),
            expiresAt: Number(expiresAt),
          });
          if (outcome.kind === 'CLOSED') throw new Error('the benchmark never closes a day');
          return outcome.kind;
        };
      }
      const admit = t.script(ADMIT_SCRIPT);
      const k = dayKeys(day);
      return async (userId) => {
        const [status] = (await admit(
          [k.users, k.ledger, k.seq, k.closed],
          [userId, randomUUID(), String(quota), new Date().toISOString(), expiresAt],
        )) as [number, number];
        return answer(status);
      };
    },
    marked: (t, keys) => t.hkeys(dayKeys({ campaignId: keys.count, issueDate: '2026-05-01' }).users),
  },
  {
    id: 'e',
    name: 'bare INCR (ceiling, no admission logic)',
    prepare: (t, keys) => async () => {
      await t.incr(keys.count);
      return 'ADMITTED';
    },
    marked: async () => undefined,
  },
];

/** The measured outcome of one strategy at one concurrency over one transport. */
export interface StrategyResult {
  readonly transport: 'resp' | 'rest';
  readonly strategy: Strategy['id'];
  readonly name: string;
  readonly concurrency: number;
  /** Requests run: the workload's size, or fewer when the run hit its time budget. */
  readonly requests: number;
  readonly opsPerSecond: number;
  readonly latencyMs: Latency;
  /** Distinct users answered ADMITTED. */
  readonly admitted: number;
  /** ADMITTED answers beyond the quota (a user admitted twice counts twice). */
  readonly oversold: number;
  /** Users marked in Redis as admitted without an ADMITTED answer: they can never get a coupon. */
  readonly stranded: number;
  /**
   * Users turned away wrongly: answered ALREADY_ADMITTED without ever being admitted, plus users answered SOLD_OUT
   * (never admitted) while quota was left unused at the end.
   */
  readonly wronglyRejected: number;
  /** Requests that failed (for the lock: no lock within its 10 s wait). */
  readonly errors: number;
}

/** Workload of the issue: `requests` requests from `users` distinct users (the rest repeat), shuffled. */
export function workload(requests: number, users: number, seed = 42): string[] {
  const ids = Array.from({ length: requests }, (_, i) => `user-${i % users}`);
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }
  return ids;
}

/** Runs one strategy once, one client per concurrent caller, and checks its end state. */
export async function runStrategy(
  connect: () => RedisTransport,
  strategy: Strategy,
  options: { concurrency: number; requests: readonly string[]; quota: number; runId: string; budgetMs?: number },
): Promise<StrategyResult> {
  const callers = Array.from({ length: options.concurrency }, connect);
  const t = callers[0] as RedisTransport;
  const prefix = `bench:${options.runId}:${t.name}:${strategy.id}:${options.concurrency}`;
  const keys: RunKeys = { count: `${prefix}:count`, users: `${prefix}:users`, lock: `${prefix}:lock` };
  const admits = callers.map((caller) => strategy.prepare(caller, keys, options.quota));
  const answers: Answer[] = new Array(options.requests.length);
  const { elapsedMs, samples, completed } = await closedLoop(
    options.requests.length,
    options.concurrency,
    async (i, w) => {
      const admit = admits[w] as (userId: string) => Promise<Answer>;
      answers[i] = await admit(options.requests[i] as string).catch(() => 'ERROR' as const);
    },
    options.budgetMs,
  );

  const users = (answer: Answer) => new Set(options.requests.filter((_, i) => answers[i] === answer));
  const admittedAnswers = answers.filter((a) => a === 'ADMITTED').length;
  const admittedUsers = users('ADMITTED');
  const notAdmitted = (set: Set<string>) => [...set].filter((u) => !admittedUsers.has(u)).length;
  const falseAlready = notAdmitted(users('ALREADY_ADMITTED'));
  const falseSoldOut = Math.min(notAdmitted(users('SOLD_OUT')), Math.max(0, options.quota - admittedUsers.size));
  const marked = await strategy.marked(t, keys);
  await Promise.all(callers.map((caller) => caller.close()));
  const ceiling = strategy.id === 'e';
  return {
    transport: t.name,
    strategy: strategy.id,
    name: strategy.name,
    concurrency: options.concurrency,
    requests: completed,
    opsPerSecond: Math.round((completed / elapsedMs) * 1000),
    latencyMs: latency(samples),
    admitted: ceiling ? 0 : admittedUsers.size,
    oversold: ceiling ? 0 : Math.max(0, admittedAnswers - options.quota),
    stranded: marked ? marked.filter((u) => !admittedUsers.has(u)).length : 0,
    wronglyRejected: ceiling ? 0 : falseAlready + falseSoldOut,
    errors: answers.filter((a) => a === 'ERROR').length,
  };
}

/** Sizes of the admission benchmark; the issue's are the defaults. */
export interface AdmissionBenchOptions {
  readonly requests: number;
  readonly users: number;
  readonly quota: number;
  readonly concurrencies: readonly number[];
  readonly transports: readonly ('resp' | 'rest')[];
  /** Wall-time cap of one run, ms (the lock over REST at concurrency 200 manages ~20 requests/s). */
  readonly budgetMs: number;
  /** Interleaved rounds per transport; the median run is reported (RESP runs last well under a second). */
  readonly rounds: { readonly resp: number; readonly rest: number };
}

/** The issue's workload: 20,000 requests from 15,000 users, quota 1,000, at concurrency 1, 50 and 200. */
export const ADMISSION_DEFAULTS: AdmissionBenchOptions = {
  requests: 20_000,
  users: 15_000,
  quota: 1_000,
  concurrencies: [1, 50, 200],
  transports: ['resp', 'rest'],
  budgetMs: 30_000,
  rounds: { resp: 5, rest: 1 },
};

/**
 * Starts a throwaway redis-server (and the Upstash REST bridge), runs every strategy at every concurrency over
 * each transport against it, and stops it. Each run uses its own keys; the same shuffled workload for all.
 */
export async function benchAdmissionStrategies(
  options: AdmissionBenchOptions = ADMISSION_DEFAULTS,
  log: (line: string) => void = () => undefined,
): Promise<StrategyResult[]> {
  const server = await startRedisServer('.local/bench');
  const bridge = await startUpstashBridge({ redisPort: server.port, token: 'bench' });
  const requests = workload(options.requests, options.users);
  const runId = Date.now().toString(36);
  const results: StrategyResult[] = [];
  try {
    for (const name of options.transports) {
      const connect = () =>
        name === 'resp'
          ? respTransport(server.port)
          : restTransport(
              // As the Lambdas configure it (lambdas/runtime/adapters.ts).
              new Upstash({
                url: bridge.url,
                token: bridge.token,
                enableTelemetry: false,
                automaticDeserialization: false,
              }),
            );
      for (const concurrency of options.concurrencies) {
        // Rounds interleave the strategies, so a GC pause or JIT warm-up does not favour one; the median run of
        // each strategy (by ops/s) is reported.
        const runs = new Map<Strategy['id'], StrategyResult[]>();
        for (let round = 0; round < options.rounds[name]; round++) {
          for (const strategy of STRATEGIES) {
            const result = await runStrategy(connect, strategy, {
              concurrency,
              requests,
              quota: options.quota,
              runId: `${runId}-${round}`,
              budgetMs: options.budgetMs,
            });
            log(
              `${name} c=${concurrency} (${strategy.id}) ${result.opsPerSecond} ops/s p99 ${result.latencyMs.p99} ms`,
            );
            runs.set(strategy.id, [...(runs.get(strategy.id) ?? []), result]);
          }
        }
        for (const strategy of STRATEGIES) {
          const sorted = [...(runs.get(strategy.id) ?? [])].sort((a, b) => a.opsPerSecond - b.opsPerSecond);
          results.push(sorted[Math.floor(sorted.length / 2)] as StrategyResult);
        }
      }
    }
  } finally {
    await bridge.stop();
    await server.stop();
  }
  return results;
}
