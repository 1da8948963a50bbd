import * as z from 'zod';

// Fault injection for the local cloud. Faults live where the network is (the proxies in front of DynamoDB Local
// and fauxqs, the Upstash bridge) and in the Lambda runtime; product code has no chaos flags.

const rate = z.number().min(0).max(1);

/** How long a request may be held or delayed, ms (longer than any function's timeout, src/construct/). */
const delayMs = z.number().int().min(0).max(120_000);

/**
 * Late landing, shared by the service operations and Redis: the request is held without an answer and applied
 * by the service `landLateMs` later.
 */
const landLateFields = {
  /**
   * Hold matching requests without an answer, then forward them to the service this many ms after they arrived,
   * whatever the caller did meanwhile (gave up and retried, or died); the service's answer is discarded and the
   * caller never gets one. As a request whose caller timed out and that the service applied later: to land after
   * the caller gave up, exceed its timeout (the functions' DynamoDB client abandons an attempt after 3 s and SQS
   * after 1.5 s, src/functions/runtime/composition-root.ts; @upstash/redis waits until the function's timeout, 10 s for the
   * issue function, src/construct/api-functions.ts).
   */
  landLateMs: delayMs.optional(),
  /** Share of requests (0..1) landing late; 1 when `landLateMs` is set without it. Needs `landLateMs`. */
  landLateRate: rate.optional(),
};

/** `landLateRate` means nothing without the delay it lands after. */
const landLateNeedsDelay = (fault: { landLateMs?: number; landLateRate?: number }) =>
  fault.landLateRate === undefined || fault.landLateMs !== undefined;
const landLateNeedsDelayError = { message: 'landLateRate needs landLateMs', path: ['landLateRate'] };

/** Faults of one service operation (e.g. DynamoDB `TransactWriteItems`, SQS `SendMessage`). */
const operationFaultSchema = z
  .strictObject({
    /** Share of requests (0..1) answered with `error` instead of being forwarded. */
    errorRate: rate.optional(),
    /**
     * Share of requests (0..1) forwarded (so the service acts on them: a message is stored) and then answered with
     * `error` instead of the service's answer, as a response lost after the service committed. With the SDK's
     * retries, one `SendMessage` stores several copies and its caller still sees an error.
     */
    errorAfterForwardRate: rate.optional(),
    /**
     * The error returned, one the real service returns. Retryable: DynamoDB InternalServerError (500, the default)
     * or ProvisionedThroughputExceededException / ThrottlingException (400); SQS InternalError (500, the default)
     * or ServiceUnavailable (503). Not retryable: DynamoDB AccessDeniedException (400), as when a function's role
     * lost a permission (the replay parks what fails with it, src/functions/domain/failed-events/replay.ts isRetryable).
     */
    error: z
      .enum([
        'InternalServerError',
        'ProvisionedThroughputExceededException',
        'ThrottlingException',
        'AccessDeniedException',
        'InternalError',
        'ServiceUnavailable',
      ])
      .optional(),
    /** Added before forwarding, ms. */
    latencyMs: delayMs.optional(),
    /** Hold matching requests without an answer until the caller gives up (times out or dies); never forwarded. */
    blackhole: z.boolean().optional(),
    /** Share of requests (0..1) blackholed; `blackhole: true` means 1. */
    blackholeRate: rate.optional(),
    ...landLateFields,
  })
  .refine(landLateNeedsDelay, landLateNeedsDelayError);

/** Operation name -> faults; `*` applies to every operation of the service without its own entry. */
const serviceFaultsSchema = z.record(z.string().min(1), operationFaultSchema);

/**
 * Faults of the Upstash bridge, on every REST request the functions send (one command, a pipeline or a
 * transaction): Redis has no operation names here, the admission, release and claim scripts all being EVALSHA.
 */
const redisFaultSchema = z
  .strictObject({
    /** The Upstash bridge drops every connection, as an unreachable database would. */
    down: z.boolean().optional(),
    /** Added to every bridge request, ms. */
    latencyMs: delayMs.optional(),
    /**
     * Share of requests (0..1) run on redis-server whose answer is then lost: the bridge destroys the connection
     * instead of answering, so @upstash/redis sees a network error and retries per its `retry` option (twice in
     * the functions, src/functions/runtime/composition-root.ts), each retry running the command again.
     */
    errorAfterForwardRate: rate.optional(),
    ...landLateFields,
  })
  .refine(landLateNeedsDelay, landLateNeedsDelayError);

/** Faults of one function's execution environments. */
const lambdaFaultSchema = z.strictObject({
  /** Share of invocations (0..1) whose environment is killed (SIGKILL) during the invocation. */
  crashRate: rate,
  /**
   * `random` (default): at a uniformly random point of a typical invocation (or, if the handler finishes first,
   * after it did its work and before its result is returned); `end`: always after the work, before the result.
   */
  crashAt: z.enum(['random', 'end']).optional(),
});

/**
 * The chaos configuration: `POST /_local/chaos` body, `GET /_local/chaos` and `LOCAL_CLOUD_CHAOS`. `{}` clears
 * every fault. Example: `{"dynamodb":{"PutItem":{"errorRate":0.5}},"sqs":{"SendMessage":{"blackhole":true}},
 * "redis":{"down":false},"lambda":{"CouponsFunctionsIssueCouponFunctionAAD5140F":{"crashRate":0.1}}}` (a
 * function's logical id as in the synthesized template, listed under `functions` in endpoints.json); a lost
 * answer after the message was stored: `{"sqs":{"SendMessage":{"errorAfterForwardRate":1}}}`, or after the Redis
 * command ran: `{"redis":{"errorAfterForwardRate":0.3}}`; a third of the counting writes applied 5 s late, after
 * their caller's 3 s timeout and retry: `{"dynamodb":{"UpdateItem":{"landLateMs":5000,"landLateRate":0.3}}}`.
 */
export const chaosConfigSchema = z.strictObject({
  dynamodb: serviceFaultsSchema.optional(),
  sqs: serviceFaultsSchema.optional(),
  redis: redisFaultSchema.optional(),
  /** Function logical id -> faults. */
  lambda: z.record(z.string().min(1), lambdaFaultSchema).optional(),
});

/** A parsed chaos configuration ({@link chaosConfigSchema}). */
export type ChaosConfig = z.infer<typeof chaosConfigSchema>;

/** What a proxy does with one request. */
export type ProxyVerdict =
  | {
      readonly kind: 'forward';
      readonly latencyMs: number;
      /** Answer this error instead of the service's answer once it has acted on the request. */
      readonly thenError?: { readonly status: number; readonly headers: Record<string, string>; readonly body: string };
    }
  | { readonly kind: 'blackhole' }
  /** Leave the request unanswered and forward it `delayMs` after it arrived, discarding the service's answer. */
  | { readonly kind: 'landLate'; readonly delayMs: number }
  | {
      readonly kind: 'error';
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly body: string;
    };

/** What the Upstash bridge does with one request. */
export type RedisVerdict =
  /** Destroy the connection unanswered (Redis is down). */
  | { readonly kind: 'down' }
  /** Leave the request unanswered and run it `delayMs` after it arrived, discarding the result. */
  | { readonly kind: 'landLate'; readonly delayMs: number }
  /** Run it after `latencyMs`; with `dropAnswer`, destroy the connection instead of answering. */
  | { readonly kind: 'forward'; readonly latencyMs: number; readonly dropAnswer: boolean };

/** A proxied AWS service. */
export type ChaosService = 'dynamodb' | 'sqs';

const DYNAMODB_ERRORS: Record<string, { status: number; message: string }> = {
  InternalServerError: { status: 500, message: 'Internal server error (injected by the local cloud)' },
  ProvisionedThroughputExceededException: {
    status: 400,
    message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
  },
  ThrottlingException: { status: 400, message: 'Rate of requests exceeds the allowed throughput (injected)' },
  AccessDeniedException: {
    status: 400,
    message: 'User is not authorized to perform: dynamodb:TransactWriteItems (injected by the local cloud)',
  },
};

const SQS_ERRORS: Record<string, { status: number; message: string }> = {
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again. (injected)' },
  ServiceUnavailable: { status: 503, message: 'The request has failed due to a temporary failure (injected)' },
};

/**
 * The operation an AWS JSON-protocol request calls: `X-Amz-Target: DynamoDB_20120810.PutItem` -> `PutItem`,
 * or the query protocol's `Action=` form field.
 */
export function operationOf(headers: Record<string, string | string[] | undefined>, body: string): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) return target.slice(target.lastIndexOf('.') + 1);
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body);
  return action?.[1] ?? 'Unknown';
}

/**
 * The error response an AWS SDK v3 client receives from `service` for `name` (JSON protocol, as DynamoDB and
 * SQS speak to the SDK): the status, `x-amzn-ErrorType` / `x-amzn-query-error` and the `__type` body field.
 */
export function serviceError(
  service: ChaosService,
  name: string | undefined,
): Omit<ProxyVerdict & { kind: 'error' }, 'kind'> {
  if (service === 'dynamodb') {
    const code = name && DYNAMODB_ERRORS[name] ? name : 'InternalServerError';
    const { status, message } = DYNAMODB_ERRORS[code] as { status: number; message: string };
    return {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': code },
      body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message }),
    };
  }
  const code = name && SQS_ERRORS[name] ? name : 'InternalError';
  const { status, message } = SQS_ERRORS[code] as { status: number; message: string };
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `${code};Receiver`,
      'x-amzn-errortype': code,
    },
    body: JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message }),
  };
}

/**
 * Counts of injected faults, by `service.operation.kind` (kind: error, errorAfterForward, blackhole, landLate,
 * latency), `redis.kind` (down, latency, errorAfterForward, landLate) and `lambda.<logical id>.crash`.
 */
export type InjectedCounts = Record<string, number>;

/**
 * The local cloud's current faults, shared by the proxies, the Upstash bridge and the Lambda runtime, with
 * counts of what was injected so tests can reconcile what they saw with what was done to them.
 * `random` is injectable for tests.
 */
export class Chaos {
  private config: ChaosConfig = {};
  readonly injected: InjectedCounts = {};
  /**
   * Every request the functions made to a backend, by `dynamodb.<Operation>`, `sqs.<Operation>` and `redis` (one
   * per REST request to the bridge): what `GET /_local/stats` reports, so a benchmark can prove a path made none.
   */
  readonly calls: Record<string, number> = {};
  private readonly listeners: ((config: ChaosConfig) => void)[] = [];

  constructor(
    initial: ChaosConfig = {},
    private readonly random: () => number = Math.random,
  ) {
    this.set(initial);
  }

  /**
   * Replaces the whole configuration (`{}` clears every fault).
   * @throws z.ZodError when `config` does not match {@link chaosConfigSchema}.
   */
  set(config: unknown): ChaosConfig {
    this.config = chaosConfigSchema.parse(config);
    for (const listener of this.listeners) listener(this.config);
    return this.config;
  }

  /** The current configuration, as last set. */
  get(): ChaosConfig {
    return this.config;
  }

  /** Calls `listener` on every change (the bridge drops its connections when Redis goes down). */
  onChange(listener: (config: ChaosConfig) => void): void {
    this.listeners.push(listener);
  }

  /**
   * What the proxy in front of `service` does with a request for `operation`: the operation's own faults, else
   * those of `*` (not merged). Blackhole is drawn first, then late landing, the error, and the lost answer.
   */
  verdict(service: ChaosService, operation: string): ProxyVerdict {
    this.calls[`${service}.${operation}`] = (this.calls[`${service}.${operation}`] ?? 0) + 1;
    const faults = this.config[service];
    const fault = faults?.[operation] ?? faults?.['*'];
    if (!fault) return { kind: 'forward', latencyMs: 0 };
    const blackholeRate = fault.blackhole ? 1 : (fault.blackholeRate ?? 0);
    if (blackholeRate > 0 && this.random() < blackholeRate) {
      this.count(`${service}.${operation}.blackhole`);
      return { kind: 'blackhole' };
    }
    const landLate = this.landLate(fault);
    if (landLate !== undefined) {
      this.count(`${service}.${operation}.landLate`);
      return { kind: 'landLate', delayMs: landLate };
    }
    if ((fault.errorRate ?? 0) > 0 && this.random() < (fault.errorRate ?? 0)) {
      this.count(`${service}.${operation}.error`);
      return { kind: 'error', ...serviceError(service, fault.error) };
    }
    if (fault.latencyMs) this.count(`${service}.${operation}.latency`);
    if ((fault.errorAfterForwardRate ?? 0) > 0 && this.random() < (fault.errorAfterForwardRate ?? 0)) {
      this.count(`${service}.${operation}.errorAfterForward`);
      return { kind: 'forward', latencyMs: fault.latencyMs ?? 0, thenError: serviceError(service, fault.error) };
    }
    return { kind: 'forward', latencyMs: fault.latencyMs ?? 0 };
  }

  /**
   * What the Upstash bridge does with one request: dropped while Redis is down, else late landing is drawn, then
   * the lost answer (after the added latency).
   */
  redis(): RedisVerdict {
    this.calls.redis = (this.calls.redis ?? 0) + 1;
    const redis = this.config.redis ?? {};
    if (redis.down) {
      this.count('redis.down');
      return { kind: 'down' };
    }
    const landLate = this.landLate(redis);
    if (landLate !== undefined) {
      this.count('redis.landLate');
      return { kind: 'landLate', delayMs: landLate };
    }
    if (redis.latencyMs) this.count('redis.latency');
    const rate = redis.errorAfterForwardRate ?? 0;
    const dropAnswer = rate > 0 && this.random() < rate;
    if (dropAnswer) this.count('redis.errorAfterForward');
    return { kind: 'forward', latencyMs: redis.latencyMs ?? 0, dropAnswer };
  }

  /** Whether this invocation of `logicalId` crashes, and where. */
  crash(logicalId: string): 'random' | 'end' | undefined {
    const fault = this.config.lambda?.[logicalId];
    if (!fault || fault.crashRate <= 0 || this.random() >= fault.crashRate) return undefined;
    this.count(`lambda.${logicalId}.crash`);
    return fault.crashAt ?? 'random';
  }

  /** A random number in [0, 1), from the injectable source. */
  uniform(): number {
    return this.random();
  }

  /** The late landing's delay (ms) when this request is drawn to land late, else undefined. */
  private landLate(fault: { landLateMs?: number; landLateRate?: number }): number | undefined {
    if (fault.landLateMs === undefined) return undefined;
    const rate = fault.landLateRate ?? 1;
    return rate > 0 && this.random() < rate ? fault.landLateMs : undefined;
  }

  private count(key: string) {
    this.injected[key] = (this.injected[key] ?? 0) + 1;
  }
}
