import { Metrics } from '@aws-lambda-powertools/metrics';

/** CloudWatch namespace of the product's metrics (EMF); the stack's alarms read from it. */
export const METRICS_NAMESPACE = 'FcfsCoupon';

/** Powertools Metrics (EMF on stdout); service name from POWERTOOLS_SERVICE_NAME. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
