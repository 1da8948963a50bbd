import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { ROUTES, type RouteAuthorization, routeKey } from '../contract/routes';
import { type AdminCredentials, regionOfApiUrl, signRequest } from './sigv4';
import type { AdminPaths, ApiPaths, CheckoutPaths, UserPaths } from './types';

/**
 * The media types the clients read: JSON answers, the product's problems (`application/problem+json`) and API
 * Gateway's own refusals (`application/json`).
 */
export type ApiMediaType = 'application/json' | 'application/problem+json';
/** A typed client of every route of the HTTP API (openapi-fetch over the generated types). */
export type CouponApi = Client<ApiPaths, ApiMediaType>;
/** A typed client of the admin routes. */
export type AdminApi = Client<AdminPaths, ApiMediaType>;
/** A typed client of the checkout routes. */
export type CheckoutApi = Client<CheckoutPaths, ApiMediaType>;
/** A typed client of the user routes and the public ones (a campaign's view and its count). */
export type UserApi = Client<UserPaths, ApiMediaType>;

/** A value, or a function that gives it at each request (a token refreshed by a sign-in, rotated credentials). */
export type Provided<T> = T | (() => T | Promise<T>);

/** Options of {@link createCouponClient}. */
export interface CouponClientOptions {
  /**
   * The API's base URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com` or a stage's
   * `https://.../prod`; a trailing slash is dropped, and the route's path (`/v1/...`) is appended to it.
   */
  readonly baseUrl: string;
  /**
   * The user's bearer token (the user pool's or OIDC issuer's JWT), sent as `authorization: Bearer <token>` on
   * the `user` routes; a function is called at each request (undefined: sent without, as in open mode).
   * @default - no token: user routes are sent without credentials (API Gateway answers 401 unless open mode)
   */
  readonly userToken?: Provided<string | undefined>;
  /**
   * The operator's credentials, with which every `admin` route is SigV4-signed for `execute-api`; a function is
   * called at each request (temporary credentials that rotate).
   * @default - none: admin routes are sent unsigned (API Gateway answers 403)
   */
  readonly adminCredentials?: Provided<AdminCredentials | undefined>;
  /**
   * The checkout service's credentials (a role granted `FcfsCoupon.grantCheckout`), with which every `checkout`
   * route is SigV4-signed for `execute-api`; a function is called at each request.
   * @default - none: checkout routes are sent unsigned (API Gateway answers 403)
   */
  readonly checkoutCredentials?: Provided<AdminCredentials | undefined>;
  /**
   * The API's AWS Region, for the signature's scope.
   * @default - the Region in `baseUrl` when it is an `execute-api` default endpoint
   */
  readonly region?: string;
  /**
   * The fetch every request goes through (a response check, a test's fake).
   * @default globalThis.fetch
   */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** More middleware, run before authentication (so a body it rewrites is the one signed). @default - none */
  readonly middleware?: readonly Middleware[];
}

/** The clients {@link createCouponClient} returns: one client, typed four ways. */
export interface CouponClient {
  /** The user routes and the public ones (a campaign's view, its count): bearer token on the user routes, nothing on the public. */
  readonly user: UserApi;
  /** The admin routes, SigV4-signed. */
  readonly admin: AdminApi;
  /** The checkout routes, SigV4-signed with `checkoutCredentials`. */
  readonly checkout: CheckoutApi;
  /** Every route, each authenticated as its route table entry demands (src/contract/routes.ts). */
  readonly api: CouponApi;
}

/** Route key (`METHOD /path/{param}`) -> its authorization, from the route table. */
const AUTHORIZATION = new Map<string, RouteAuthorization>(ROUTES.map((r) => [routeKey(r), r.authorization]));

const provided = <T>(value: Provided<T>): T | Promise<T> =>
  typeof value === 'function' ? (value as () => T | Promise<T>)() : value;

/**
 * A typed client of the HTTP API that authenticates each request as its route's authorization in the route table
 * (src/contract/routes.ts) says: `admin` routes SigV4-signed for `execute-api` with `adminCredentials` (aws4fetch),
 * `checkout` routes likewise with `checkoutCredentials`,
 * `user` routes with `authorization: Bearer <userToken>`, `public` ones with nothing. Runs in browsers and Node 20+
 * (fetch and WebCrypto only). Calls answer `{data}` or `{error}` (an {@link ApiProblem}: the product's problem
 * details or API Gateway's `{message}`, read as JSON whatever the media type) with the `response`; a network
 * failure rejects.
 * @throws Error when `adminCredentials` or `checkoutCredentials` is given without `region` and `baseUrl` is not an
 *   `execute-api` endpoint.
 */
export function createCouponClient(options: CouponClientOptions): CouponClient {
  const region = options.region ?? regionOfApiUrl(options.baseUrl);
  if ((options.adminCredentials !== undefined || options.checkoutCredentials !== undefined) && region === undefined) {
    throw new Error(`region is required to sign requests to ${options.baseUrl} (not an execute-api endpoint)`);
  }
  const { userToken, adminCredentials, checkoutCredentials } = options;
  const authentication: Middleware = {
    onRequest: async ({ request, schemaPath }) => {
      const authorization = AUTHORIZATION.get(`${request.method} ${schemaPath}`);
      if (authorization === 'admin' && adminCredentials !== undefined && region !== undefined) {
        const credentials = await provided(adminCredentials);
        if (credentials) return signRequest(credentials, region, request);
      }
      if (authorization === 'checkout' && checkoutCredentials !== undefined && region !== undefined) {
        const credentials = await provided(checkoutCredentials);
        if (credentials) return signRequest(credentials, region, request);
      }
      if (authorization === 'user' && userToken !== undefined) {
        const token = await provided(userToken);
        if (token) request.headers.set('authorization', `Bearer ${token}`);
      }
      return request;
    },
  };
  const fetcher = options.fetch;
  const api = createClient<ApiPaths, ApiMediaType>({
    baseUrl: options.baseUrl,
    // Called at each request, so a test's or a page's replaced globalThis.fetch is the one used.
    fetch: fetcher ?? ((request: Request) => globalThis.fetch(request)),
  });
  for (const m of options.middleware ?? []) api.use(m);
  api.use(authentication);
  return {
    api,
    user: api as unknown as UserApi,
    admin: api as unknown as AdminApi,
    checkout: api as unknown as CheckoutApi,
  };
}
