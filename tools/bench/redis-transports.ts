import { createHash } from 'node:crypto';
import type { Redis as Upstash } from '@upstash/redis';
import IORedis from 'ioredis';

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
