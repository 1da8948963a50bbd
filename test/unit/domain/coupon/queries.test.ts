import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import { issuanceCount } from '../../../../src/functions/domain/coupon/queries';
import { springSaleDefinition } from '../../../support/fixtures';

const campaign: Campaign = { ...springSaleDefinition, createdAt: '2026-04-01T00:00:00Z' };

describe('domain: issuanceCount', () => {
  it("answers today's counts with asOf, the instant they were read, so a page behind the edge cache shows their age", async () => {
    const deps = {
      campaigns: { get: async () => campaign },
      admissions: { admittedCount: async () => 30 } as never,
      coupons: { get: async () => undefined, persistedCount: async () => 28 },
      clock: () => new Date('2026-05-01T04:30:00.250Z'),
    };
    expect(await issuanceCount(deps, 'spring-sale')).toEqual({
      issueDate: '2026-05-01',
      quota: 100,
      admitted: 30,
      persisted: 28,
      remaining: 70,
      asOf: '2026-05-01T04:30:00.250Z',
    });
  });
});
