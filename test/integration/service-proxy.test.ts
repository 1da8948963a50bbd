import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
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
});
