import * as z from 'zod/mini';
import { campaignDayRedriveSchema, failedEventsQuerySchema } from '../../../src/contract/failed-events';
import { issueDayQuerySchema } from '../../../src/contract/requests';
import { couponSchema } from '../../../src/contract/responses';
import { admissionMessageSchema } from '../../../src/functions/domain/coupon/admission-message';

// One local-date rule for every request, message and response that carries one: `YYYY-MM-DD` that exists on the
// calendar. February 30 matches the pattern, so a regex alone lets it through.
describe('contract: the local-date rule', () => {
  const accepts = (schema: z.ZodMiniType, value: unknown) => schema.safeParse(value).success;

  it.each(['2026-02-30', '2026-13-01', '2025-02-29', '2026-04-31', '2026-5-01'])(
    'refuses %s in the campaign-day redrive, the failed-events filter and the issue-day query',
    (date) => {
      expect(accepts(campaignDayRedriveSchema, { campaignId: 'spring', issueDate: date })).toBe(false);
      expect(accepts(failedEventsQuerySchema, { campaignId: 'spring', issueDate: date })).toBe(false);
      expect(accepts(issueDayQuerySchema, { date })).toBe(false);
    },
  );

  it('accepts a real date, February 29 of a leap year included, everywhere', () => {
    expect(accepts(campaignDayRedriveSchema, { campaignId: 'spring', issueDate: '2028-02-29' })).toBe(true);
    expect(accepts(failedEventsQuerySchema, { campaignId: 'spring', issueDate: '2026-05-01' })).toBe(true);
    expect(accepts(issueDayQuerySchema, { date: '2028-02-29' })).toBe(true);
  });

  it('refuses an impossible issue date in an admission message and in a coupon', () => {
    const message = {
      campaignId: 'spring',
      issueDate: '2026-02-30',
      userId: 'u1',
      rank: 1,
      admittedAt: '2026-05-01T04:00:00.000Z',
      couponId: 'a'.repeat(32),
    };
    expect(accepts(admissionMessageSchema, message)).toBe(false);
    expect(accepts(admissionMessageSchema, { ...message, issueDate: '2026-03-01' })).toBe(true);
    expect(accepts(z.pick(couponSchema, { issueDate: true }), { issueDate: '2026-02-30' })).toBe(false);
  });
});
