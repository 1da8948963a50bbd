import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Chaos } from '../../local/chaos';
import { startServiceProxy } from '../../local/service-proxy';

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
});
