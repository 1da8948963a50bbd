import {
  calendarText,
  claimable,
  countdownTarget,
  countdownText,
  discountTerms,
  limitText,
  money,
} from '../../../src/web/drop/presentation';

describe('web pages: what the drop page says about a campaign', () => {
  it('lets a visitor claim only while the campaign is OPEN', () => {
    const states = ['SCHEDULED', 'OPEN', 'BETWEEN_WINDOWS', 'SOLD_OUT_TODAY', 'ENDED', 'CLOSED'] as const;
    expect(states.filter(claimable)).toEqual(['OPEN']);
  });

  it('counts down to the next window before and between windows, to the next day once sold out, else not', () => {
    const window = { opensAt: '2027-05-01T04:00:00.000Z', closesAt: '2027-05-01T06:00:00.000Z' };
    const nextOpensAt = '2027-05-02T04:00:00.000Z';
    expect(countdownTarget({ state: 'SCHEDULED', window, nextOpensAt: window.opensAt })).toBe(
      Date.parse(window.opensAt),
    );
    expect(countdownTarget({ state: 'BETWEEN_WINDOWS', window, nextOpensAt: window.opensAt })).toBe(
      Date.parse(window.opensAt),
    );
    expect(countdownTarget({ state: 'SOLD_OUT_TODAY', window, nextOpensAt })).toBe(Date.parse(nextOpensAt));
    expect(countdownTarget({ state: 'SOLD_OUT_TODAY', window, nextOpensAt: null })).toBeUndefined();
    expect(countdownTarget({ state: 'OPEN', window, nextOpensAt })).toBeUndefined();
    expect(countdownTarget({ state: 'ENDED', window: null, nextOpensAt: null })).toBeUndefined();
  });

  it('writes the time left with days only when there are some, rounded up to the second', () => {
    expect(countdownText(90_061_001)).toBe('1 d 01:01:02');
    expect(countdownText(59_000)).toBe('00:00:59');
    expect(countdownText(1)).toBe('00:00:01');
    expect(countdownText(-5)).toBe('00:00:00');
  });

  it("writes the discount in the vendor's currency, by its minor-unit digits", () => {
    expect(money(20_000, 'KRW', 'en-US')).toBe('₩20,000');
    expect(money(1_250, 'USD', 'en-US')).toBe('$12.50');
    expect(discountTerms({ type: 'PERCENT', value: 50, maxAmount: 20_000 }, 'KRW', 'en-US')).toBe(
      '50% off (up to ₩20,000)',
    );
    expect(discountTerms({ type: 'PERCENT', value: 10 }, 'USD', 'en-US')).toBe('10% off');
    expect(discountTerms({ type: 'AMOUNT', value: 300 }, 'USD', 'en-US')).toBe('$3.00 off');
    expect(discountTerms({ type: 'AMOUNT', value: 3_000 }, undefined, 'en-US')).toBe('3,000 off');
  });

  it("writes the period and window in the campaign's zone", () => {
    const view = { startDate: '2027-05-01', endDate: '2027-05-05', dailyWindow: { open: '13:00', close: '15:00' } };
    expect(calendarText({ ...view, timezone: 'Asia/Seoul' })).toBe(
      '2027-05-01 to 2027-05-05, 13:00–15:00 daily (Asia/Seoul)',
    );
    expect(calendarText({ ...view, endDate: '2027-05-01', timezone: 'UTC' })).toBe(
      '2027-05-01, 13:00–15:00 daily (UTC)',
    );
  });

  it('says whether the limit is one a day or one for the whole campaign', () => {
    expect(limitText({ perUserCampaignLimit: null })).toBe('One coupon per person a day.');
    expect(limitText({ perUserCampaignLimit: 1 })).toBe('One coupon per person for the whole campaign.');
  });
});
