import { campaignDefinitionSchema, evaluateIssuance } from '../../../src/functions/domain/campaign/campaign';
import { COUNTDOWN_LEAD_MS, demoCampaigns, pageUrls } from '../../../tools/ops/demo';

// `npm run demo`'s campaigns: valid definitions, one open at the moment of the run, one opening a little over two
// minutes later, whatever the zone and the hour (midnight and a DST change included).

const zones = ['UTC', 'Asia/Seoul', 'America/New_York', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];
const instants = [
  '2026-12-06T22:27:31.000Z',
  '2026-12-06T23:58:30.000Z', // the countdown opens on the next UTC day
  '2026-12-07T14:57:59.999Z', // 23:57:59 in Seoul: its countdown opens after midnight, on the next issue day
  '2027-03-14T06:58:10.000Z', // 01:58 in New York, minutes before the spring-forward gap
];

describe('npm run demo: demoCampaigns', () => {
  for (const zone of zones) {
    for (const iso of instants) {
      it(`in ${zone} at ${iso}: an open campaign and one opening 2-3 minutes later, both valid`, () => {
        // Prepare
        const now = new Date(iso);

        // Act
        const { openNow, countdown } = demoCampaigns(now, zone);

        // Assess
        expect(campaignDefinitionSchema.safeParse(openNow.definition).error).toBeUndefined();
        expect(campaignDefinitionSchema.safeParse(countdown.definition).error).toBeUndefined();
        expect(evaluateIssuance(openNow.definition, now)).toMatchObject({ open: true });
        const opensAt = Date.parse(countdown.opensAt);
        expect(opensAt - now.getTime()).toBeGreaterThanOrEqual(COUNTDOWN_LEAD_MS);
        expect(opensAt - now.getTime()).toBeLessThan(COUNTDOWN_LEAD_MS + 60_000);
        expect(evaluateIssuance(countdown.definition, now)).toMatchObject({ open: false });
        expect(evaluateIssuance(countdown.definition, new Date(opensAt - 1))).toMatchObject({ open: false });
        expect(evaluateIssuance(countdown.definition, new Date(opensAt))).toMatchObject({ open: true });
      });
    }
  }

  it("in the hour a fall-back repeats, opens at that wall time the next day (today's window opened an hour ago)", () => {
    // Prepare: 01:59 EDT; 01:01 EST, two minutes later, repeats 01:01 EDT, when a window of 01:01 opened.
    const now = new Date('2027-11-07T05:59:00.000Z');

    // Act
    const { countdown } = demoCampaigns(now, 'America/New_York');

    // Assess
    expect(countdown.definition).toMatchObject({ startDate: '2027-11-08', dailyWindow: { open: '01:01' } });
    expect(countdown.opensAt).toBe('2027-11-08T06:01:00.000Z');
    expect(evaluateIssuance(countdown.definition, now)).toMatchObject({ open: false });
  });

  it('names the campaigns by local date and opening minute: the same within a minute, new a minute later', () => {
    const first = demoCampaigns(new Date('2026-12-07T01:00:05Z'), 'Asia/Seoul');
    const again = demoCampaigns(new Date('2026-12-07T01:00:50Z'), 'Asia/Seoul');
    const later = demoCampaigns(new Date('2026-12-07T01:01:05Z'), 'Asia/Seoul');

    expect(first.openNow.definition.campaignId).toBe('demo-open-20261207');
    expect(first.countdown.definition.campaignId).toBe('demo-opens-20261207-1003');
    expect(again.countdown.definition.campaignId).toBe(first.countdown.definition.campaignId);
    expect(later.openNow.definition.campaignId).toBe(first.openNow.definition.campaignId);
    expect(later.countdown.definition.campaignId).toBe('demo-opens-20261207-1004');
  });

  it('refuses an unknown time zone', () => {
    expect(() => demoCampaigns(new Date(), 'Mars/Olympus')).toThrow("unknown time zone 'Mars/Olympus'");
  });
});

describe('npm run demo: pageUrls', () => {
  it('gives the console and the drop page of a campaign (the page reads its opening from the public view)', () => {
    expect(pageUrls('http://127.0.0.1:3000/', 'demo-opens-20261207-1003')).toEqual({
      console: 'http://127.0.0.1:3000/console/',
      drop: 'http://127.0.0.1:3000/drop/?campaign=demo-opens-20261207-1003',
    });
    expect(pageUrls('http://127.0.0.1:3000', 'demo-open-20261207').drop).toBe(
      'http://127.0.0.1:3000/drop/?campaign=demo-open-20261207',
    );
  });
});
