import type * as http from 'node:http';
import * as z from 'zod';
import { openApiDocument } from '../../src/contract/openapi/document';
import type { LocalIssuer, tokenRequestSchema } from './authorizers';
import type { Chaos } from './chaos';
import { ChaosConfigError } from './chaos-config';
import type { LocalEventBus } from './event-bus';
import type { LocalControl } from './http-api';
import { sendJson } from './http-server';
import type { LocalLambdaApi } from './lambda-api';
import type { LocalFunction } from './lambda-runtime';
import type { LocalScheduler } from './scheduler';
import type { SqsPoller } from './sqs-poller';
import type { StreamPoller } from './stream-poller';

/**
 * Reads a control endpoint's JSON body (`{}` when empty) and hands it to `apply`, which validates it with zod.
 * Answers 400 `invalid <what>: ...` and resolves false when the body is not JSON or `apply` throws a ZodError, or
 * 400 `{code: 'VALIDATION_FAILED', message, errors: [{path, message}]}` when it throws a ChaosConfigError; other
 * errors propagate (the API answers them 500).
 */
async function applyJsonBody(
  body: Buffer,
  res: http.ServerResponse,
  what: string,
  apply: (value: unknown) => unknown,
): Promise<boolean> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8') || '{}');
  } catch (error) {
    sendJson(res, 400, { message: `invalid ${what}: body is not JSON: ${(error as Error).message}` });
    return false;
  }
  try {
    await apply(value);
    return true;
  } catch (error) {
    if (error instanceof ChaosConfigError) {
      sendJson(res, 400, { code: 'VALIDATION_FAILED', message: error.message, errors: error.errors });
      return false;
    }
    if (!(error instanceof z.ZodError)) throw error;
    sendJson(res, 400, { message: `invalid ${what}: ${z.prettifyError(error)}` });
    return false;
  }
}

/** Body of `POST /_local/functions/<logical id>/code`: a bundle directory and environment variables to add. */
const codeUpdateSchema = z.strictObject({
  codeDir: z.string().min(1).optional(),
  environment: z.record(z.string(), z.string()).optional(),
});

/** What the control endpoints read and act on. */
export interface ControlContext {
  /** The functions by logical id. */
  readonly functions: Record<string, LocalFunction>;
  /** The local JWT issuer; undefined in open mode (auth=none). */
  readonly issuer?: LocalIssuer;
  readonly chaos: Chaos;
  /** The event source pollers, whose stats `/_local/health` reports. */
  readonly pollers: readonly (SqsPoller | StreamPoller)[];
  /** The local event bus, whose accepted events `/_local/events` lists. */
  readonly eventBus?: LocalEventBus;
  /** Progress messages (a chaos change is logged). */
  readonly log: (message: string) => void;
  /** The local Scheduler, whose schedules and firings `/_local/prewarm` reports. */
  readonly scheduler?: LocalScheduler;
  /** The local Lambda API, whose provisioned concurrency changes `/_local/prewarm` reports. */
  readonly lambdaApi?: LocalLambdaApi;
}

/**
 * The local cloud's own endpoints, under `/_local/` on the API's port:
 * - `POST /_local/invoke/<logical id>`: invokes a function with the JSON body as its event; 200 `{result}` or
 *   200 `{errorType, errorMessage}` as Lambda's Invoke reports a function error, 404 for an unknown function;
 * - `POST /_local/token` `{"sub"}`: a bearer token from the local issuer (see tokenRequestSchema); 404 in open mode;
 * - `GET /_local/jwks.json`: the issuer's public keys;
 * - `GET /_local/openapi.json`: the API's OpenAPI 3.1 document (src/contract/openapi/document.ts, as in openapi.json);
 * - `GET|POST /_local/chaos`: the fault configuration (tools/local/chaos-config.ts), what was injected, crashes and
 *   timeouts; a refused configuration is a 400 listing every invalid field, and changes nothing;
 * - `GET /_local/stats`: backend calls and each function's invocations and cold starts;
 * - `GET /_local/health`: `{ok: true}` and each poller's stats;
 * - `GET /_local/prewarm`: the Scheduler's schedules and firings, and the provisioned concurrency changes;
 * - `GET /_local/events[?detailType=&since=<ISO instant>]`: `{events}`, what the local bus accepted, oldest first
 *   (tools/local/event-bus.ts PublishedEvent), 400 for a `since` that is no instant; `DELETE /_local/events`
 *   forgets them, 204;
 * - `POST /_local/functions/<logical id>/code` `{"codeDir"?, "environment"?}`: runs another bundle and/or adds
 *   environment variables, retiring every execution environment (LocalFunction.updateCode): 200 `{}`, 404 for an
 *   unknown function, 400 for a bad body. `{}` only makes the next invocations start cold.
 */
export function localControl(context: ControlContext): LocalControl {
  const { functions, issuer, chaos, pollers, log, scheduler, lambdaApi, eventBus } = context;
  let document: ReturnType<typeof openApiDocument> | undefined;
  return async (req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'GET' && url.pathname === '/_local/prewarm') {
      sendJson(res, 200, {
        schedules: scheduler?.schedules() ?? [],
        firings: scheduler?.firings() ?? [],
        provisioned: lambdaApi?.changes() ?? [],
      });
      return true;
    }
    if (url.pathname === '/_local/events' && eventBus && (req.method === 'GET' || req.method === 'DELETE')) {
      if (req.method === 'DELETE') {
        eventBus.clear();
        res.writeHead(204).end();
        return true;
      }
      const since = url.searchParams.get('since');
      if (since !== null && Number.isNaN(Date.parse(since))) {
        sendJson(res, 400, { message: `invalid since: ${since} is not an ISO instant` });
        return true;
      }
      const detailType = url.searchParams.get('detailType') ?? undefined;
      sendJson(res, 200, {
        events: eventBus.events({ detailType, since: since === null ? undefined : new Date(since) }),
      });
      return true;
    }
    const code = url.pathname.match(/^\/_local\/functions\/([^/]+)\/code$/);
    if (req.method === 'POST' && code) {
      const fn = functions[decodeURIComponent(code[1] as string)];
      if (!fn) {
        sendJson(res, 404, { message: `no function ${code[1]}` });
        return true;
      }
      if (await applyJsonBody(body, res, 'code update', (value) => fn.updateCode(codeUpdateSchema.parse(value)))) {
        log(`function ${code[1]}: code updated`);
        sendJson(res, 200, {});
      }
      return true;
    }
    const invoke = url.pathname.match(/^\/_local\/invoke\/([^/]+)$/);
    if (req.method === 'POST' && invoke) {
      const fn = functions[decodeURIComponent(invoke[1] as string)];
      if (!fn) {
        sendJson(res, 404, { message: `no function ${invoke[1]}` });
        return true;
      }
      const event = body.length ? JSON.parse(body.toString('utf8')) : {};
      try {
        sendJson(res, 200, { result: await fn.invoke(event) });
      } catch (error) {
        const e = error as { errorType?: string; message: string };
        sendJson(res, 200, { errorType: e.errorType ?? 'Error', errorMessage: e.message });
      }
      return true;
    }
    if (url.pathname === '/_local/token' && req.method === 'POST') {
      if (!issuer) {
        sendJson(res, 404, { message: 'the stack runs with auth=none: user routes take a userId, not a token' });
        return true;
      }
      // mint validates the request (tokenRequestSchema) once.
      await applyJsonBody(body, res, 'token request', async (value) => {
        const { token, expiresAt } = await issuer.mint(value as z.input<typeof tokenRequestSchema>);
        sendJson(res, 200, { token, tokenType: 'Bearer', expiresAt, issuer: issuer.issuer });
      });
      return true;
    }
    if (url.pathname === '/_local/openapi.json' && req.method === 'GET') {
      document ??= openApiDocument();
      sendJson(res, 200, document);
      return true;
    }
    if (url.pathname === '/_local/jwks.json' && req.method === 'GET' && issuer) {
      sendJson(res, 200, issuer.jwks());
      return true;
    }
    if (url.pathname === '/_local/chaos' && (req.method === 'GET' || req.method === 'POST')) {
      if (req.method === 'POST') {
        if (!(await applyJsonBody(body, res, 'chaos configuration', (value) => chaos.set(value)))) return true;
        log(`chaos: ${JSON.stringify(chaos.get())}`);
      }
      const stat = (key: 'crashes' | 'timeouts') =>
        Object.fromEntries(Object.entries(functions).map(([id, fn]) => [id, fn.stats[key]]));
      sendJson(res, 200, {
        config: chaos.get(),
        injected: chaos.injected,
        crashes: stat('crashes'),
        timeouts: stat('timeouts'),
      });
      return true;
    }
    if (req.method === 'GET' && url.pathname === '/_local/stats') {
      sendJson(res, 200, {
        calls: chaos.calls,
        functions: Object.fromEntries(Object.entries(functions).map(([id, fn]) => [id, fn.stats])),
      });
      return true;
    }
    if (req.method === 'GET' && url.pathname === '/_local/health') {
      sendJson(res, 200, { ok: true, pollers: pollers.map((p) => p.stats) });
      return true;
    }
    return false;
  };
}
