import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalApiClient } from '../local/api-client';
import type { LocalEndpoints } from '../local/cloud';
import { adminCredentialsFromEnv } from '../local/sigv4';

/** How the operator tools reach an API: its client, and how users authenticate to it. */
export interface Target {
  readonly client: LocalApiClient;
  /** `local`: tokens minted by the local issuer; `token`: the one given; `none`: open mode (`userId` in the body). */
  readonly userAuth: 'local' | 'token' | 'none';
  /** The bearer token of the `token` mode. */
  readonly token?: string;
}

/**
 * The running local cloud's endpoints: `file` when given, else `$LOCAL_CLOUD_STATE_DIR/endpoints.json`, else the
 * repository's `.local/endpoints.json` (where `npm start` writes it).
 * @throws Error naming the file when it is missing or not JSON.
 */
export function readLocalEndpoints(
  file?: string,
  env: NodeJS.ProcessEnv = process.env,
  readFile: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): LocalEndpoints {
  const resolved = file
    ? path.resolve(file)
    : path.join(env.LOCAL_CLOUD_STATE_DIR ?? path.resolve(__dirname, '..', '..', '.local'), 'endpoints.json');
  try {
    return JSON.parse(readFile(resolved)) as LocalEndpoints;
  } catch (cause) {
    throw new Error(`no local cloud at ${resolved}: start one with npm start, or give a deployed API's URL`, { cause });
  }
}

/**
 * The API of `apiUrl`, or of the running local cloud (`$LOCAL_CLOUD_STATE_DIR/endpoints.json`, default
 * `.local/endpoints.json`) when it is undefined. A deployed API's admin calls are SigV4-signed with the
 * environment's credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION; e.g.
 * `eval "$(aws configure export-credentials --format env)"`); its user calls send `token` (an ID token, see
 * `npm run token`), or nothing but a userId when `openMode` (a stack deployed with `-c auth=none`).
 * @throws Error when the local cloud is not running, or a deployed API lacks credentials or a token.
 */
export function resolveTarget(apiUrl: string | undefined, options: { token?: string; openMode?: boolean }): Target {
  if (!apiUrl) {
    const endpoints = readLocalEndpoints();
    return { client: new LocalApiClient(endpoints), userAuth: endpoints.auth.mode === 'jwt' ? 'local' : 'none' };
  }
  const adminCredentials = adminCredentialsFromEnv();
  if (!options.openMode && !options.token) {
    throw new Error('give a user token (--token or SMOKE_TOKEN, see npm run token) or --open for an auth=none stack');
  }
  const client = new LocalApiClient({
    apiUrl: apiUrl.replace(/\/$/, ''),
    adminCredentials,
    // The operator's role signs the checkout routes too: it needs grantCheckout besides grantAdminInvoke.
    checkoutCredentials: adminCredentials,
    auth: { mode: options.openMode ? 'none' : 'jwt' },
  });
  return options.openMode ? { client, userAuth: 'none' } : { client, userAuth: 'token', token: options.token };
}
