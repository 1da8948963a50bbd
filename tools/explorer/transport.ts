import { Readable } from 'node:stream';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import { operationOf, serviceError } from '../local/chaos';
import type { FaultKind, FaultPlan } from './faults';

// The fault-injecting transport: the real AWS SDK clients get it as their request handler, and @upstash/redis's
// fetch goes through it, so the product's own adapters, retries and error handling meet every fault of the plan.
// Every call first waits for the scheduler to release it, so the explorer chooses the order in which calls reach
// the backends.

/** What the transport needs from the run: faults, the scheduler, and the actors. */
export interface Network {
  readonly plan: FaultPlan;
  /** Resolves when the scheduler releases the call `label` (tools/explorer/run.ts). */
  point(label: string): Promise<void>;
  /** Applies `deliver` later, when the scheduler releases the late landing `label`; its answer is dropped. */
  later(label: string, deliver: () => Promise<unknown>): void;
  /** Counts real I/O as work in flight (tools/explorer/quiescence.ts). */
  track<T>(work: Promise<T>): Promise<T>;
  /** The calling actor's name (its issue request, consumer batch, replay or reconciliation run). */
  actor(): string;
  /** The calling actor dies here: records it and returns a promise that never settles. */
  crash(): Promise<never>;
}

/** A network error as Node's HTTP stack raises it for a reset connection (retried by the SDK and Upstash). */
function connectionReset(): Error {
  return Object.assign(new Error('socket hang up (explorer: answer lost)'), { code: 'ECONNRESET' });
}

/** The SDK's own timeout error for an attempt left unanswered (retried as transient). */
function requestTimeout(): Error {
  return Object.assign(new Error('request timed out (explorer: it lands later)'), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
  });
}

/** The text of an SDK request body (a string, or bytes the JSON protocol serialized). */
export function bodyText(request: HttpRequest): string {
  const body = request.body as unknown;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  const bytes = body as Uint8Array;
  // Its bytes, not its string methods (the SDK warns when a byte body is used as a string).
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** An HTTP answer as an SDK request handler returns it: `status`, `headers`, `body` as its bytes. */
export function respond(status: number, headers: Record<string, string>, body: string): { response: HttpResponse } {
  return {
    response: { statusCode: status, reason: undefined, headers, body: Readable.from([Buffer.from(body)]) },
  };
}

/** The body DynamoDB answers a transaction that lost a conflict with: every item's reason. */
function transactionConflict(request: HttpRequest): { response: HttpResponse } {
  const items = (JSON.parse(bodyText(request)) as { TransactItems?: unknown[] }).TransactItems ?? [];
  const reasons = items.map((_, i) => (i === 0 ? { Code: 'TransactionConflict' } : { Code: 'None' }));
  return respond(
    400,
    { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'TransactionCanceledException' },
    JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
      CancellationReasons: reasons,
    }),
  );
}

function conflictOf(service: 'dynamodb' | 'sqs', operation: string, request: HttpRequest) {
  if (service !== 'dynamodb') return errorOf(service);
  if (operation === 'TransactWriteItems') return transactionConflict(request);
  if (!/^(PutItem|UpdateItem|DeleteItem)$/.test(operation)) return errorOf(service);
  return respond(
    400,
    { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'TransactionConflictException' },
    JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionConflictException',
      message: 'Transaction is ongoing for the item (explorer)',
    }),
  );
}

function errorOf(service: 'dynamodb' | 'sqs') {
  const { status, headers, body } = serviceError(service, undefined);
  return respond(status, headers, body);
}

/** Drains a response body so the connection can be reused, keeping nothing. */
async function drain(response: HttpResponse): Promise<void> {
  const body = response.body as Readable | undefined;
  if (body && typeof body.resume === 'function') {
    await new Promise<void>((resolve) => {
      body.on('end', resolve).on('error', () => resolve());
      body.resume();
    });
  }
}

/** Forwards to a real endpoint (DynamoDB Local) or answers from an in-memory model (the SQS model). */
export type Deliver = (request: HttpRequest, options?: HttpHandlerOptions) => Promise<{ response: HttpResponse }>;

/** A delivery to a real HTTP endpoint through Node's HTTP stack, counted as work in flight. */
export function realDelivery(network: Pick<Network, 'track'>): Deliver {
  const handler = new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 });
  return (request, options) =>
    network.track(handler.handle(request as Parameters<NodeHttpHandler['handle']>[0], options));
}

/**
 * An AWS SDK request handler (`requestHandler` client option) that answers each request itself: `handle` is the
 * subclass's; there is no connection to configure or close.
 */
export abstract class ModelRequestHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  abstract handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }>;

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/**
 * An AWS SDK request handler (`requestHandler` client option) that puts every call of `service` through the
 * scheduler and the fault plan, then delivers it.
 */
export class ExplorerRequestHandler extends ModelRequestHandler {
  constructor(
    private readonly service: 'dynamodb' | 'sqs',
    private readonly network: Network,
    private readonly deliver: Deliver,
  ) {
    super();
  }

  async handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const operation = operationOf(request.headers, bodyText(request));
    const label = `${this.network.actor()} ${this.service}.${operation}`;
    await this.network.point(label);
    if (options?.abortSignal?.aborted) throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    const kind: FaultKind | undefined = this.network.plan.next(this.service, operation);
    const copy = { ...request, headers: { ...request.headers }, query: { ...request.query } } as HttpRequest;
    switch (kind) {
      case undefined:
        return this.deliver(request, options);
      case 'error':
        return errorOf(this.service);
      case 'conflict':
        return conflictOf(this.service, operation, request);
      case 'crashBefore':
        return this.network.crash();
      case 'late':
        this.network.later(`late ${label}`, async () => drain((await this.deliver(copy)).response));
        throw requestTimeout();
      case 'lostAnswer':
      case 'errorAfter':
      case 'crashAfter': {
        const { response } = await this.deliver(request, options);
        await drain(response);
        if (kind === 'crashAfter') return this.network.crash();
        if (kind === 'errorAfter') return errorOf(this.service);
        throw connectionReset();
      }
    }
  }
}

/** The Redis command an Upstash REST body carries: `["evalsha", ...]` or a pipeline `[["evalsha", ...]]`. */
function redisCommandOf(body: unknown): string {
  try {
    const parsed = JSON.parse(String(body)) as unknown[];
    const first = Array.isArray(parsed[0]) ? parsed[0][0] : parsed[0];
    return String(first).toUpperCase();
  } catch {
    return 'UNKNOWN';
  }
}

/**
 * A `fetch` for @upstash/redis's requests to `bridgeUrl` (every other URL goes to `realFetch`): scheduled and
 * faulted like the AWS calls; a Redis fault is a network error (the client retries it).
 */
export function explorerFetch(network: Network, bridgeUrl: string, realFetch: typeof fetch): typeof fetch {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith(bridgeUrl)) return realFetch(input, init);
    const command = redisCommandOf(init?.body);
    const label = `${network.actor()} redis.${command}`;
    await network.point(label);
    if (init?.signal?.aborted) throw Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    const kind = network.plan.next('redis', command);
    const send = () => network.track(realFetch(input, { ...init, signal: undefined }));
    switch (kind) {
      case undefined:
        return network.track(realFetch(input, init));
      case 'error':
      case 'conflict':
        throw new TypeError('fetch failed (explorer: connection refused)');
      case 'crashBefore':
        return network.crash();
      case 'late':
        network.later(`late ${label}`, async () => (await send()).arrayBuffer());
        throw new TypeError('fetch failed (explorer: timed out, lands later)');
      default: {
        await (await send()).arrayBuffer();
        if (kind === 'crashAfter') return network.crash();
        throw new TypeError('fetch failed (explorer: answer lost)');
      }
    }
  };
}
