import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Handles one request whose body has been read whole. */
export type BufferedHandler = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => unknown;

/**
 * An HTTP server that reads each request body whole before calling `handle` (the local tools' bodies are small).
 * A body above `maxBodyBytes` is answered 413 `{"message":"Request Entity Too Large"}` without calling `handle`.
 */
export function bufferedServer(handle: BufferedHandler, maxBodyBytes = Number.POSITIVE_INFINITY): http.Server {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) {
        // The rest of the body is read and dropped, so the client can finish sending and read the answer.
        if (!refused) sendJson(res, 413, { message: 'Request Entity Too Large' });
        refused = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!refused) void handle(req, Buffer.concat(chunks), res);
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/** A server listening on loopback. */
export interface LocalListener {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Drops open connections and stops listening. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port` (0 picks a free port).
 * @throws the listen error (e.g. EADDRINUSE).
 */
export async function listenLocal(server: http.Server, port = 0): Promise<LocalListener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A burst opens thousands of connections at once: Node's default accept backlog (511) overflows while the
    // event loop is busy, and a connection dropped from a full queue can end in ECONNRESET on the client. 4096 is
    // Linux's default net.core.somaxconn cap.
    server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers with `body` as JSON (a string is sent as is). */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
