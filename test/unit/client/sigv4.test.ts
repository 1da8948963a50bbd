import type * as http from 'node:http';
import { signatureHeaders, signRequest } from '../../../src/client';
import { generateAdminCredentials, LocalIamAuthorizer } from '../../../tools/local/authorizers';
import { executeApiSigner, signableRequest } from '../../../tools/local/sigv4';

// The client signs with aws4fetch; the AWS SDK's signer (@smithy/signature-v4) is the reference it must agree
// with, on the parts of the canonical request a hand-written signer gets wrong: the order of query parameters
// (sorted by encoded name, then by value, repeated names included), their encoding, the path and the body.

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const region = 'eu-west-1';
const datetime = '20260501T040002Z';

/** The Authorization header the AWS SDK's signer computes for the same request, signing `host` and the date. */
async function reference(method: string, url: string, body?: string, sessionToken?: string): Promise<string> {
  const signer = executeApiSigner({
    ...credentials,
    ...(sessionToken ? { sessionToken } : {}),
    region,
    service: 'execute-api',
  });
  const target = new URL(url);
  const signed = await signer.sign(signableRequest(method, target, { host: target.host }, body), {
    signingDate: new Date(Date.UTC(2026, 4, 1, 4, 0, 2)),
  });
  return String(signed.headers.authorization);
}

describe('client: SigV4 signature (aws4fetch) against the AWS SDK signer', () => {
  it.each([
    ['no query', 'GET', 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/admin/campaigns'],
    [
      'unsorted and repeated parameters',
      'GET',
      'https://abc.execute-api.eu-west-1.amazonaws.com/v1/admin/failed-events?status=PARKED&campaignId=c-1&limit=5&a=2&a=10&a=1&Z=0',
    ],
    [
      'parameters that need encoding',
      'GET',
      "https://abc.execute-api.eu-west-1.amazonaws.com/v1/admin/campaigns?cursor=eyJ+a%2Fb%3D%3D&name=a%20b*!'()~&empty=",
    ],
    [
      'a stage and an encoded path segment',
      'GET',
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1/admin/vendors/a%40b',
    ],
  ])('signs a request with %s exactly as the AWS SDK does', async (_name, method, url) => {
    // Prepare
    const expected = await reference(method, url);

    // Act
    const signed = await signatureHeaders(credentials, region, { method, url }, datetime);

    // Assess
    expect(signed.authorization).toBe(expected);
    expect(signed['x-amz-date']).toBe(datetime);
  });

  it('covers the body and the session token as the AWS SDK does', async () => {
    // Prepare
    const url = 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/admin/vendors';
    const body = JSON.stringify({ vendorId: 'acme', name: 'Acme', currency: 'KRW' });
    const expected = await reference('POST', url, body, 'session-token');

    // Act
    const signed = await signatureHeaders(
      { ...credentials, sessionToken: 'session-token' },
      region,
      { method: 'POST', url, headers: { 'content-type': 'application/json' }, body },
      datetime,
    );

    // Assess
    expect(signed.authorization).toBe(expected);
    expect(signed.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
    expect(signed['x-amz-security-token']).toBe('session-token');
  });

  it("signs a request the local cloud's IAM authorizer accepts, query and body included", async () => {
    // Prepare
    const local = generateAdminCredentials();
    const authorizer = new LocalIamAuthorizer(local);
    const body = '{"name":"Acme"}';
    const request = new Request('http://127.0.0.1:3000/v1/admin/campaigns?limit=5&cursor=x%2By&a=2&a=1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

    // Act
    const signed = await signRequest(local, local.region, request);

    // Assess
    const headers = { host: '127.0.0.1:3000', ...Object.fromEntries(signed.headers) };
    const result = await authorizer.authorize(
      { method: 'POST', headers } as unknown as http.IncomingMessage,
      new URL(signed.url),
      Buffer.from(body),
    );
    expect(result.ok).toBe(true);
    expect(await signed.text()).toBe(body);
  });
});
