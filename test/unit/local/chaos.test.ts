import { Chaos, chaosConfigSchema } from '../../../tools/local/chaos';

/** A random source that returns `values` in turn (then 0.99: no fault drawn). */
const draws = (...values: number[]) => {
  const queue = [...values];
  return () => queue.shift() ?? 0.99;
};

describe('local: chaos configuration and verdicts', () => {
  it('accepts late landing and lost Redis answers, and refuses a landLateRate without its delay', () => {
    // Prepare
    const config = {
      dynamodb: { UpdateItem: { landLateMs: 5_000, landLateRate: 0.3 } },
      sqs: { '*': { landLateMs: 2_000 } },
      redis: { errorAfterForwardRate: 0.3, landLateMs: 12_000, landLateRate: 0.2 },
    };
    // Act + Assess
    expect(chaosConfigSchema.parse(config)).toEqual(config);
    for (const bad of [{ dynamodb: { PutItem: { landLateRate: 0.5 } } }, { redis: { landLateRate: 0.5 } }]) {
      expect(() => chaosConfigSchema.parse(bad)).toThrow(/landLateRate needs landLateMs/);
    }
    expect(() => chaosConfigSchema.parse({ redis: { errorAfterForwardRate: 1.5 } })).toThrow(/errorAfterForwardRate/);
    expect(() => chaosConfigSchema.parse({ sqs: { SendMessage: { landLateMs: -1 } } })).toThrow(/landLateMs/);
    expect(() => chaosConfigSchema.parse({ redis: { landLateMs: 1.5 } })).toThrow(/landLateMs/);
  });

  it('lands every matching request late when landLateMs is set without a rate, and counts each one', () => {
    // Prepare
    const chaos = new Chaos({ dynamodb: { PutItem: { landLateMs: 5_000 } } }, draws(0.999_999, 0.5));
    // Act
    const verdicts = [chaos.verdict('dynamodb', 'PutItem'), chaos.verdict('dynamodb', 'PutItem')];
    // Assess
    expect(verdicts).toEqual([
      { kind: 'landLate', delayMs: 5_000 },
      { kind: 'landLate', delayMs: 5_000 },
    ]);
    expect(chaos.injected).toEqual({ 'dynamodb.PutItem.landLate': 2 });
  });

  it('lands a share landLateRate of the requests late and forwards the others at once', () => {
    // Prepare: the draws 0.1 and 0.29 fall under 0.3, 0.3 and 0.8 do not.
    const chaos = new Chaos(
      { sqs: { SendMessage: { landLateMs: 2_000, landLateRate: 0.3 } } },
      draws(0.1, 0.3, 0.29, 0.8),
    );
    // Act
    const kinds = Array.from({ length: 4 }, () => chaos.verdict('sqs', 'SendMessage').kind);
    // Assess
    expect(kinds).toEqual(['landLate', 'forward', 'landLate', 'forward']);
    expect(chaos.injected).toEqual({ 'sqs.SendMessage.landLate': 2 });
  });

  it('applies `*` to the operations without an entry of their own, and an own entry instead of `*`, not merged', () => {
    // Prepare
    const chaos = new Chaos({ dynamodb: { '*': { landLateMs: 1_000 }, GetItem: { latencyMs: 5 } } }, draws(0, 0));
    // Act + Assess
    expect(chaos.verdict('dynamodb', 'UpdateItem')).toEqual({ kind: 'landLate', delayMs: 1_000 });
    expect(chaos.verdict('dynamodb', 'GetItem')).toEqual({ kind: 'forward', latencyMs: 5 });
    expect(chaos.injected).toEqual({ 'dynamodb.UpdateItem.landLate': 1, 'dynamodb.GetItem.latency': 1 });
  });

  it('draws the blackhole before the late landing, and the late landing before the error', () => {
    // Prepare
    const fault = { blackholeRate: 0.5, landLateMs: 3_000, landLateRate: 0.5, errorRate: 0.5 };
    const chaos = new Chaos({ dynamodb: { UpdateItem: fault } }, draws(0.1, 0.9, 0.1, 0.9, 0.9, 0.1));
    // Act
    const kinds = Array.from({ length: 3 }, () => chaos.verdict('dynamodb', 'UpdateItem').kind);
    // Assess
    expect(kinds).toEqual(['blackhole', 'landLate', 'error']);
  });

  it('drops the answer of a share errorAfterForwardRate of the Redis requests, after their latency', () => {
    // Prepare
    const chaos = new Chaos({ redis: { errorAfterForwardRate: 0.3, latencyMs: 7 } }, draws(0.2, 0.5));
    // Act
    const verdicts = [chaos.redis(), chaos.redis()];
    // Assess
    expect(verdicts).toEqual([
      { kind: 'forward', latencyMs: 7, dropAnswer: true },
      { kind: 'forward', latencyMs: 7, dropAnswer: false },
    ]);
    expect(chaos.injected).toEqual({ 'redis.errorAfterForward': 1, 'redis.latency': 2 });
    expect(chaos.calls.redis).toBe(2);
  });

  it('lands Redis requests late unless Redis is down, which drops them first', () => {
    // Prepare
    const chaos = new Chaos({ redis: { landLateMs: 12_000, landLateRate: 0.5 } }, draws(0.4, 0.6));
    // Act
    const late = [chaos.redis(), chaos.redis()];
    chaos.set({ redis: { down: true, landLateMs: 12_000 } });
    const down = chaos.redis();
    // Assess
    expect(late).toEqual([
      { kind: 'landLate', delayMs: 12_000 },
      { kind: 'forward', latencyMs: 0, dropAnswer: false },
    ]);
    expect(down).toEqual({ kind: 'down' });
    expect(chaos.injected).toEqual({ 'redis.landLate': 1, 'redis.down': 1 });
  });

  it('forwards everything at once when no fault is set', () => {
    const chaos = new Chaos({}, draws(0));
    expect(chaos.verdict('sqs', 'SendMessage')).toEqual({ kind: 'forward', latencyMs: 0 });
    expect(chaos.redis()).toEqual({ kind: 'forward', latencyMs: 0, dropAnswer: false });
    expect(chaos.injected).toEqual({});
  });
});
