import { bufferedServer, listenLocal, sendJson } from './http-server';

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
  const server = bufferedServer((req, body, res) => {
    const reply = (status: number, payload: unknown) => sendJson(res, status, payload, 'application/x-amz-json-1.1');
    if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      return reply(400, { __type: 'UnsupportedOperation', message: 'only GetSecretValue is emulated' });
    }
    const { SecretId } = JSON.parse(body.toString('utf8') || '{}') as { SecretId?: string };
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
  const listener = await listenLocal(server);
  return { endpoint: listener.url, stop: listener.close };
}
