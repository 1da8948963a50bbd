import * as http from 'node:http';
import { bufferedServer, listenLocal } from './http-server';

/** A running reverse proxy in front of one emulator. */
export interface ServiceProxy {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * A buffering HTTP reverse proxy from 127.0.0.1 to an emulator, rewriting bodies both ways with plain string
 * substitution. It is the network between the functions and an emulator: fauxqs keys queues by a URL whose
 * host (`sqs.<region>.localhost`) does not resolve here, so the proxy lets functions use resolvable
 * `http://127.0.0.1:<port>/<account>/<queue>` URLs. Fault injection (another issue) belongs here too.
 */
export async function startServiceProxy(options: {
  target: string;
  /** Pairs [public, upstream]: `public` is replaced by `upstream` in requests and back in responses. */
  rewrites?: (publicUrl: string) => [string, string][];
}): Promise<ServiceProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let pairs: [string, string][] = [];
  const replaceAll = (text: string, from: 0 | 1) =>
    pairs.reduce((acc, pair) => acc.split(pair[from]).join(pair[from === 0 ? 1 : 0]), text);

  const server = bufferedServer((req, raw, res) => {
    const body = Buffer.from(replaceAll(raw.toString('utf8'), 0));
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (up) => {
        const out: Buffer[] = [];
        up.on('data', (c: Buffer) => out.push(c));
        up.on('end', () => {
          const text = Buffer.from(replaceAll(Buffer.concat(out).toString('utf8'), 1));
          res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(text.length) });
          res.end(text);
        });
      },
    );
    upstream.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy error: ${error.message}`);
    });
    upstream.end(body);
  });
  const listener = await listenLocal(server);
  pairs = options.rewrites?.(listener.url) ?? [];
  return {
    endpoint: listener.url,
    stop: async () => {
      await listener.close();
      agent.destroy();
    },
  };
}
