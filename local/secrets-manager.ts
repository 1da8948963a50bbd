import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running Secrets Manager stand-in. */
export interface LocalSecretsManager {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * The one Secrets Manager call the functions make, `GetSecretValue` (AWS JSON 1.1), answered from `secrets`
 * (name -> SecretString); unknown ids get ResourceNotFoundException as on AWS. Local tool only.
 */
export async function startLocalSecretsManager(secrets: Record<string, string>): Promise<LocalSecretsManager> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        return reply(400, { __type: 'UnsupportedOperation', message: 'only GetSecretValue is emulated' });
      }
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
      const name = Object.keys(secrets).find((n) => SecretId === n || SecretId?.includes(`:secret:${n}`));
      if (!name) {
        return reply(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      reply(200, {
        ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-local`,
        Name: name,
        SecretString: secrets[name],
        VersionId: 'local',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Date.now() / 1000,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
