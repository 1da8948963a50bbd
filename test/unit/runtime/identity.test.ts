import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ForbiddenError, InvalidRequestError, UnauthorizedError } from '../../../src/functions/domain/kernel/errors';
import { parseWith } from '../../../src/functions/runtime/http';
import { adminPrincipal, callerFields, callerUserId, requireIamCaller } from '../../../src/functions/runtime/identity';

/** An HTTP API 2.0 event with the given authorizer context. */
const event = (authorizer?: Record<string, unknown>): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /v1/campaigns/{campaignId}/issue',
    requestContext: { ...(authorizer ? { authorizer } : {}), http: { method: 'POST' } },
  }) as unknown as APIGatewayProxyEventV2;
const withClaims = (claims: Record<string, string>) => event({ jwt: { claims, scopes: null } });

describe('identity: the caller of a user route', () => {
  const jwtBody = z.strictObject(callerFields('jwt'));
  const openBody = z.strictObject(callerFields('none'));

  it("is the verified token's sub with authentication on, whatever the request says", () => {
    const { userId } = callerUserId(withClaims({ sub: 'alice', aud: 'app' }), 'jwt', () =>
      parseWith(jwtBody, {}, 'request body'),
    );
    expect(userId).toBe('alice');
  });

  it('refuses a userId in the request with authentication on (400 saying why), so nobody acts for another', () => {
    const impersonate = () =>
      callerUserId(withClaims({ sub: 'mallory' }), 'jwt', () =>
        parseWith(jwtBody, { userId: 'alice' }, 'request body'),
      );
    expect(impersonate).toThrow(InvalidRequestError);
    expect(impersonate).toThrow(/userId.*is not accepted|is not accepted.*userId/);
  });

  it('answers 401 without verified claims (a route deployed without its authorizer serves nobody)', () => {
    const requested = jest.fn(() => ({}));
    expect(() => callerUserId(event(), 'jwt', requested)).toThrow(UnauthorizedError);
    expect(() => callerUserId(event({ jwt: { claims: {} } }), 'jwt', requested)).toThrow(UnauthorizedError);
    // Authentication comes first: the request is not even parsed.
    expect(requested).not.toHaveBeenCalled();
  });

  it('answers 403 for a sub that cannot be a user id', () => {
    for (const sub of ['', 'has space', 'x'.repeat(129), 'tab\there']) {
      expect(() => callerUserId(withClaims({ sub }), 'jwt', () => ({}))).toThrow(ForbiddenError);
    }
    expect(callerUserId(withClaims({ sub: 'auth0|5f7c8ec7c33c6c004bbafe82' }), 'jwt', () => ({})).userId).toBe(
      'auth0|5f7c8ec7c33c6c004bbafe82',
    );
  });

  it('is the request userId in open mode (auth=none), required and validated there', () => {
    expect(callerUserId(event(), 'none', () => parseWith(openBody, { userId: 'bob' }, 'request body')).userId).toBe(
      'bob',
    );
    expect(() => callerUserId(event(), 'none', () => parseWith(openBody, {}, 'request body'))).toThrow(
      InvalidRequestError,
    );
    // Claims do not matter in open mode: there is no authorizer to have set them.
    expect(callerUserId(withClaims({ sub: 'alice' }), 'none', () => ({ userId: 'bob' })).userId).toBe('bob');
  });
});

describe('identity: the caller of an admin route', () => {
  const iam = { iam: { userArn: 'arn:aws:iam::123456789012:user/ops', accessKey: 'AKIAEXAMPLE' } };

  it('is the IAM principal API Gateway verified', () => {
    expect(adminPrincipal(event(iam))).toBe('arn:aws:iam::123456789012:user/ops');
  });

  it('is refused with 403 when the request carries no IAM caller, even a valid user token', async () => {
    expect(() => adminPrincipal(event())).toThrow(ForbiddenError);
    expect(() => adminPrincipal(withClaims({ sub: 'alice' }))).toThrow(ForbiddenError);
    const admit = requireIamCaller().before as (request: { event: APIGatewayProxyEventV2 }) => Promise<void>;
    await expect(admit({ event: withClaims({ sub: 'alice' }) })).rejects.toThrow(ForbiddenError);
    await expect(admit({ event: event(iam) })).resolves.toBeUndefined();
  });
});
