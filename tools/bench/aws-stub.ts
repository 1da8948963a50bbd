import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';

/** A running stub: its endpoint, what it served, and how to stop it. */
export interface AwsStub {
  /** `http://127.0.0.1:<port>`: the endpoint for `AWS_ENDPOINT_URL_SQS`, `_SECRETS_MANAGER` and `_DYNAMODB`. */
  readonly url: string;
  /** SendMessage requests accepted, by queue URL. */
  readonly sentByQueue: Map<string, number>;
  /** Items GetItem answers, by `campaignId` (the campaign table's key). */
  readonly campaigns: Map<string, Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * The three AWS calls the issue function makes, answered as the services answer them (JSON protocols), so the
 * product's own SDK clients run their full path (serialization, SigV4 signing, HTTP, the response's checks)
 * against it: SQS `SendMessage` (with the body's MD5, which the SDK verifies), Secrets Manager `GetSecretValue`
 * (the secret `secrets[SecretId]`, e.g. the Upstash `{"url","token"}`), and DynamoDB `GetItem` on a campaign
 * (from `campaigns`, by `Key.campaignId`; no item when unknown). It runs in the benchmark's parent process, so
 * its CPU is never the measured worker's. Anything else is answered 400, as the service would refuse it.
 */
export async function startAwsStub(secrets: Readonly<Record<string, string>> = {}): Promise<AwsStub> {
  const sentByQueue = new Map<string, number>();
  const campaigns = new Map<string, Record<string, unknown>>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      const target = String(req.headers['x-amz-target'] ?? '');
      const answer = (status: number, type: string, payload: unknown) => {
        res.writeHead(status, { 'content-type': type });
        res.end(JSON.stringify(payload));
      };
      if (target === 'AmazonSQS.SendMessage') {
        const queueUrl = String(body.QueueUrl);
        sentByQueue.set(queueUrl, (sentByQueue.get(queueUrl) ?? 0) + 1);
        const md5 = createHash('md5')
          .update(String(body.MessageBody ?? ''))
          .digest('hex');
        return answer(200, 'application/x-amz-json-1.0', { MessageId: randomUUID(), MD5OfMessageBody: md5 });
      }
      if (target === 'secretsmanager.GetSecretValue') {
        const secret = secrets[String(body.SecretId)];
        if (secret === undefined) {
          return answer(400, 'application/x-amz-json-1.1', {
            __type: 'ResourceNotFoundException',
            message: 'no secret',
          });
        }
        return answer(200, 'application/x-amz-json-1.1', {
          ARN: 'arn:bench',
          Name: body.SecretId,
          SecretString: secret,
        });
      }
      if (target === 'DynamoDB_20120810.GetItem') {
        const key = (body.Key as { campaignId?: { S?: string } } | undefined)?.campaignId?.S ?? '';
        const item = campaigns.get(key);
        return answer(200, 'application/x-amz-json-1.0', item ? { Item: marshall(item) } : {});
      }
      return answer(400, 'application/x-amz-json-1.0', { __type: 'UnknownOperationException', message: target });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sentByQueue,
    campaigns,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
