import type * as http from 'node:http';
import Redis from 'ioredis';
import type { Chaos, RedisVerdict } from './chaos';
import { bufferedServer, listenLocal, sendJson } from './http-server';

/** A running bridge: its REST URL, the bearer token it demands, and how to stop it. */
export interface UpstashBridge {
  readonly url: string;
  readonly token: string;
  stop(): Promise<void>;
}

type Reply = Buffer | string | number | null | Reply[];

function encode(reply: Reply | Error | undefined, base64: boolean): unknown {
  if (reply === undefined || reply === null) return null;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString('base64') : reply.toString('utf8');
  if (typeof reply === 'string') return base64 ? Buffer.from(reply).toString('base64') : reply;
  if (Array.isArray(reply)) return reply.map((r) => encode(r, base64));
  // ioredis turns some replies (HGETALL) into objects; Upstash sends Redis' flat field/value array.
  if (typeof reply === 'object') {
    return Object.entries(reply as unknown as Record<string, Reply>).flatMap(([k, v]) => [
      encode(k, base64),
      encode(v, base64),
    ]);
  }
  return reply;
}

const isCommand = (value: unknown): value is (string | number)[] =>
  Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number');

/**
 * An Upstash-REST-compatible HTTP front for a redis-server, serving the protocol of SRH (serverless-redis-http):
 * `POST /` with one command as a JSON array -> `{"result"}` or 400 `{"error"}`; `POST /pipeline` and
 * `POST /multi-exec` with an array of commands -> an array of `{"result"}` / `{"error"}`; `Authorization: Bearer
 * <token>` required (401 otherwise); with `Upstash-Encoding: base64` every string in a result is base64, as
 * `@upstash/redis` asks for. Local tool only: loopback, one shared RESP connection.
 * With `chaos` (tools/local/chaos.ts `redis`): while Redis is `down` every connection is destroyed unanswered (the client
 * sees a network failure, as with an unreachable database); `latencyMs` delays each request; a lost answer runs
 * the command and then destroys the connection instead of answering; a late landing leaves the request unanswered
 * and runs it `landLateMs` after it arrived (requests still waiting to land when the bridge stops never do).
 */
export async function startUpstashBridge(options: {
  redisPort: number;
  token: string;
  port?: number;
  chaos?: Chaos;
}): Promise<UpstashBridge> {
  const redis = new Redis({
    host: '127.0.0.1',
    port: options.redisPort,
    // Auto-pipelining drops the command name of callBuffer (ioredis 6); plain sends pipeline on the socket anyway.
    enableAutoPipelining: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  redis.on('error', () => undefined); // surfaced per request
  /** Late landings not yet run. */
  const landings = new Set<NodeJS.Timeout>();

  const run = async (command: (string | number)[]): Promise<{ result: Reply } | { error: string }> => {
    const [name, ...args] = command;
    try {
      return { result: (await redis.callBuffer(String(name), ...args.map(String))) as Reply };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  /** Runs the request on redis-server and resolves with the status and JSON body to answer. */
  const execute = async (req: http.IncomingMessage, raw: Buffer): Promise<{ status: number; body: unknown }> => {
    if (req.headers.authorization !== `Bearer ${options.token}`)
      return { status: 401, body: { error: 'Unauthorized' } };
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      return { status: 400, body: { error: 'ERR failed to parse request body as JSON' } };
    }
    const route = (req.url ?? '/').split('?')[0];
    const wrap = (r: { result: Reply } | { error: string }) =>
      'error' in r ? r : { result: encode(r.result, base64) };

    if (req.method === 'POST' && (route === '/pipeline' || route === '/multi-exec')) {
      if (!Array.isArray(body) || !body.every(isCommand)) {
        return { status: 400, body: { error: 'ERR expected an array of commands' } };
      }
      if (route === '/pipeline') return { status: 200, body: (await Promise.all(body.map(run))).map(wrap) };
      const multi = redis.multi();
      for (const [name, ...args] of body) multi.callBuffer(String(name), ...args.map(String));
      try {
        const results = (await multi.exec()) ?? [];
        return {
          status: 200,
          body: results.map(([err, value]) =>
            err ? { error: err.message } : { result: encode(value as Reply, base64) },
          ),
        };
      } catch (error) {
        return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
      }
    }
    let command: unknown = body;
    if (req.method === 'GET' || (req.method === 'POST' && route !== '/' && body === undefined)) {
      command = (route ?? '/').split('/').filter(Boolean).map(decodeURIComponent);
    } else if (req.method === 'POST' && route !== '/' && isCommand(body)) {
      command = [...(route ?? '/').split('/').filter(Boolean).map(decodeURIComponent), ...body];
    }
    if (!isCommand(command)) return { status: 400, body: { error: 'ERR expected a command as a JSON array' } };
    const result = await run(command);
    return 'error' in result ? { status: 400, body: result } : { status: 200, body: wrap(result) };
  };

  const server = bufferedServer(async (req, raw, res) => {
    const verdict: RedisVerdict = options.chaos?.redis() ?? { kind: 'forward', latencyMs: 0, dropAnswer: false };
    if (verdict.kind === 'down') {
      req.socket.destroy();
      return;
    }
    if (verdict.kind === 'landLate') {
      // Never answered; redis-server runs the command later, its result going nowhere.
      const landing = setTimeout(() => {
        landings.delete(landing);
        void execute(req, raw);
      }, verdict.delayMs);
      landings.add(landing);
      return;
    }
    if (verdict.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, verdict.latencyMs));
    const { status, body } = await execute(req, raw);
    // The command ran; with a lost answer the client sees the connection reset instead of its result.
    if (verdict.dropAnswer) req.socket.destroy();
    else sendJson(res, status, body);
  });
  if (options.chaos) {
    const chaos = options.chaos;
    server.on('connection', (socket) => {
      if (chaos.get().redis?.down) socket.destroy();
    });
    chaos.onChange((config) => {
      if (config.redis?.down) server.closeAllConnections();
    });
  }
  const listener = await listenLocal(server, options.port);
  return {
    url: listener.url,
    token: options.token,
    stop: async () => {
      for (const landing of landings) clearTimeout(landing);
      landings.clear();
      await listener.close();
      redis.disconnect();
    },
  };
}
