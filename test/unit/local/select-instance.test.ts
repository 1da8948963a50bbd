import {
  couponInstances,
  nodeRuntimes,
  notRunLocally,
  type Resource,
  type SynthesizedStack,
  selectInstance,
} from '../../../tools/local/template';

const table: Resource = { Type: 'AWS::DynamoDB::Table' };
const node: Resource = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs24.x' } };
const python: Resource = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.13' } };

/** A stack of two FcfsCoupons, one id a prefix of the other's, beside the app's own user pool and bucket. */
const shop: SynthesizedStack = {
  stackName: 'Shop',
  cdkOut: 'cdk.out',
  resources: {
    ShopUsers1A2B3C4D: { Type: 'AWS::Cognito::UserPool' },
    ShopBucket5E6F7A8B: { Type: 'AWS::S3::Bucket' },
    CouponsDataCouponTable7589FA6D: table,
    CouponsPipelineConsumeAdmissionsFunction86CD3B1D: node,
    CouponsOutletDataCouponTableAAAAAAAA: table,
    CouponsOutletPipelineConsumeAdmissionsFunctionBBBBBBBB: node,
    CouponsOutletConsoleDeploymentHandlerCCCCCCCC: python,
  },
};

describe('local cloud: one FcfsCoupon of a consumer stack', () => {
  it('finds each instance by its coupon table, an id that is a prefix of another included', () => {
    expect(couponInstances(shop).sort()).toEqual(['Coupons', 'CouponsOutlet']);
  });

  it("keeps the chosen instance's resources and the app's own, and leaves out the other instance's", () => {
    const { stack, leftOut } = selectInstance(shop, 'Coupons');
    expect(Object.keys(stack.resources).sort()).toEqual([
      'CouponsDataCouponTable7589FA6D',
      'CouponsPipelineConsumeAdmissionsFunction86CD3B1D',
      'ShopBucket5E6F7A8B',
      'ShopUsers1A2B3C4D',
    ]);
    expect(leftOut).toEqual(['CouponsOutlet']);
  });

  it('asks for --construct when the stack has several, and refuses an instance it does not have', () => {
    expect(() => selectInstance(shop)).toThrow(/2 FcfsCoupons \(Coupons, CouponsOutlet\): name one with --construct/);
    expect(() => selectInstance(shop, 'Outlet')).toThrow(/no FcfsCoupon Outlet/);
  });

  it('says what it does not run: unknown resource types and functions on other runtimes', () => {
    const { stack } = selectInstance(shop, 'CouponsOutlet');
    expect(notRunLocally(stack)).toEqual([
      'ShopBucket5E6F7A8B (AWS::S3::Bucket)',
      'CouponsOutletConsoleDeploymentHandlerCCCCCCCC (AWS::Lambda::Function, python3.13)',
    ]);
  });
});

describe('local cloud: runtime parity', () => {
  it('lists the Node.js runtimes its functions need, each once, and not the other runtimes', () => {
    expect(nodeRuntimes(shop)).toEqual(['nodejs24.x']);
  });
});
