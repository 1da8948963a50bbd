/**
 * A campaign definition of fixed dates, for tests with a fixed clock (`POST /v1/admin/campaigns`): Seoul,
 * 2026-05-01..05, 13:00-15:00. README.md's examples use dates relative to today instead.
 */
export const springSaleDefinition = {
  campaignId: 'spring-sale',
  vendorId: 'acme',
  name: 'Spring sale',
  timezone: 'Asia/Seoul',
  startDate: '2026-05-01',
  endDate: '2026-05-05',
  dailyWindow: { open: '13:00', close: '15:00' },
  dailyQuota: 100,
  perUserDailyLimit: 1,
  couponValidityDays: 30,
  counterShards: 1,
  discount: { type: 'PERCENT', value: 50 },
} as const;

/**
 * The generic 503 every route answers for a backend failure (src/functions/runtime/http.ts): a problem (RFC 9457)
 * saying nothing internal.
 */
export const UNAVAILABLE_PROBLEM = {
  type: 'tag:fcfs-coupon,2026:problems/unavailable',
  title: 'Service unavailable',
  status: 503,
  detail: 'The service is temporarily unavailable; please retry',
  code: 'UNAVAILABLE',
  message: 'The service is temporarily unavailable; please retry',
  errors: [],
} as const;
