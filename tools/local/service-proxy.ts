import * as http from 'node:http';
import { type Chaos, type ChaosService, operationOf } from './chaos';
import { bufferedServer, listenLocal } from './http-server';

/** A running reverse proxy in front of one emulator. */
export interface ServiceProxy {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** An answer as relayed to the caller. */
interface Answer {
  readonly status: number;
  readonly headers: http.OutgoingHttpHeaders;
  readonly body: string | Buffer;
}

/**
 * A buffering HTTP reverse proxy from 127.0.0.1 to an emulator, rewriting bodies both ways with plain string
 * substitution. It is the network between the functions and an emulator: fauxqs keys queues by a URL whose
 * host (`sqs.<region>.localhost`) does not resolve here, so the proxy lets functions use resolvable
 * `http://127.0.0.1:<port>/<account>/<queue>` URLs. With `chaos`, it is also where faults are injected: per
 * operation (from `X-Amz-Target`) it adds latency, answers the service's own retryable error without forwarding
 * (or after forwarding, in place of the service's answer), holds the request unanswered (blackhole) until the
 * caller gives up, or holds it unanswered and forwards it later whatever the caller did (late landing; requests
 * still waiting to land when the proxy stops never do).
 */
export async function startServiceProxy(options: {
  target: string;
  /** Pairs [public, upstream]: `public` is replaced by `upstream` in requests and back in responses. */
  rewrites?: (publicUrl: string) => [string, string][];
  /** Faults to inject, as the named service. */
  chaos?: { readonly chaos: Chaos; readonly service: ChaosService };
}): Promise<ServiceProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let pairs: [string, string][] = [];
  const replaceAll = (text: string, from: 0 | 1) =>
    pairs.reduce((acc, pair) => acc.split(pair[from]).join(pair[from === 0 ? 1 : 0]), text);
  /** Late landings not yet forwarded. */
  const landings = new Set<NodeJS.Timeout>();

  /** Sends the request upstream and resolves with the service's answer (502 when it cannot be reached). */
  const forward = (req: http.IncomingMessage, text: string) =>
    new Promise<Answer>((resolve) => {
      const body = Buffer.from(replaceAll(text, 0));
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (up) => {
          const out: Buffer[] = [];
          up.on('data', (c: Buffer) => out.push(c));
          up.on('end', () => {
            const text = Buffer.from(replaceAll(Buffer.concat(out).toString('utf8'), 1));
            // The body is re-sent whole: a chunked upstream answer (DynamoDB Local's large Query pages) must not
            // keep its Transfer-Encoding next to the new Content-Length, which clients reject as a parse error.
            const { 'transfer-encoding': _chunked, ...upHeaders } = up.headers;
            resolve({
              status: up.statusCode ?? 502,
              headers: { ...upHeaders, 'content-length': String(text.length) },
              body: text,
            });
          });
        },
      );
      upstream.on('error', (error) =>
        resolve({ status: 502, headers: { 'content-type': 'text/plain' }, body: `proxy error: ${error.message}` }),
      );
      upstream.end(body);
    });

  const send = (res: http.ServerResponse, answer: Answer) => {
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };
  const injected = (error: { status: number; headers: Record<string, string>; body: string }): Answer => ({
    status: error.status,
    headers: { ...error.headers, 'content-length': Buffer.byteLength(error.body) },
    body: error.body,
  });

  const server = bufferedServer(async (req, raw, res) => {
    const text = raw.toString('utf8');
    if (!options.chaos) return send(res, await forward(req, text));
    const verdict = options.chaos.chaos.verdict(options.chaos.service, operationOf(req.headers, text));
    if (verdict.kind === 'blackhole') return; // never answered; the caller times out or goes away
    if (verdict.kind === 'landLate') {
      // Never answered either; the service applies the request later, its answer going nowhere.
      const landing = setTimeout(() => {
        landings.delete(landing);
        void forward(req, text);
      }, verdict.delayMs);
      landings.add(landing);
      return;
    }
    if (verdict.kind === 'error') return send(res, injected(verdict));
    if (verdict.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, verdict.latencyMs));
    const answer = await forward(req, text);
    // The service acted on the request; its answer is replaced by an error (chaos errorAfterForwardRate).
    send(res, verdict.thenError ? injected(verdict.thenError) : answer);
  });
  const listener = await listenLocal(server);
  pairs = options.rewrites?.(listener.url) ?? [];
  return {
    endpoint: listener.url,
    stop: async () => {
      for (const landing of landings) clearTimeout(landing);
      landings.clear();
      await listener.close();
      agent.destroy();
    },
  };
}
