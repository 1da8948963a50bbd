import { type WarmUpDeps, warmUpInstance } from '../../../../src/functions/domain/admission/warm-up';
import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import { springSaleDefinition } from '../../../support/fixtures';

/** Seoul, May 1-5, 13:00-15:00 (04:00-06:00 UTC); with `prewarm`, its share is held from 12:45. */
const base: Campaign = { ...springSaleDefinition, createdAt: '2026-04-01T00:00:00Z', version: 1 };
const opening: Campaign = { ...base, campaignId: 'opening', prewarm: { concurrency: 4, leadMinutes: 15 } };
const notWarmed: Campaign = { ...base, campaignId: 'no-prewarm' };
const later: Campaign = {
  ...base,
  campaignId: 'later',
  dailyWindow: { open: '18:00', close: '19:00' },
  prewarm: { concurrency: 2, leadMinutes: 15 },
};
/** 12:50 in Seoul on May 1: `opening` opens in 10 minutes. */
const now = new Date('2026-05-01T03:50:00Z');

function fakes(overrides: Partial<WarmUpDeps> = {}) {
  const calls: string[] = [];
  const remembered: string[] = [];
  const log = { warn: jest.fn(), error: jest.fn() };
  const deps: WarmUpDeps = {
    campaigns: {
      list: async () => [opening, notWarmed, later],
      remember: (campaigns) => remembered.push(...campaigns.map((c) => c.campaignId)),
    },
    admissions: async () => ({ warmUp: async () => void calls.push('scripts loaded') }),
    queue: { warmUp: async () => void calls.push('queue connected') },
    clock: () => now,
    log,
    ...overrides,
  };
  return { deps, calls, remembered, log };
}

describe('domain: warm-up of a provisioned instance', () => {
  it('caches the campaigns the applier pre-warms for now, loads the admission scripts and connects the queue', async () => {
    const { deps, calls, remembered, log } = fakes();
    const report = await warmUpInstance(deps);
    expect(remembered).toEqual(['opening']);
    expect(calls.sort()).toEqual(['queue connected', 'scripts loaded']);
    expect(report).toEqual({ campaignIds: ['opening'], failed: [], timedOut: false });
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('logs each failing step and resolves: the request path does that work lazily', async () => {
    const down = () => Promise.reject(new Error('connect ECONNREFUSED'));
    const { deps, log } = fakes({ campaigns: { list: down }, admissions: down, queue: { warmUp: down } });
    const report = await warmUpInstance(deps);
    expect([...report.failed].sort()).toEqual(['admissions', 'campaigns', 'queue']);
    expect(report.campaignIds).toEqual([]);
    expect(log.warn).toHaveBeenCalledTimes(3);
    expect(log.warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ step: 'campaigns' }));
  });

  it('gives up waiting after its budget when a backend hangs, keeping what finished', async () => {
    const hang = () => new Promise<never>(() => undefined);
    const { deps, remembered, log } = fakes({ queue: { warmUp: hang } });
    const report = await warmUpInstance(deps, 50);
    expect(report).toMatchObject({ timedOut: true, failed: [] });
    expect(remembered).toEqual(['opening']);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('ran out of time'), expect.any(Object));
  });
});
