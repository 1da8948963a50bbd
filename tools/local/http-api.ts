import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { AuthorizationResult, RouteAuthorization } from './authorizers';
import { bufferedServer, listenLocal, sendJson } from './http-server';
import type { LocalFunction } from './lambda-runtime';

/** One HTTP API route, from an AWS::ApiGatewayV2::Route and its Lambda proxy integration. */
export interface LocalRoute {
  /** `METHOD /path/{param}` as in the template. */
  readonly routeKey: string;
  readonly functionLogicalId: string;
  /** The route's AuthorizationType and, for JWT, its authorizer's issuer and audience. */
  readonly authorization: RouteAuthorization;
}

/** API Gateway's HTTP API payload limit (10 MB); above it the request is refused with 413 before any route. */
const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** Extra endpoints under `/_local/` served on the same port. Return true when handled. */
export type LocalControl = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => Promise<boolean>;

interface CompiledRoute extends LocalRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly params: string[];
}

function compile(route: LocalRoute): CompiledRoute {
  const [method, routePath] = route.routeKey.split(' ') as [string, string];
  const params: string[] = [];
  const pattern = routePath
    .split('/')
    .map((segment) => {
      const greedy = segment.match(/^\{(.+)\+\}$/);
      if (greedy) {
        params.push(greedy[1] as string);
        return '(.+)';
      }
      const param = segment.match(/^\{(.+)\}$/);
      if (param) {
        params.push(param[1] as string);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, method, params, pattern: new RegExp(`^${pattern}$`) };
}

/**
 * API Gateway HTTP API (payload format 2.0) in front of local functions: route matching with path parameters,
 * the 2.0 event, and the 2.0 response rules (a result without statusCode is a 200 JSON body). A function error
 * or timeout answers 500 `{"message":"Internal Server Error"}` and an unknown route 404 `{"message":"Not Found"}`,
 * as API Gateway does. A route with an authorizer is invoked only when `authorize` accepts the request (its
 * result becomes `requestContext.authorizer`); otherwise the refusal is the answer and no function runs. These
 * refusals are API Gateway's, not the product's: they stay `{"message": ...}` in `application/json` as on AWS, while
 * the functions' own errors (problem details, `application/problem+json`) pass through unchanged.
 */
export async function startHttpApi(options: {
  port: number;
  routes: LocalRoute[];
  functions: Record<string, LocalFunction>;
  control: LocalControl;
  authorize: (route: LocalRoute, req: http.IncomingMessage, url: URL, body: Buffer) => Promise<AuthorizationResult>;
  /** Called when a function invocation fails (API Gateway then answers 500). */
  onInvokeError?: (functionLogicalId: string, error: unknown) => void;
}): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const routes = options.routes.map(compile);
  const server = bufferedServer(async (req, body, res) => {
    try {
      if (await options.control(req, body, res)) return;
      const url = new URL(req.url ?? '/', 'http://local');
      const method = req.method ?? 'GET';
      const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
      const found = route?.pattern.exec(url.pathname);
      if (!route || !found) return sendJson(res, 404, { message: 'Not Found' });
      const authorization = await options.authorize(route, req, url, body);
      if (!authorization.ok) {
        const refusal = Buffer.from(JSON.stringify(authorization.body));
        res.writeHead(authorization.status, {
          'content-type': 'application/json',
          'content-length': refusal.length,
          ...authorization.headers,
        });
        res.end(refusal);
        return;
      }
      const pathParameters = Object.fromEntries(
        route.params.map((name, i) => [name, decodeURIComponent(found[i + 1] as string)]),
      );
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
      const contentType = headers['content-type'] ?? '';
      const textual = body.length === 0 || /json|text|xml|urlencoded/.test(contentType) || contentType === '';
      const now = Date.now();
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: route.routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        ...(route.params.length ? { pathParameters } : {}),
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          ...(authorization.authorizer ? { authorizer: authorization.authorizer } : {}),
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'local',
          http: {
            method,
            path: url.pathname,
            protocol: `HTTP/${req.httpVersion}`,
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId: randomUUID(),
          routeKey: route.routeKey,
          stage: '$default',
          time: new Date(now).toUTCString(),
          timeEpoch: now,
        },
        ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
        isBase64Encoded: !textual,
      };
      const fn = options.functions[route.functionLogicalId];
      if (!fn) return sendJson(res, 500, { message: 'Internal Server Error' });
      let result: unknown;
      try {
        result = await fn.invoke(event);
      } catch (error) {
        options.onInvokeError?.(route.functionLogicalId, error);
        return sendJson(res, 500, { message: 'Internal Server Error' });
      }
      const structured = result as {
        statusCode?: number;
        headers?: Record<string, string>;
        body?: string;
        isBase64Encoded?: boolean;
        cookies?: string[];
      };
      if (result === null || typeof result !== 'object' || structured.statusCode === undefined) {
        return sendJson(res, 200, JSON.stringify(result));
      }
      const payload =
        structured.body === undefined
          ? Buffer.alloc(0)
          : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
      res.writeHead(structured.statusCode, {
        ...(structured.headers ?? {}),
        ...(structured.cookies?.length ? { 'set-cookie': structured.cookies } : {}),
        'content-length': payload.length,
      });
      res.end(payload);
    } catch (error) {
      sendJson(res, 500, { message: `local cloud error: ${error instanceof Error ? error.message : String(error)}` });
    }
  }, API_GATEWAY_MAX_PAYLOAD_BYTES);
  server.maxConnections = 10_000;
  const listener = await listenLocal(server, options.port);
  return { url: listener.url, port: listener.port, stop: listener.close };
}
