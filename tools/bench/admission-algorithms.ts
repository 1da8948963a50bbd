import { randomUUID } from 'node:crypto';
import {
  ADMIT_SCRIPT,
  admitScriptCall,
  dayKeys,
  RedisAdmissionStore,
} from '../../src/functions/adapters/redis/admission-store';
import type { RedisTransport } from './redis-transports';

// The five admission algorithms Q4 compares (tools/bench/admission-strategies.ts runs them).

/** What one admission attempt answered. */
export type Answer = 'ADMITTED' | 'ALREADY_ADMITTED' | 'SOLD_OUT' | 'ERROR';

/** Keys of one strategy run. */
export interface RunKeys {
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

/** The five strategies Q4 compares, (a) to (e). */
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
      return async (userId) => {
        const call = admitScriptCall({
          day,
          userId,
          requestId: randomUUID(),
          quota,
          admittedAt: new Date().toISOString(),
          expiresAt,
        });
        const [status] = (await admit(call.keys, call.args)) as [number, number];
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
