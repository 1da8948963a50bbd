import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * SigV4 credentials of an admin caller, as the signer reads them: the local admin's are long-lived, generated at
 * every start (generateAdminCredentials in tools/local/authorizers.ts) and written into endpoints.json (`adminCredentials`).
 */
export interface AdminCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Set for temporary credentials (a deployed stack's admin role); never for the local admin. */
  readonly sessionToken?: string;
  readonly region: string;
  /** The SigV4 service name: `execute-api` (API Gateway) for the admin API; another for a stand-in's check. */
  readonly service: string;
}

/**
 * The SigV4 signer both sides of an admin call use: the client signing it and the local cloud recomputing the
 * signature to check it. The credentials' service (`execute-api` for the admin API) and region, no `x-amz-content-sha256` header (curl's
 * `--aws-sigv4` sends none either; the payload hash is still part of the signature).
 */
export function executeApiSigner(credentials: AdminCredentials): SignatureV4 {
  return new SignatureV4({
    credentials,
    region: credentials.region,
    service: credentials.service,
    sha256: Sha256,
    applyChecksum: false,
  });
}

/**
 * A request as the signer reads it: method, path, query (repeated keys as arrays), `headers` and body. The signed
 * host is the `host` header's, so the URL's own host does not matter.
 */
export function signableRequest(method: string, url: URL, headers: Record<string, string>, body?: string | Buffer) {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prior = query[k];
    query[k] = prior === undefined ? v : [...(Array.isArray(prior) ? prior : [prior]), v];
  }
  return { method, protocol: url.protocol, hostname: url.hostname, path: url.pathname, query, headers, body };
}

/**
 * Admin credentials for a deployed API from the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN (temporary credentials) and AWS_REGION, e.g. after
 * `eval "$(aws configure export-credentials --format env)"`, signing for `region` (AWS_REGION unless given). Used
 * by the smoke command, the load test and `npm run admin`.
 * @throws Error when the key, the secret or the region is missing.
 */
export function adminCredentialsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  region: string | undefined = env.AWS_REGION,
): AdminCredentials {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY || !region) {
    throw new Error('a deployed API needs AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION for admin calls');
  }
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
    region,
    service: 'execute-api',
  };
}
