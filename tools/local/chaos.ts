import { type ChaosConfig, type ChaosFunction, validateChaosConfig } from './chaos-config';

export type { ChaosConfig } from './chaos-config';

// Fault injection for the local cloud. Faults live where the network is (the proxies in front of DynamoDB Local
// and fauxqs, the Upstash bridge) and in the Lambda runtime; product code has no chaos flags.

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
export type ChaosService = 'dynamodb' | 'sqs' | 'eventbridge';

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

const EVENTBRIDGE_ERRORS: Record<string, { status: number; message: string }> = {
  InternalException: { status: 500, message: 'This exception occurs due to unexpected causes. (injected)' },
  ThrottlingException: { status: 400, message: 'Rate exceeded (injected by the local cloud)' },
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
 * SQS speak to the SDK; AWS JSON 1.1 for EventBridge): the status, `x-amzn-ErrorType` / `x-amzn-query-error` and
 * the `__type` body field.
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
  if (service === 'eventbridge') {
    const code = name && EVENTBRIDGE_ERRORS[name] ? name : 'InternalException';
    const { status, message } = EVENTBRIDGE_ERRORS[code] as { status: number; message: string };
    return {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code },
      body: JSON.stringify({ __type: code, message }),
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

  /**
   * @param functions the functions faults may name (tools/local/chaos-config.ts chaosFunctionsOf); without them
   *   `lambda` is keyed by logical id, unchecked (tests of the verdicts).
   * @throws ChaosConfigError when `initial` is refused.
   */
  constructor(
    initial: unknown = {},
    private readonly random: () => number = Math.random,
    private readonly functions?: readonly ChaosFunction[],
  ) {
    this.set(initial);
  }

  /**
   * Replaces the whole configuration (`{}` clears every fault); a refused one changes nothing.
   * @throws ChaosConfigError listing every invalid field (tools/local/chaos-config.ts validateChaosConfig).
   */
  set(config: unknown): ChaosConfig {
    this.config = validateChaosConfig(config, this.functions);
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

  /** Whether this invocation of `logicalId` crashes, and where: its faults named by logical id or handler name. */
  crash(logicalId: string): 'random' | 'end' | undefined {
    const handlerName = this.functions?.find((fn) => fn.logicalId === logicalId)?.handlerName;
    const fault = this.config.lambda?.[logicalId] ?? (handlerName ? this.config.lambda?.[handlerName] : undefined);
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
