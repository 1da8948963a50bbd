import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FcfsCouponStack } from '../../src/construct/fcfs-coupon-stack';
import { openApiDocument, SECURITY } from '../../src/contract/openapi/document';

// Templates only: bundling is skipped here.
const template = Template.fromStack(new FcfsCouponStack(new App(), 'Test', {}));
const document = openApiDocument();

/** `AuthorizationType` of every route of the synthesized template, by route key. */
const deployed = Object.fromEntries(
  Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => [
    r.Properties.RouteKey as string,
    (r.Properties.AuthorizationType as string | undefined) ?? 'NONE',
  ]),
);

/** The security scheme of every documented operation (`none` when open), by route key. */
const documented = Object.fromEntries(
  Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { security?: Record<string, unknown>[] }>).map(([method, operation]) => [
      `${method.toUpperCase()} ${path}`,
      Object.keys(operation.security?.[0] ?? {})[0] ?? 'none',
    ]),
  ),
);

jest.setTimeout(120_000);

describe('infra: the OpenAPI document against the synthesized API', () => {
  it('documents exactly the route keys of the template', () => {
    expect(Object.keys(documented).sort()).toEqual(Object.keys(deployed).sort());
  });

  it('documents the security each route is deployed with: JWT, IAM (SigV4) or none', () => {
    const expected = { JWT: SECURITY.user, AWS_IAM: SECURITY.admin, NONE: 'none' } as Record<string, string>;
    for (const [key, authorizationType] of Object.entries(deployed)) {
      // IAM serves two tiers: the checkout routes document their own scheme (grantCheckout), the others the admin's.
      const scheme = key.includes(' /v1/checkout/') ? SECURITY.checkout : expected[authorizationType];
      if (key.includes(' /v1/checkout/')) expect(authorizationType).toBe('AWS_IAM');
      expect([key, documented[key]]).toEqual([key, scheme]);
    }
  });
});
