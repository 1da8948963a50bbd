import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { FcfsCoupon } from '../../src';
import { METRIC, type MetricName } from '../../src/contract/names';
import { ROUTES, type Route } from '../../src/contract/routes';

/** The execute-api:Invoke resources a role's policies allow, as `METHOD /path` (path parameters as `*`). */
function invokable(grant: (coupons: FcfsCoupon, role: Role) => void): string[] {
  const stack = new Stack(new App(), 'Shop');
  const coupons = new FcfsCoupon(stack, 'Coupons');
  const role = new Role(stack, 'Operator', { assumedBy: new AccountRootPrincipal() });
  grant(coupons, role);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as never) }] },
  });
  const statements = Object.values(policies).flatMap(
    (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
  );
  return statements
    .filter((s) => [s.Action].flat().includes('execute-api:Invoke'))
    .flatMap((s) => [s.Resource].flat())
    .map((arn) => {
      // { 'Fn::Join': ['', ['arn:', {Ref: Partition}, ':execute-api:', ..., '/<stage>/<METHOD>/<path>']] }
      const parts = (arn as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const tail = String(parts[parts.length - 1]);
      const [, , method, ...path] = tail.split('/');
      return `${method} /${path.join('/')}`;
    })
    .sort();
}

const asGranted = (routes: readonly Route[]) =>
  routes.map((r) => `${r.method} ${r.path.replace(/\{[^}]+\}/g, '*')}`).sort();

describe('infra: grants', () => {
  it('grantAdminInvoke allows execute-api:Invoke on every admin route of the route table, and no other', () => {
    const granted = invokable((coupons, role) => coupons.grantAdminInvoke(role));
    expect(granted).toEqual(asGranted(ROUTES.filter((r) => r.authorization === 'admin')));
    expect(granted.length).toBeGreaterThan(0);
  });

  it('grantOperatorRead allows only the admin GET routes: nothing that creates, changes, closes or redrives', () => {
    const granted = invokable((coupons, role) => coupons.grantOperatorRead(role));
    expect(granted).toEqual(asGranted(ROUTES.filter((r) => r.authorization === 'admin' && r.method === 'GET')));
    expect(granted.filter((g) => !g.startsWith('GET '))).toEqual([]);
    expect(granted.every((g) => g.includes('/v1/admin/'))).toBe(true);
  });

  it('grantCheckout allows exactly the checkout routes (quote, redeem, refund), and no admin or user route', () => {
    const granted = invokable((coupons, role) => coupons.grantCheckout(role));
    expect(granted).toEqual([
      'POST /v1/checkout/quotes',
      'POST /v1/checkout/redemptions',
      'POST /v1/checkout/redemptions/*/refund',
    ]);
    expect(granted).toEqual(asGranted(ROUTES.filter((r) => r.authorization === 'checkout')));
    // The two IAM tiers are disjoint: neither grant opens the other's routes.
    const admin = invokable((coupons, role) => coupons.grantAdminInvoke(role));
    expect(admin.filter((g) => granted.includes(g))).toEqual([]);
    expect(admin.some((g) => g.includes('/v1/checkout/'))).toBe(false);
  });
});

describe('infra: metric()', () => {
  const stack = new Stack(new App(), 'Shop');
  const coupons = new FcfsCoupon(stack, 'Coupons');

  it.each([
    [METRIC.IssueSoldOut, 'issue-coupon'],
    [METRIC.CouponsPersisted, 'consume-admissions'],
    [METRIC.InvariantViolations, 'replay-and-reconcile'],
  ] as [MetricName, string][])('%s carries the dimensions its emitter (%s) writes', (name, service) => {
    expect(stack.resolve(coupons.metric(name, { statistic: 'Sum' }))).toMatchObject({
      namespace: 'FcfsCoupon',
      metricName: name,
      statistic: 'Sum',
      dimensions: { service, instance: 'Shop/Coupons' },
    });
  });

  it('is what the metricX() helpers return', () => {
    expect(stack.resolve(coupons.metricAdmitted())).toEqual(stack.resolve(coupons.metric(METRIC.Admitted)));
  });
});
