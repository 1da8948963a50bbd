import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Chaos } from '../../tools/local/chaos';
import { startServiceProxy } from '../../tools/local/service-proxy';

/** An upstream that answers `{}` and records each request body it received. */
async function recordingUpstream(): Promise<{ received: string[]; url: string; close(): void }> {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    received,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

/** Polls `check` every 20 ms. @throws Error after `timeoutMs`. */
async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const putItem = (signal: AbortSignal, endpoint: string) =>
  fetch(endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem' },
    body: '{"TableName":"t"}',
    signal,
  });

describe('integration: local service proxy', () => {
  it('relays a chunked upstream answer whole, with a Content-Length and no Transfer-Encoding', async () => {
    // Prepare: an upstream that streams its answer in chunks, as DynamoDB Local does for a large Query page.
    const payload = JSON.stringify({ Items: Array.from({ length: 2_000 }, (_, i) => ({ userId: { S: `u${i}` } })) });
    const upstream = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      for (let i = 0; i < payload.length; i += 4_096) res.write(payload.slice(i, i + 4_096));
      res.end();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const proxy = await startServiceProxy({ target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    try {
      // Act: Node's strict HTTP parser is what the AWS SDK reads answers with.
      const response = await fetch(proxy.endpoint, { method: 'POST', body: '{}' });
      // Assess
      expect(response.headers.get('transfer-encoding')).toBeNull();
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(payload)));
      expect(await response.text()).toBe(payload);
    } finally {
      await proxy.stop();
      upstream.close();
    }
  });

  it('forwards a request under errorAfterForwardRate, so the service acts on it, and answers the injected error', async () => {
    // Prepare: an upstream that records what reached it.
    const received: string[] = [];
    const upstream = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{"MessageId":"m1"}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const chaos = new Chaos({ sqs: { SendMessage: { errorAfterForwardRate: 1 } } });
    const proxy = await startServiceProxy({
      target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      chaos: { chaos, service: 'sqs' },
    });
    try {
      // Act
      const response = await fetch(proxy.endpoint, {
        method: 'POST',
        headers: { 'x-amz-target': 'AmazonSQS.SendMessage' },
        body: '{"MessageBody":"hello"}',
      });
      // Assess: stored upstream, yet the caller sees SQS' retryable error.
      expect(received).toEqual(['{"MessageBody":"hello"}']);
      expect(response.status).toBe(500);
      expect(response.headers.get('x-amzn-query-error')).toBe('InternalError;Receiver');
      expect(chaos.injected).toEqual({ 'sqs.SendMessage.errorAfterForward': 1 });
    } finally {
      await proxy.stop();
      upstream.close();
    }
  });

  it('holds a late-landing request unanswered and forwards it landLateMs later, after its caller gave up', async () => {
    // Prepare
    const upstream = await recordingUpstream();
    const chaos = new Chaos({ dynamodb: { PutItem: { landLateMs: 400 } } });
    const proxy = await startServiceProxy({ target: upstream.url, chaos: { chaos, service: 'dynamodb' } });
    try {
      // Act: the caller gives up after 100 ms, as the SDK's requestTimeout does.
      await expect(putItem(AbortSignal.timeout(100), proxy.endpoint)).rejects.toThrow();
      const receivedWhenGivenUp = [...upstream.received];
      await until('the late landing', () => upstream.received.length === 1);
      // Assess: nothing had reached the service when the caller gave up; then the request landed, once.
      expect(receivedWhenGivenUp).toEqual([]);
      expect(upstream.received).toEqual(['{"TableName":"t"}']);
      expect(chaos.injected).toEqual({ 'dynamodb.PutItem.landLate': 1 });
    } finally {
      await proxy.stop();
      upstream.close();
    }
  });

  it('never answers a late-landing request, even once it landed', async () => {
    // Prepare
    const upstream = await recordingUpstream();
    const chaos = new Chaos({ dynamodb: { PutItem: { landLateMs: 50 } } });
    const proxy = await startServiceProxy({ target: upstream.url, chaos: { chaos, service: 'dynamodb' } });
    try {
      // Act: a caller that waits well past the landing.
      const answer = putItem(AbortSignal.timeout(600), proxy.endpoint);
      // Assess
      await expect(answer).rejects.toThrow();
      expect(upstream.received).toHaveLength(1);
    } finally {
      await proxy.stop();
      upstream.close();
    }
  });

  it('drops the late landings still pending when it stops', async () => {
    // Prepare
    const upstream = await recordingUpstream();
    const chaos = new Chaos({ dynamodb: { PutItem: { landLateMs: 200 } } });
    const proxy = await startServiceProxy({ target: upstream.url, chaos: { chaos, service: 'dynamodb' } });
    try {
      await expect(putItem(AbortSignal.timeout(50), proxy.endpoint)).rejects.toThrow();
      // Act
      await proxy.stop();
      await new Promise((resolve) => setTimeout(resolve, 400)); // past the landing that must not happen
      // Assess
      expect(chaos.injected).toEqual({ 'dynamodb.PutItem.landLate': 1 });
      expect(upstream.received).toEqual([]);
    } finally {
      upstream.close();
    }
  });
});
