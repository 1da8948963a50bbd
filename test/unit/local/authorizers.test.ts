import type * as http from 'node:http';
import { generateKeyPair, SignJWT } from 'jose';
import { LocalApiClient } from '../../../tools/local/api-client';
import { generateAdminCredentials, LocalIamAuthorizer, LocalIssuer } from '../../../tools/local/authorizers';

// The local cloud's stand-ins for API Gateway's JWT authorizer and IAM authorization: they must refuse what AWS
// refuses, or local runs would pass requests a deployment rejects.

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_local';
const AUDIENCE = ['local-app-client'];

describe('local JWT authorizer', () => {
  let issuer: LocalIssuer;
  const expected = { issuer: ISSUER, audience: AUDIENCE };
  beforeAll(async () => {
    issuer = await LocalIssuer.create(ISSUER, AUDIENCE);
  });

  it('accepts a token it minted and passes its claims as strings, as the 2.0 payload does', async () => {
    const { token } = await issuer.mint({ sub: 'alice', claims: { groups: ['a', 'b'] } });
    const result = await issuer.authorize(`Bearer ${token}`, expected);
    expect(result).toMatchObject({
      ok: true,
      authorizer: { jwt: { claims: { sub: 'alice', iss: ISSUER, aud: AUDIENCE[0], groups: '[a b]' } } },
    });
    const claims = (result as unknown as { authorizer: { jwt: { claims: Record<string, unknown> } } }).authorizer.jwt
      .claims;
    expect(Object.values(claims).every((v) => typeof v === 'string')).toBe(true);
    // Without the Bearer prefix too, as API Gateway accepts.
    expect((await issuer.authorize(token, expected)).ok).toBe(true);
  });

  it('accepts a Cognito access token: no aud, the audience in client_id', async () => {
    const { token } = await issuer.mint({
      sub: 'alice',
      claims: { aud: undefined, client_id: AUDIENCE[0], token_use: 'access' },
    });
    expect((await issuer.authorize(`Bearer ${token}`, expected)).ok).toBe(true);
  });

  it('refuses missing, forged, expired, wrong-audience, wrong-issuer and unsigned tokens with 401', async () => {
    const refused = async (authorization: string | undefined, why?: RegExp) => {
      const result = await issuer.authorize(authorization, expected);
      expect(result).toMatchObject({ ok: false, status: 401, body: { message: 'Unauthorized' } });
      if (why && !result.ok) expect(result.headers?.['www-authenticate']).toMatch(why);
    };
    await refused(undefined);
    await refused('');
    // Forged: the right claims and kid, signed by another key.
    const { privateKey } = await generateKeyPair('RS256');
    const kid = issuer.jwks().keys[0]?.kid;
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ sub: 'alice', aud: AUDIENCE[0], iss: ISSUER, iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(privateKey);
    await refused(`Bearer ${forged}`, /could not be verified/);
    await refused(`Bearer ${(await issuer.mint({ sub: 'alice', expiresInSeconds: -60 })).token}`, /expired/);
    await refused(`Bearer ${(await issuer.mint({ sub: 'alice', claims: { aud: 'another-app' } })).token}`, /audience/);
    await refused(
      `Bearer ${(await issuer.mint({ sub: 'alice', claims: { iss: 'https://evil.example.com/' } })).token}`,
      /iss/,
    );
    await refused(`Bearer ${(await issuer.mint({ sub: 'alice', claims: { iat: now + 3600 } })).token}`, /future/);
    // alg none: header.payload with an empty signature.
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    await refused(
      `Bearer ${b64({ alg: 'none' })}.${b64({ sub: 'alice', aud: AUDIENCE[0], iss: ISSUER, exp: now + 600 })}.`,
    );
    // A token tampered after signing (sub swapped).
    const good = (await issuer.mint({ sub: 'alice' })).token.split('.');
    const payload = JSON.parse(Buffer.from(good[1] as string, 'base64url').toString()) as Record<string, unknown>;
    await refused(`Bearer ${good[0]}.${b64({ ...payload, sub: 'bob' })}.${good[2]}`);
  });
});

describe('local IAM authorizer (SigV4)', () => {
  const credentials = generateAdminCredentials();
  const authorizer = new LocalIamAuthorizer(credentials);
  const api = 'http://127.0.0.1:3000';
  const client = new LocalApiClient({ apiUrl: api, adminCredentials: credentials, auth: { mode: 'jwt' } });

  /** Authorizes a request as the local HTTP API receives it. */
  const authorize = (method: string, url: string, headers: Record<string, string>, body = '') =>
    authorizer.authorize(
      { method, headers: { host: '127.0.0.1:3000', ...headers } } as unknown as http.IncomingMessage,
      new URL(url),
      Buffer.from(body),
    );

  it('accepts a request signed with the local admin credentials and names the IAM principal', async () => {
    const body = JSON.stringify({ name: 'Acme', currency: 'KRW' });
    const url = `${api}/v1/admin/vendors`;
    const signed = await client.adminHeaders('POST', url, body);
    const result = await authorize('POST', url, { ...signed, 'content-type': 'application/json' }, body);
    expect(result).toMatchObject({
      ok: true,
      authorizer: { iam: { userArn: expect.stringContaining(':user/local-admin') } },
    });
    const query = `${api}/v1/admin/campaigns?limit=5&cursor=abc`;
    expect((await authorize('GET', query, await client.adminHeaders('GET', query))).ok).toBe(true);
  });

  it("accepts only its own principal: the checkout's authorizer refuses the admin's signature, and names its user", async () => {
    const checkoutCredentials = generateAdminCredentials();
    const checkout = new LocalIamAuthorizer(checkoutCredentials, 'local-checkout');
    const url = `${api}/v1/checkout/quotes`;
    const body = JSON.stringify({ userId: 'u1', couponId: 'c1', orderAmount: 1, currency: 'KRW' });
    const request = (headers: Record<string, string>) =>
      checkout.authorize(
        { method: 'POST', headers: { host: '127.0.0.1:3000', ...headers } } as unknown as http.IncomingMessage,
        new URL(url),
        Buffer.from(body),
      );
    expect(await request(await client.adminHeaders('POST', url, body))).toMatchObject({ ok: false, status: 403 });
    const own = await client.adminHeaders('POST', url, body, checkoutCredentials);
    expect(await request(own)).toMatchObject({
      ok: true,
      authorizer: { iam: { userArn: expect.stringContaining(':user/local-checkout') } },
    });
  });

  it('refuses unsigned, wrongly signed, tampered and stale requests with 403', async () => {
    const url = `${api}/v1/admin/campaigns?limit=5`;
    const refused = async (result: Promise<unknown>, message: RegExp) =>
      expect(await result).toMatchObject({ ok: false, status: 403, body: { message: expect.stringMatching(message) } });
    await refused(authorize('GET', url, {}), /^Forbidden$/);
    const signed = await client.adminHeaders('GET', url);
    // Another path, another query, another method: the signature no longer matches.
    await refused(authorize('GET', `${api}/v1/admin/campaigns?limit=6`, signed), /signature/);
    await refused(authorize('GET', `${api}/v1/admin/vendors/x`, signed), /signature/);
    await refused(authorize('DELETE', url, signed), /signature/);
    const post = await client.adminHeaders('POST', `${api}/v1/admin/vendors`, '{"name":"A"}');
    await refused(
      authorize('POST', `${api}/v1/admin/vendors`, { ...post, 'content-type': 'application/json' }, '{"name":"B"}'),
      /signature/,
    );
    // Signed with the wrong secret, or by another access key.
    const stranger = new LocalApiClient({
      apiUrl: api,
      adminCredentials: { ...credentials, secretAccessKey: 'not-the-secret' },
      auth: { mode: 'jwt' },
    });
    await refused(authorize('GET', url, await stranger.adminHeaders('GET', url)), /signature/);
    const other = generateAdminCredentials();
    const otherClient = new LocalApiClient({ apiUrl: api, adminCredentials: other, auth: { mode: 'jwt' } });
    await refused(authorize('GET', url, await otherClient.adminHeaders('GET', url)), /security token/);
    // Replayed ten minutes later.
    jest.useFakeTimers({ now: Date.now() - 10 * 60_000, doNotFake: ['nextTick', 'setImmediate'] });
    const old = await client.adminHeaders('GET', url);
    jest.useRealTimers();
    await refused(authorize('GET', url, old), /expired/);
  });
});
