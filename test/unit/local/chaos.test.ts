import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { HANDLERS } from '../../../src/contract/names';
import { Chaos } from '../../../tools/local/chaos';
import {
  CHAOS_OPERATIONS,
  ChaosConfigError,
  type ChaosFunction,
  chaosConfigSchema,
  validateChaosConfig,
} from '../../../tools/local/chaos-config';

const root = path.join(__dirname, '../../..');

/** The product's functions as a synthesized template names them: a logical id per handler, plus a CDK one. */
const functions: ChaosFunction[] = [
  ...Object.values(HANDLERS).map((handlerName) => ({
    logicalId: `Coupons${handlerName.replace(/(^|-)([a-z])/g, (_, _dash, c: string) => c.toUpperCase())}Function0A1B2C3D`,
    handlerName,
  })),
  { logicalId: 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A' },
];
const issueId = functions[0]?.logicalId as string;

/** The errors a refused configuration reports. */
function refusal(value: unknown): { path: string; message: string }[] {
  try {
    validateChaosConfig(value, functions);
  } catch (error) {
    if (error instanceof ChaosConfigError) return [...error.errors];
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(value)}`);
}

/** The JSON bodies of the `curl ... -d '<json>'` examples in README.md's Chaos bullet. */
function readmeChaosExamples(): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('- **Chaos**');
  const end = readme.indexOf('\n- ', start + 1);
  const section = readme.slice(start, end);
  return [...section.matchAll(/_local\/chaos -d '([^']*)'/g)].map((m) => m[1] as string);
}

/** What the lib-dynamodb commands send (`GetCommand` -> GetItem); other commands send their own name. */
const DOCUMENT_CLIENT_OPERATIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactWrite: 'TransactWriteItems',
  TransactGet: 'TransactGetItems',
};

/** The operations the product's functions send, from the `new XCommand(` of every file under src/functions. */
function operationsCalled(): Set<string> {
  const dir = path.join(root, 'src/functions');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const called = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(/new (\w+)Command\(/g)) {
      const name = m[1] as string;
      called.add(DOCUMENT_CLIENT_OPERATIONS[name] ?? name);
    }
  }
  return called;
}

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

describe('local: chaos configuration validation', () => {
  it('accepts a function by handler name and by logical id, and every declared operation and `*`', () => {
    // Prepare
    const config = {
      dynamodb: Object.fromEntries([...CHAOS_OPERATIONS.dynamodb, '*'].map((op) => [op, { errorRate: 0.1 }])),
      sqs: Object.fromEntries([...CHAOS_OPERATIONS.sqs, '*'].map((op) => [op, { latencyMs: 5 }])),
      lambda: { 'consume-admissions': { crashRate: 0.5 }, [issueId]: { crashRate: 0.1, crashAt: 'end' } },
    };
    // Act + Assess
    expect(validateChaosConfig(config, functions)).toEqual(config);
  });

  it('refuses an unknown function, naming every handler name and logical id', () => {
    // Act
    const errors = refusal({ lambda: { IssueCouponFunctionDD2E9710: { crashRate: 0.1 } } });
    // Assess
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('lambda.IssueCouponFunctionDD2E9710');
    expect(errors[0]?.message).toMatch(/^unknown function; valid: /);
    for (const fn of functions) {
      expect(errors[0]?.message).toContain(fn.logicalId);
      if (fn.handlerName) expect(errors[0]?.message).toContain(fn.handlerName);
    }
  });

  it('lists every invalid service, operation, function and fault field, not just the first', () => {
    // Act
    const errors = refusal({
      dynamodb: { PutItm: { errorRate: 0.5 }, PutItem: { errorRat: 0.5 } },
      sqs: { SendMesage: { blackhole: true }, BatchWriteItem: {} },
      lambda: { 'issue-coupons': { crashRate: 0.1 }, 'issue-coupon': { crashRate: 0.1, crashAtt: 'end' } },
      s3: {},
    });
    // Assess
    expect(errors.map((e) => e.path).sort()).toEqual(
      [
        'dynamodb.PutItm',
        'dynamodb.PutItem.errorRat',
        'sqs.SendMesage',
        'sqs.BatchWriteItem',
        'lambda.issue-coupons',
        'lambda.issue-coupon.crashAtt',
        's3',
      ].sort(),
    );
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    expect(byPath['dynamodb.PutItm']).toMatch(/unknown operation; valid: .*PutItem.*TransactWriteItems.*, or \*/);
    expect(byPath['sqs.SendMesage']).toMatch(/unknown operation; valid: .*SendMessage/);
    expect(byPath['dynamodb.PutItem.errorRat']).toMatch(/unknown field; valid: .*errorRate/);
    expect(byPath['lambda.issue-coupon.crashAtt']).toMatch(/unknown field; valid: crashRate, crashAt/);
    expect(byPath.s3).toBe('unknown service; valid: dynamodb, sqs, eventbridge, redis, lambda');
  });

  it('refuses one function named twice, by handler name and by logical id', () => {
    // Act
    const errors = refusal({ lambda: { 'issue-coupon': { crashRate: 0.1 }, [issueId]: { crashRate: 0.2 } } });
    // Assess
    expect(errors).toEqual([{ path: `lambda.${issueId}`, message: 'names the same function as lambda.issue-coupon' }]);
  });

  it('says every problem in its message, as the start (LOCAL_CLOUD_CHAOS) and the 400 report it', () => {
    // Act
    const error = (() => {
      try {
        validateChaosConfig({ sqs: { Send: {} }, redis: { down: 'yes' } }, functions);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    // Assess
    expect(error).toBeInstanceOf(ChaosConfigError);
    expect(error?.message).toMatch(/^invalid chaos configuration: /);
    expect(error?.message).toContain('sqs.Send: unknown operation; valid: ');
    expect(error?.message).toContain('redis.down: ');
  });

  it('changes nothing when a configuration is refused', () => {
    // Prepare
    const before = { dynamodb: { PutItem: { errorRate: 0.5 } } };
    const chaos = new Chaos(before, draws(), functions);
    // Act
    expect(() => chaos.set({ lambda: { IssueCouponFunctionDD2E9710: { crashRate: 1 } } })).toThrow(ChaosConfigError);
    // Assess
    expect(chaos.get()).toEqual(before);
  });

  it('crashes a function named by its handler name, counted under its logical id', () => {
    // Prepare
    const chaos = new Chaos({ lambda: { 'issue-coupon': { crashRate: 0.5, crashAt: 'end' } } }, draws(0.1), functions);
    // Act + Assess
    expect(chaos.crash(issueId)).toBe('end');
    expect(chaos.crash(functions[1]?.logicalId as string)).toBeUndefined();
    expect(chaos.injected).toEqual({ [`lambda.${issueId}.crash`]: 1 });
  });

  it("accepts README.md's chaos examples", () => {
    // Prepare
    const examples = readmeChaosExamples();
    // Act + Assess
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) expect(() => validateChaosConfig(JSON.parse(example), functions)).not.toThrow();
  });

  it('declares exactly the DynamoDB, SQS and EventBridge operations the functions send', () => {
    // Prepare
    const called = operationsCalled();
    const declared: string[] = [...CHAOS_OPERATIONS.dynamodb, ...CHAOS_OPERATIONS.sqs, ...CHAOS_OPERATIONS.eventbridge];
    // Act + Assess: every declared one is sent somewhere, and every one sent that the proxies see is declared.
    expect(declared.filter((op) => !called.has(op))).toEqual([]);
    const proxied = /Item|Items|^Query$|^Scan$|Message|Queue|^PutEvents$/;
    expect([...called].filter((op) => proxied.test(op) && !declared.includes(op))).toEqual([]);
  });
});
