import { MAX_RETRY_DELAY_S, retryDelaySeconds } from '../../../../src/functions/domain/kernel/backoff';

describe('domain: retryDelaySeconds', () => {
  it('waits between half and all of 2^n seconds after the n-th receive, capped', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n, () => 0))).toEqual([1, 2, 4, 8, 16]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n, () => 0.999))).toEqual([2, 4, 8, 16, 32]);
    expect(retryDelaySeconds(12, () => 0.999)).toBe(MAX_RETRY_DELAY_S);
    expect(retryDelaySeconds(0, () => 0)).toBe(1);
  });
});
