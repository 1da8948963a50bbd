import { type CouponApi, createCouponClient, signatureHeaders } from '../../src/client';
import type { FunctionAuthMode } from '../../src/contract/names';
import { checkedFetch, ResponseChecker } from './response-check';
import type { AdminCredentials } from './sigv4';

export type { RequestBody } from '../../src/client';

/** A typed client of the HTTP API: the product's (src/client), every route. */
export type ApiClient = CouponApi;

/** Options of {@link LocalApiClient}. */
export interface LocalApiClientOptions {
  /**
   * Check every API response against the OpenAPI document (tools/local/response-check.ts): a response whose
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
  /** The local checkout's SigV4 credentials (checkout routes); absent for a deployed target without them. */
  readonly checkoutCredentials?: AdminCredentials;
  /** `jwt` when the user routes take bearer tokens (mint them at `POST /_local/token`), `none` in open mode. */
  readonly auth: { readonly mode: FunctionAuthMode };
}

/**
 * A client of the local cloud's HTTP API that authenticates like a real one: bearer tokens for users (minted by
 * the local issuer at `POST /_local/token`, cached per user) and SigV4-signed admin calls with the local admin's
 * credentials (and checkout calls with the local checkout's). Used by the tests, the benchmarks and the load test.
 * {@link api}, {@link user}, {@link admin} and {@link checkout}
 * are the product's typed client (src/client, createCouponClient), which authenticates each route as the route
 * table says; {@link fetch} is the untyped escape hatch (malformed requests). Both go through one transport, which
 * checks responses when `checkResponses` is on.
 */
export class LocalApiClient {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly users = new Map<string, ApiClient>();
  /** The fetch every API request goes through: checked against the document or not. */
  private readonly transport: typeof fetch;
  /** The typed client without credentials (the public count, or a request meant to be refused). */
  readonly api: ApiClient;
  /** The typed client of the local admin: admin routes SigV4-signed for `execute-api`. */
  readonly admin: ApiClient;
  /**
   * The typed client of the local checkout: checkout routes SigV4-signed with `checkoutCredentials` (unsigned when
   * the access has none: API Gateway answers 403).
   */
  readonly checkout: ApiClient;

  constructor(
    readonly access: LocalApiAccess,
    options: LocalApiClientOptions = {},
  ) {
    this.transport = options.checkResponses ? checkedFetch(new ResponseChecker()) : (input, init) => fetch(input, init);
    const baseUrl = access.apiUrl;
    this.api = createCouponClient({ baseUrl, fetch: this.transport }).api;
    const { accessKeyId, secretAccessKey, sessionToken, region } = access.adminCredentials;
    this.admin = createCouponClient({
      baseUrl,
      adminCredentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      region,
      fetch: this.transport,
    }).api;
    const checkout = access.checkoutCredentials;
    this.checkout = createCouponClient({
      baseUrl,
      ...(checkout
        ? {
            checkoutCredentials: {
              accessKeyId: checkout.accessKeyId,
              secretAccessKey: checkout.secretAccessKey,
              ...(checkout.sessionToken ? { sessionToken: checkout.sessionToken } : {}),
            },
            region: checkout.region,
          }
        : {}),
      fetch: this.transport,
    }).api;
  }

  /**
   * The typed client acting as `userId`: its bearer token (minted once, cached) on the user routes; in open mode
   * no token (the request's `userId` names the user).
   */
  user(userId: string): ApiClient {
    let client = this.users.get(userId);
    if (!client) {
      const userToken = this.access.auth.mode === 'jwt' ? () => this.token(userId) : undefined;
      client = createCouponClient({ baseUrl: this.access.apiUrl, fetch: this.transport, userToken }).api;
      this.users.set(userId, client);
    }
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

  /**
   * The `authorization` and `x-amz-date` headers of an admin request (or of a checkout request with `signer`, the
   * checkout's credentials), SigV4-signed for `execute-api` by the product's client (src/client/sigv4.ts).
   */
  async adminHeaders(
    method: string,
    url: string,
    body?: string,
    signer: AdminCredentials = this.access.adminCredentials,
  ): Promise<Record<string, string>> {
    const { region, ...credentials } = signer;
    return {
      ...(await signatureHeaders(credentials, region, { method, url, ...(body === undefined ? {} : { body }) })),
    };
  }

  /**
   * Calls the API: as `as` (a user id: its bearer token, or `userId` semantics are the caller's in open mode) or
   * as the local admin for `/v1/admin/` paths and as the checkout for `/v1/checkout/` paths (when the access has
   * checkout credentials) unless `sign` is false.
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
    const pathname = new URL(url).pathname;
    if (init.sign !== false && pathname.startsWith('/v1/admin/')) {
      Object.assign(headers, await this.adminHeaders(method, url, init.body));
    }
    const checkout = this.access.checkoutCredentials;
    if (init.sign !== false && checkout && pathname.startsWith('/v1/checkout/')) {
      Object.assign(headers, await this.adminHeaders(method, url, init.body, checkout));
    }
    return this.transport(url, { method, headers, body: init.body });
  }
}
