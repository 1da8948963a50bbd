/**
 * The construct id a synthesized logical id starts with once the FcfsCoupon construct's path is taken off:
 * `CouponsDataCouponTable5CC7F15E` -> `CouponTable5CC7F15E`, `CouponsFunctionsIssueCouponFunctionRoleDefaultPolicy…`
 * -> `IssueCouponFunctionRoleDefaultPolicy…`. FcfsCouponStack names the construct `Coupons`; its sub-constructs are
 * listed in src/construct/fcfs-coupon.ts.
 */
export function localId(logicalId: string): string {
  return logicalId.replace(/^Coupons(Data|Pipeline|Functions|Api|UserAuth|Alarms|EdgeFirewall|Prewarm|Events)?/, '');
}
