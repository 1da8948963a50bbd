import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { FcfsCoupon } from '../../src';
import { EVENT_SOURCE } from '../../src/contract/events';
import { ENV, HANDLERS } from '../../src/contract/names';

// The domain events' infrastructure (src/construct/events.ts): the tables' streams, the publisher's event source
// mappings and their filters, its one grant on the bus, the delay alarm, and FcfsCoupon.eventPattern.

jest.setTimeout(120_000);

function synth() {
  const stack = new Stack(new App(), 'Shop');
  const coupons = new FcfsCoupon(stack, 'Coupons');
  const winners = new Queue(stack, 'Winners');
  new Rule(stack, 'WinnerRule', {
    eventBus: coupons.eventBus,
    eventPattern: coupons.eventPattern('CouponIssued'),
    targets: [new SqsQueue(winners)],
  });
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  return { stack, coupons, template: Template.fromStack(stack), id };
}

describe('infra: domain events', () => {
  const { coupons, template, id } = synth();
  const tables = coupons.tables;

  it('streams new and old images of the four tables whose changes state events, not the campaign table', () => {
    for (const table of [tables.coupon, tables.vendor, tables.admission, tables.failedEvent]) {
      expect(template.toJSON().Resources[id(table)].Properties.StreamSpecification).toEqual({
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
    }
    expect(template.toJSON().Resources[id(tables.campaign)].Properties.StreamSpecification).toBeUndefined();
  });

  it('maps each stream to the publisher, from the oldest record, with partial batch responses and a filter', () => {
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: { Ref: id(coupons.functions.publishEvents) } },
    });
    const byTable = Object.fromEntries(
      Object.values(mappings).map((m) => [
        m.Properties.EventSourceArn['Fn::GetAtt'][0],
        {
          start: m.Properties.StartingPosition,
          responses: m.Properties.FunctionResponseTypes,
          filters: m.Properties.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern)),
        },
      ]),
    );
    const common = { start: 'TRIM_HORIZON', responses: ['ReportBatchItemFailures'] };
    expect(byTable).toEqual({
      [id(tables.coupon)]: { ...common, filters: [{ eventName: ['INSERT'] }] },
      [id(tables.vendor)]: { ...common, filters: [{ dynamodb: { Keys: { sk: { S: [{ prefix: 'ORDER#' }] } } } }] },
      [id(tables.admission)]: { ...common, filters: [{ dynamodb: { Keys: { sk: { S: ['STATS'] } } } }] },
      [id(tables.failedEvent)]: { ...common, filters: [{ dynamodb: { NewImage: { status: { S: ['PARKED'] } } } }] },
    });
  });

  it('lets the publisher put events on its bus only, and read the campaign table, not write any table', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('PublishEventsFunctionRole') }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions).toContain('events:PutEvents');
    expect(statements.find((s: { Action: unknown }) => s.Action === 'events:PutEvents').Resource).toEqual({
      'Fn::GetAtt': [id(coupons.events.eventBus as never), 'Arn'],
    });
    expect(actions.filter((a: string) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
    const variables = template.toJSON().Resources[id(coupons.functions.publishEvents)].Properties.Environment.Variables;
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe(HANDLERS.publishEvents);
    expect(variables[ENV.EVENT_BUS_NAME]).toEqual({ Ref: id(coupons.events.eventBus as never) });
  });

  it("matches a rule on this instance's CouponIssued events by source, detail-type and instance", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: id(coupons.events.eventBus as never) },
      EventPattern: { source: [EVENT_SOURCE], 'detail-type': ['CouponIssued'], detail: { instance: ['Shop/Coupons'] } },
    });
  });

  it('pages when the events fall more than 5 minutes behind the data for 3 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id(coupons.functions.publishEvents) } }],
      Threshold: 300_000,
      EvaluationPeriods: 3,
    });
  });
});
