import { App, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { FcfsCouponStack } from '../../src/construct/fcfs-coupon-stack';
import { STACK_SHAPES } from '../support/stack-shapes';

// cdk-nag's AwsSolutions and Serverless packs over every shape of the stack: a finding that is neither fixed nor
// acknowledged with a reason makes the synth throw (and fails this test with the report).

jest.setTimeout(120_000);

/** Every acknowledgement recorded under `root`: construct path, rule id, reason. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ path: c.node.path, id, reason })),
  );
}

const shapes = STACK_SHAPES;

describe('infra: cdk-nag', () => {
  it.each(shapes)('%s: zero unacknowledged AwsSolutions and Serverless findings', (_, props) => {
    const app = new App();
    const stack = new FcfsCouponStack(app, 'Nag', props);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    expect(() => app.synth()).not.toThrow();
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^(AwsSolutions::AwsSolutions|Serverless::Serverless)-[A-Za-z0-9]+(\[.+\])?$/);
      // A reason a reviewer can check: a sentence, not a placeholder.
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });

  it('fails the synth on a finding nobody acknowledged', () => {
    const app = new App();
    const stack = new FcfsCouponStack(app, 'Nag', {});
    // A queue without encryption, TLS enforcement or a dead-letter queue.
    new Queue(stack, 'Careless', { enforceSSL: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    expect(() => app.synth()).toThrow(/SQS/);
  });
});
