import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type LocalEventBus, startLocalEventBus } from '../../../tools/local/event-bus';
import { parsePattern } from '../../../tools/local/event-pattern';

describe('local: EventBridge PutEvents stand-in', () => {
  let bus: LocalEventBus;
  let client: EventBridgeClient;
  const logged: string[] = [];

  beforeAll(async () => {
    bus = await startLocalEventBus({
      buses: ['coupons'],
      rules: [
        { logicalId: 'SoldOutRule', eventBusName: 'coupons', pattern: parsePattern({ 'detail-type': ['DaySoldOut'] }) },
      ],
      log: (m) => logged.push(m),
    });
    client = new EventBridgeClient({
      endpoint: bus.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await bus?.stop();
  });

  it('accepts valid entries with an EventId each, refuses the others by index, and records what it accepted', async () => {
    // Prepare
    const entry = { EventBusName: 'coupons', Source: 'fcfs-coupon', Time: new Date('2026-05-01T00:00:00Z') };
    // Act
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          { ...entry, DetailType: 'CouponIssued', Detail: '{"eventId":"CouponIssued:c1"}' },
          { ...entry, DetailType: 'CouponIssued', Detail: 'not json' },
          { ...entry, EventBusName: 'nowhere', DetailType: 'CouponIssued', Detail: '{}' },
          { ...entry, DetailType: 'DaySoldOut', Detail: '{"eventId":"DaySoldOut:d1"}' },
        ],
      }),
    );
    // Assess
    expect(answer.FailedEntryCount).toBe(2);
    expect(answer.Entries?.map((e) => e.ErrorCode)).toEqual([
      undefined,
      'MalformedDetail',
      'NotFoundException',
      undefined,
    ]);
    const events = bus.events();
    expect(events.map((e) => e.id)).toEqual([answer.Entries?.[0]?.EventId, answer.Entries?.[3]?.EventId]);
    expect(events[0]).toMatchObject({
      eventBusName: 'coupons',
      source: 'fcfs-coupon',
      detailType: 'CouponIssued',
      detail: { eventId: 'CouponIssued:c1' },
      time: '2026-05-01T00:00:00.000Z',
      matchedRules: [],
    });
    expect(events[1]?.matchedRules).toEqual(['SoldOutRule']);
    expect(logged).toEqual([expect.stringContaining('rule SoldOutRule matched DaySoldOut')]);
    expect(bus.events({ detailType: 'DaySoldOut' })).toEqual([events[1]]);
    expect(bus.events({ since: new Date(Date.now() + 60_000) })).toEqual([]);
    bus.clear();
    expect(bus.events()).toEqual([]);
  });
});
