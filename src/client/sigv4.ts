import { AwsV4Signer } from 'aws4fetch';

/** The SigV4 service of API Gateway, which checks the signature of a route with IAM authorization. */
export const EXECUTE_API_SERVICE = 'execute-api';

/**
 * Credentials of an operator: an IAM user's or role's keys allowed `execute-api:Invoke` on the admin routes.
 * `sessionToken` is set for temporary credentials (an assumed role, `aws configure export-credentials`).
 */
export interface AdminCredentials {
  /** The access key id (`AKIA...`, or `ASIA...` with a session token). */
  readonly accessKeyId: string;
  /** The secret access key. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials (a role's, an SSO session's). @default - long-term credentials */
  readonly sessionToken?: string;
}

/** The headers SigV4 adds to a request: `authorization`, `x-amz-date` and, for temporary credentials, `x-amz-security-token`. */
export type SignatureHeaders = Readonly<Record<string, string>>;

/** What a signature covers: the method, the full URL (path and query), the headers sent and the body. */
export interface SignableRequest {
  /** The HTTP method (`GET`, `POST`, ...). */
  readonly method: string;
  /** The absolute URL, query included. */
  readonly url: string;
  /** Headers to send and sign beside those the signature adds. @default - none */
  readonly headers?: Headers | Readonly<Record<string, string>>;
  /** The exact bytes sent; absent or empty for none (the signature then covers the empty body's hash). */
  readonly body?: string | ArrayBuffer;
}

/**
 * The AWS Region of an API Gateway default endpoint (`https://{id}.execute-api.{region}.amazonaws.com[.cn]`),
 * or undefined for any other host (a custom domain, the local cloud): pass `region` then.
 */
export function regionOfApiUrl(url: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(url).hostname)?.[1];
}

/**
 * Signs a request with SigV4 for `execute-api` in `region` (aws4fetch over WebCrypto, so it runs in browsers and
 * Node 20+) and returns the headers to add. The canonical request is AWS's: the path URI-encoded twice (all
 * services but S3), query parameters sorted by encoded name then value, every header sent signed except those a
 * proxy may change (aws4fetch's list: `content-type`, `content-length`, `user-agent`...), and the body's SHA-256.
 * test/unit/client/sigv4.test.ts checks it against @smithy/signature-v4, the AWS SDK's signer.
 * `datetime` (`yyyyMMddTHHmmssZ`) fixes the signing time, for tests; by default now.
 */
export async function signatureHeaders(
  credentials: AdminCredentials,
  region: string,
  request: SignableRequest,
  datetime?: string,
): Promise<SignatureHeaders> {
  const headers = new Headers(request.headers as ConstructorParameters<typeof Headers>[0]);
  const signer = new AwsV4Signer({
    method: request.method,
    url: request.url,
    headers,
    body: request.body ?? '',
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    service: EXECUTE_API_SERVICE,
    region,
    ...(datetime ? { datetime } : {}),
  });
  const signed = await signer.sign();
  const result: Record<string, string> = {};
  for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token']) {
    const value = signed.headers.get(name);
    if (value !== null) result[name] = value;
  }
  return result;
}

/**
 * Signs `request` (see {@link signatureHeaders}) and returns it with the signature headers set. Reads a copy of
 * the body, so the request can still be sent.
 */
export async function signRequest(credentials: AdminCredentials, region: string, request: Request): Promise<Request> {
  const body = request.body === null ? undefined : await request.clone().arrayBuffer();
  const headers = await signatureHeaders(credentials, region, {
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(body === undefined ? {} : { body }),
  });
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  return request;
}
