import { matchesAnyPattern, matchesPattern, parsePattern } from '../../../tools/local/event-pattern';

/** A stream record as Lambda filters it: the construct's four patterns (src/construct/events.ts) run against it. */
const record = (eventName: string, sk: string, newStatus?: string) => ({
  eventName,
  dynamodb: {
    Keys: { pk: { S: 'v1' }, sk: { S: sk } },
    ...(newStatus ? { NewImage: { status: { S: newStatus } } } : {}),
  },
});

describe('local: event patterns (Lambda filters, EventBridge rules)', () => {
  it('matches exact values, prefixes and nested objects as the construct filters use them', () => {
    // Prepare
    const insert = parsePattern('{"eventName":["INSERT"]}');
    const order = parsePattern('{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"ORDER#"}]}}}}');
    const stats = parsePattern('{"dynamodb":{"Keys":{"sk":{"S":["STATS"]}}}}');
    const parked = parsePattern('{"dynamodb":{"NewImage":{"status":{"S":["PARKED"]}}}}');
    // Act + Assess
    expect(matchesPattern(insert, record('INSERT', 'x'))).toBe(true);
    expect(matchesPattern(insert, record('MODIFY', 'x'))).toBe(false);
    expect(matchesPattern(order, record('MODIFY', 'ORDER#o-1'))).toBe(true);
    expect(matchesPattern(order, record('MODIFY', 'LEDGER#o-1'))).toBe(false);
    expect(matchesPattern(stats, record('MODIFY', 'STATS'))).toBe(true);
    expect(matchesPattern(stats, record('MODIFY', 'STATS#2'))).toBe(false);
    expect(matchesPattern(parked, record('MODIFY', 'f', 'PARKED'))).toBe(true);
    expect(matchesPattern(parked, record('REMOVE', 'f'))).toBe(false);
  });

  it('matches a value list, exists and anything-but, and any of several patterns', () => {
    // Prepare
    const event = { source: 'fcfs-coupon', 'detail-type': 'CouponIssued', detail: { tags: ['a', 'b'], rank: 3 } };
    // Act + Assess
    expect(matchesPattern(parsePattern({ 'detail-type': ['DaySoldOut', 'CouponIssued'] }), event)).toBe(true);
    expect(matchesPattern(parsePattern({ detail: { tags: ['b'] } }), event)).toBe(true);
    expect(matchesPattern(parsePattern({ detail: { rank: [3] } }), event)).toBe(true);
    expect(matchesPattern(parsePattern({ detail: { missing: [{ exists: false }] } }), event)).toBe(true);
    expect(matchesPattern(parsePattern({ detail: { rank: [{ exists: false }] } }), event)).toBe(false);
    expect(matchesPattern(parsePattern({ source: [{ 'anything-but': 'other' }] }), event)).toBe(true);
    expect(matchesPattern(parsePattern({ detail: ['x'] }), event)).toBe(false);
    expect(matchesAnyPattern([], event)).toBe(true);
    expect(matchesAnyPattern([parsePattern({ source: ['x'] }), parsePattern({ source: ['fcfs-coupon'] })], event)).toBe(
      true,
    );
  });

  it('refuses a matcher it does not support rather than matching it wrongly', () => {
    // Act + Assess
    expect(() => parsePattern('{"detail":{"rank":[{"numeric":[">",1]}]}}')).toThrow(/not supported locally/);
    expect(() => parsePattern('["INSERT"]')).toThrow(/not an object/);
  });
});
