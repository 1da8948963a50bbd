import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { ENV, METRIC_INSTANCE_DIMENSION, METRICS_NAMESPACE } from '../../contract/names';

/**
 * One logger per function instance; service name from POWERTOOLS_SERVICE_NAME (the handler name, set by
 * src/construct/).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'fcfs-coupon' });

/**
 * Metrics publishes after every invocation (logMetrics), and most invocations of the HTTP functions count
 * nothing: that is normal, so its "No application metrics to publish" notice is dropped; its other warnings go
 * to the logger.
 */
const metricsLog = {
  trace: () => undefined,
  debug: () => undefined,
  info: (...content: unknown[]) => logger.info(String(content[0]), { content: content.slice(1) }),
  warn: (...content: unknown[]) => {
    const message = String(content[0]);
    if (!message.startsWith('No application metrics to publish')) logger.warn(message);
  },
  error: (...content: unknown[]) => logger.error(String(content[0]), { content: content.slice(1) }),
};

const instance = process.env[ENV.METRICS_INSTANCE];

/**
 * Powertools Metrics (EMF on stdout) in the product's namespace, with the dimensions `service` (from
 * POWERTOOLS_SERVICE_NAME) and, when the construct sets METRICS_INSTANCE, `instance`.
 */
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  logger: metricsLog,
  ...(instance ? { defaultDimensions: { [METRIC_INSTANCE_DIMENSION]: instance } } : {}),
});

/**
 * The middleware every handler starts with (middy: middleware first, handler last): the Lambda context in every
 * log line (request id, cold start) and the invocation's metrics published when it ends, whether it returned or
 * threw. `.handler(fn)` completes it; HTTP handlers add the HTTP stack first (src/functions/runtime/router.ts).
 */
export function instrumented<Event, Result>(): MiddyfiedHandler<Event, Result, Error, Context> {
  return middy<Event, Result, Error, Context>().use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
