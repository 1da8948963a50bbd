/**
 * The product's public API for CDK apps: `new FcfsCoupon(this, 'Coupons', { ... })` in any stack, or the
 * ready-made {@link FcfsCouponStack}. The names the functions share with the infrastructure (metrics, handlers,
 * modes) and the route table are re-exported for dashboards and clients.
 */

export {
  type AdmissionMode,
  type FunctionRole,
  HANDLERS,
  METRIC,
  METRICS_NAMESPACE,
  type MetricName,
} from '../lambdas/contract/names';
export { ROUTES, type Route, routeKey } from '../lambdas/contract/routes';
export type { CouponConsole } from './constructs/console';
export type { CouponTables } from './constructs/data';
export type { UserAuthMode } from './constructs/user-auth';
export { userAuthFromContext } from './constructs/user-auth';
export { FcfsCoupon, type FcfsCouponProps } from './fcfs-coupon';
export { FcfsCouponStack, type FcfsCouponStackProps } from './fcfs-coupon-stack';
