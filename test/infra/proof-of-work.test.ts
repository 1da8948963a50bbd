import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FcfsCoupon } from '../../src';
import { ENV } from '../../src/contract/names';

// The proof-of-work signing key (README.md, "Proof of work"): one generated secret, named to the issue function
// only, which alone may read it.
describe('infra: the proof-of-work key', () => {
  const stack = new Stack(new App(), 'Shop');
  const coupons = new FcfsCoupon(stack, 'Coupons');
  const template = Template.fromStack(stack);
  const secretId = stack.getLogicalId(coupons.proofOfWorkKey.node.defaultChild as never);

  it('is one generated secret of letters and digits', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });

  it('is named to the issue function only, and only its role may read it', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const naming = Object.entries(functions)
      .filter(([, f]) => f.Properties.Environment?.Variables?.[ENV.PROOF_OF_WORK_SECRET_ID] !== undefined)
      .map(([id, f]) => [id, f.Properties.Environment.Variables[ENV.PROOF_OF_WORK_SECRET_ID]]);
    expect(naming).toEqual([[expect.stringMatching(/IssueCouponFunction/), { Ref: secretId }]]);

    const readers = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).some(
        (s) =>
          [s.Action].flat().includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes(secretId),
      ),
    );
    expect(readers.map((p) => JSON.stringify(p.Properties.Roles))).toEqual([
      expect.stringMatching(/IssueCouponFunction/),
    ]);
  });
});
