/**
 * The product's public API for CDK apps: `new FcfsCoupon(this, 'Coupons', { ... })` in any stack, or the
 * ready-made {@link FcfsCouponStack}. The names the functions share with the infrastructure (metrics, handlers,
 * modes) and the route table are re-exported for dashboards and clients.
 */

export {
  type CouponAlarmThresholds,
  DEFAULT_ALARM_THRESHOLDS,
  type ResolvedAlarmThresholds,
} from './construct/alarm-thresholds';
export {
  BOT_DEFENSE_DEFAULTS,
  type BotControlInspectionLevel,
  type BotDefenseAction,
} from './construct/bot-defense';
export type { CouponConsole } from './construct/console';
export type { CouponTables } from './construct/data';
export type { CouponEvents } from './construct/events';
export { FcfsCoupon, type FcfsCouponProps } from './construct/fcfs-coupon';
export { FcfsCouponStack, type FcfsCouponStackProps } from './construct/fcfs-coupon-stack';
export { nagChecks } from './construct/nag';
export type { UserAuthMode } from './construct/user-auth';
export { userAuthFromContext } from './construct/user-auth';
// Every event name and detail shape of the bus, declared once in the contract.
export * from './contract/events';
export {
  ADMISSION_MODES,
  type AdmissionMode,
  DEFAULTS,
  type FunctionRole,
  HANDLERS,
  METRIC,
  METRIC_EMITTER,
  METRIC_INSTANCE_DIMENSION,
  METRICS_NAMESPACE,
  type MetricName,
} from './contract/names';
export { ROUTES, type Route, routeKey, THROTTLE_TIERS } from './contract/routes';
