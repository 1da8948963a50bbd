import type { Middleware } from 'openapi-fetch';
import { type AdminApi, type AdminCredentials, createCouponClient, type UserApi } from '../../client';
import type { WebConfig } from '../config';

export type { AdminApi, AdminCredentials, Schema, UserApi } from '../../client';
export { problemText } from '../../client';

/**
 * The console's client of the admin routes: each SigV4-signed for `execute-api` in the config's Region with the
 * operator's credentials (src/client). No retries: the operator sees each answer.
 */
export function adminClient(config: WebConfig, credentials: AdminCredentials): AdminApi {
  return createCouponClient({ baseUrl: config.apiUrl, adminCredentials: credentials, region: config.region }).admin;
}

/**
 * The drop page's client of `baseUrl` (the API, or the edge for the count) for the chosen sign-in: the token read
 * at each request (`authorization: Bearer`, so signing in again needs no new client), or in open mode the named
 * user ({@link namedUser}).
 */
export function userClient(config: WebConfig, baseUrl: string, credential: () => string | undefined): UserApi {
  const signIn =
    config.userAuth.kind === 'none' ? { middleware: [namedUser(credential)] } : { userToken: () => credential() };
  return createCouponClient({ baseUrl, ...signIn }).user;
}

/**
 * Open mode (`auth=none`): the caller names itself, `userId` in the JSON body of a POST and `?userId=` on a GET
 * (README "Identity and access"), which the typed request shapes (jwt mode's) leave out.
 */
function namedUser(userId: () => string | undefined): Middleware {
  return {
    onRequest: async ({ request }) => {
      const id = userId();
      if (!id) return request;
      if (request.method === 'GET') {
        const url = new URL(request.url);
        url.searchParams.set('userId', id);
        return new Request(url, request);
      }
      const text = await request.clone().text();
      const body = { ...(text ? (JSON.parse(text) as object) : {}), userId: id };
      const headers = new Headers(request.headers);
      headers.set('content-type', 'application/json');
      return new Request(request.url, { method: request.method, headers, body: JSON.stringify(body) });
    },
  };
}

/** Reads `./config.json` beside the page (src/web/config.ts). @throws Error when it is missing or not JSON. */
export async function loadWebConfig(): Promise<WebConfig> {
  const response = await fetch('./config.json');
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return (await response.json()) as WebConfig;
}
