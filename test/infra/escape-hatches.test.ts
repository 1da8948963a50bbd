import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { FcfsCoupon, type FcfsCouponProps } from '../../src';
import { DEFAULTS, HANDLERS } from '../../src/contract/names';

/** The template of a stack holding one FcfsCoupon with `props`. */
function synth(props: FcfsCouponProps = {}): Template {
  const stack = new Stack(new App(), 'Shop');
  new FcfsCoupon(stack, 'Coupons', props);
  return Template.fromStack(stack);
}

/** The function whose Powertools service name is `handler`. */
function functionOf(template: Template, handler: string): Record<string, unknown> {
  const [fn] = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: handler }) } },
    }),
  );
  if (!fn) throw new Error(`no function ${handler}`);
  return fn.Properties as Record<string, unknown>;
}

describe('infra: what an operator tunes', () => {
  const defaults = synth();

  it('defaults: batches of 25 within 1 s, 5 receives before the dead-letter queue, a 1,024 MB issue function, a month of logs', () => {
    defaults.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: DEFAULTS.consumerBatchSize,
      MaximumBatchingWindowInSeconds: DEFAULTS.consumerMaxBatchingWindowSeconds,
    });
    defaults.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: DEFAULTS.maxReceiveCount }),
    });
    expect(functionOf(defaults, HANDLERS.issue).MemorySize).toBe(DEFAULTS.issueMemoryMb);
    for (const group of Object.values(defaults.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(30);
    }
  });

  it('consumerBatchSize and consumerMaxBatchingWindow set the event source mapping', () => {
    synth({ consumerBatchSize: 100, consumerMaxBatchingWindow: Duration.seconds(5) }).hasResourceProperties(
      'AWS::Lambda::EventSourceMapping',
      { BatchSize: 100, MaximumBatchingWindowInSeconds: 5 },
    );
  });

  it('maxReceiveCount sets the redrive policy and the replay function the longest a message may stay queued', () => {
    const template = synth({ maxReceiveCount: 8 });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 8 }) });
    const replay = functionOf(template, HANDLERS.replayAndReconcile) as {
      Environment: { Variables: Record<string, string> };
    };
    expect(replay.Environment.Variables.ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS).toBe(String(180 * 8));
  });

  it("issueMemorySize sets the issue function's memory and no other's", () => {
    const template = synth({ issueMemorySize: 1769 });
    expect(functionOf(template, HANDLERS.issue).MemorySize).toBe(1769);
    expect(functionOf(template, HANDLERS.query).MemorySize).toBe(512);
  });

  it("logRetention sets every function's log group and the API's access logs", () => {
    const groups = Object.values(synth({ logRetention: RetentionDays.ONE_WEEK }).findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThan(Object.keys(HANDLERS).length);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(7);
  });

  it.each([
    [{ consumerBatchSize: 0 }, /consumerBatchSize/],
    [{ maxReceiveCount: 1001 }, /maxReceiveCount/],
    [{ issueMemorySize: 64 }, /issueMemorySize/],
    [{ consumerMaxBatchingWindow: Duration.minutes(6) }, /consumerMaxBatchingWindow/],
  ] as [FcfsCouponProps, RegExp][])('refuses %p at construction, naming the prop', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
