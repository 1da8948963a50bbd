import { AwsClient } from 'aws4fetch';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../contract/openapi/api-types';
import type { WebConfig } from '../config';

/** A typed client of the HTTP API (openapi-fetch over the types generated from openapi.json). */
export type Api = Client<paths, 'application/json'>;
/** A schema of the API's OpenAPI document, e.g. `Schema<'Campaign'>`. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

/** SigV4 credentials of an operator (an IAM role or user allowed `execute-api:Invoke` on the admin routes). */
export interface AdminCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A typed client of `baseUrl` (no trailing slash), with `middleware` (auth) applied to every request. */
export function apiClient(baseUrl: string, ...middleware: Middleware[]): Api {
  const client = createClient<paths, 'application/json'>({ baseUrl });
  for (const m of middleware) client.use(m);
  return client;
}

/**
 * Signs every request with SigV4 for API Gateway (`execute-api`) in `region` (aws4fetch), as IAM authorization of
 * the admin routes requires. No retries: the operator sees each answer.
 */
export function sigV4(credentials: AdminCredentials, region: string): Middleware {
  const signer = new AwsClient({ ...credentials, service: 'execute-api', region, retries: 0 });
  return { onRequest: ({ request }) => signer.sign(request) };
}

/** Sends `authorization: Bearer <token>` (the token read at each request, so signing in again needs no new client). */
export function bearer(token: () => string | undefined): Middleware {
  return {
    onRequest: ({ request }) => {
      const value = token();
      if (value) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
  };
}

/**
 * Open mode (`auth=none`): the caller names itself, `userId` in the JSON body of a POST and `?userId=` on a GET
 * (README "Identity and access"), which the typed request shapes (jwt mode's) leave out.
 */
export function namedUser(userId: () => string | undefined): Middleware {
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

/** The client of `config`'s user routes and public count for the chosen sign-in (token or named user). */
export function userMiddleware(config: WebConfig, token: () => string | undefined): Middleware {
  return config.userAuth.kind === 'none' ? namedUser(token) : bearer(token);
}

/** `CODE: message` of an API error body (the product's `{code, message}` or API Gateway's `{message}`). */
export function errorText(error: unknown, response?: Response): string {
  const body = (error ?? {}) as { code?: string; message?: string };
  const status = response ? `${response.status} ` : '';
  if (body.code) return `${status}${body.code}: ${body.message ?? ''}`;
  return `${status}${body.message ?? String(error)}`;
}

/** Reads `./config.json` beside the page (web/config.ts). @throws Error when it is missing or not JSON. */
export async function loadWebConfig(): Promise<WebConfig> {
  const response = await fetch('./config.json');
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return (await response.json()) as WebConfig;
}
