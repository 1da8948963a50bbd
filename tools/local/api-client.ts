import type { SignatureV4 } from '@smithy/signature-v4';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { FunctionAuthMode } from '../../src/contract/names';
import type { operations, paths } from '../../src/contract/openapi/api-types';
import { checkedFetch, ResponseChecker } from './response-check';
import { type AdminCredentials, executeApiSigner, signableRequest } from './sigv4';

/** A typed client of the HTTP API (openapi-fetch over the types generated from openapi.json). */
export type ApiClient = Client<paths, 'application/json'>;

/** The JSON request body of an operation of the API, from the generated types, e.g. `RequestBody<'createCampaign'>`. */
export type RequestBody<O extends keyof operations> = operations[O] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** Options of {@link LocalApiClient}. */
export interface LocalApiClientOptions {
  /**
   * Check every API response against the OpenAPI document (local/openapi/response-check.ts): a response whose
   * route, status or body the document lacks throws ContractViolationError. On in the end-to-end tests; off for
   * benchmarks and the load test, whose timings it would skew.
   * @default false
   */
  readonly checkResponses?: boolean;
}

/** What a client of the local cloud needs from `.local/endpoints.json`. */
export interface LocalApiAccess {
  readonly apiUrl: string;
  /** The local admin's SigV4 credentials (admin routes). */
  readonly adminCredentials: AdminCredentials;
  /** `jwt` when the user routes take bearer tokens (mint them at `POST /_local/token`), `none` in open mode. */
  readonly auth: { readonly mode: FunctionAuthMode };
}

/**
 * A client of the local cloud's HTTP API that authenticates like a real one: bearer tokens for users (minted by
 * the local issuer at `POST /_local/token`, cached per user) and SigV4-signed admin calls with the local admin's
 * credentials. Used by the tests, the benchmarks and the load test. {@link api}, {@link user} and {@link admin}
 * are typed clients generated from the OpenAPI document; {@link fetch} is the untyped escape hatch (malformed
 * requests). Both go through one transport, which checks responses when `checkResponses` is on.
 */
export class LocalApiClient {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly users = new Map<string, ApiClient>();
  private readonly signer: SignatureV4;
  /** The fetch every API request goes through: checked against the document or not. */
  private readonly transport: typeof fetch;
  /** The typed client without credentials (the public count, or a request meant to be refused). */
  readonly api: ApiClient;
  /** The typed client of the local admin: every request SigV4-signed for `execute-api`. */
  readonly admin: ApiClient;

  constructor(
    readonly access: LocalApiAccess,
    options: LocalApiClientOptions = {},
  ) {
    this.signer = executeApiSigner(access.adminCredentials);
    this.transport = options.checkResponses ? checkedFetch(new ResponseChecker()) : (input, init) => fetch(input, init);
    this.api = this.typedClient();
    this.admin = this.typedClient({
      onRequest: async ({ request }) => {
        const body = request.body === null ? undefined : await request.clone().text();
        const signed = await this.adminHeaders(request.method, request.url, body);
        for (const [name, value] of Object.entries(signed)) request.headers.set(name, value);
        return request;
      },
    });
  }

  /**
   * The typed client acting as `userId`: its bearer token (minted once, cached) on every request; in open mode
   * no token (the request's `userId` names the user).
   */
  user(userId: string): ApiClient {
    let client = this.users.get(userId);
    if (!client) {
      client = this.typedClient({
        onRequest: async ({ request }) => {
          if (this.access.auth.mode === 'jwt')
            request.headers.set('authorization', `Bearer ${await this.token(userId)}`);
          return request;
        },
      });
      this.users.set(userId, client);
    }
    return client;
  }

  private typedClient(middleware?: Middleware): ApiClient {
    const client = createClient<paths, 'application/json'>({ baseUrl: this.access.apiUrl, fetch: this.transport });
    if (middleware) client.use(middleware);
    return client;
  }

  /**
   * A bearer token for `userId` (valid one hour), minted once and cached.
   * @throws Error when the cloud runs in open mode (no issuer) or refuses to mint.
   */
  token(userId: string): Promise<string> {
    let token = this.tokens.get(userId);
    if (!token) {
      token = this.mint({ sub: userId });
      token.catch(() => this.tokens.delete(userId));
      this.tokens.set(userId, token);
    }
    return token;
  }

  /** Mints tokens for many users, `concurrency` at a time (before a burst, so the burst measures only itself). */
  async tokensFor(userIds: readonly string[], concurrency = 16): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    let next = 0;
    const worker = async () => {
      while (next < userIds.length) {
        const userId = userIds[next++] as string;
        result.set(userId, await this.token(userId));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, userIds.length) }, worker));
    return result;
  }

  /**
   * Mints a token with the local issuer, uncached: `claims` override the defaults (`iss`, `aud`...), and a
   * negative `expiresInSeconds` gives an expired token.
   * @throws Error when the cloud refuses (open mode: no issuer).
   */
  async mint(request: { sub: string; expiresInSeconds?: number; claims?: Record<string, unknown> }): Promise<string> {
    const response = await fetch(`${this.access.apiUrl}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const body = (await response.json()) as { token?: string; message?: string };
    if (response.status !== 200 || !body.token) {
      throw new Error(`minting a token failed: ${response.status} ${body.message ?? ''}`);
    }
    return body.token;
  }

  /** The `authorization` and `x-amz-date` headers of an admin request, SigV4-signed for `execute-api`. */
  async adminHeaders(method: string, url: string, body?: string): Promise<Record<string, string>> {
    const target = new URL(url);
    const headers: Record<string, string> = { host: target.host };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const signed = await this.signer.sign(signableRequest(method, target, headers, body));
    return {
      authorization: signed.headers.authorization as string,
      'x-amz-date': signed.headers['x-amz-date'] as string,
    };
  }

  /**
   * Calls the API: as `as` (a user id: its bearer token, or `userId` semantics are the caller's in open mode) or
   * as the local admin for `/v1/admin/` paths unless `sign` is false.
   */
  async fetch(
    path: string,
    init: {
      method?: string;
      body?: string;
      as?: string;
      token?: string;
      sign?: boolean;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.access.apiUrl}${path}`;
    const method = init.method ?? (init.body !== undefined ? 'POST' : 'GET');
    const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
    const token =
      init.token ?? (init.as !== undefined && this.access.auth.mode === 'jwt' ? await this.token(init.as) : undefined);
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (init.sign !== false && new URL(url).pathname.startsWith('/v1/admin/')) {
      Object.assign(headers, await this.adminHeaders(method, url, init.body));
    }
    return this.transport(url, { method, headers, body: init.body });
  }
}
