import type { WebConfig } from '../../../src/web/config';
import { adminClient, userClient } from '../../../src/web/shared/api';
import { generateAdminCredentials, LocalIamAuthorizer } from '../../../tools/local/authorizers';
import { bufferedServer, type LocalListener, listenLocal, sendJson } from '../../../tools/local/http-server';
import { springSaleDefinition } from '../../support/fixtures';

// The pages' auth middleware, run in Node (fetch, Request and WebCrypto as in the browser): the console's SigV4
// signing (aws4fetch) must be what the local cloud's IAM check, like API Gateway's, recomputes.
describe('web pages: the API client middleware', () => {
  const credentials = generateAdminCredentials();
  const iam = new LocalIamAuthorizer(credentials);
  let server: LocalListener;
  const seen: { verdict: boolean; url: string; body: string }[] = [];

  beforeAll(async () => {
    server = await listenLocal(
      bufferedServer(async (req, body, res) => {
        const url = new URL(req.url ?? '/', 'http://local');
        const verdict = await iam.authorize(req, url, body);
        seen.push({ verdict: verdict.ok, url: url.pathname + url.search, body: body.toString('utf8') });
        sendJson(res, verdict.ok ? 200 : 403, verdict.ok ? { items: [] } : verdict.body);
      }),
    );
  });
  afterAll(() => server?.close());
  /** The config the local cloud serves the pages, for this stand-in API (`auth` its user sign-in). */
  const config = (userAuth: WebConfig['userAuth'] = { kind: 'none' }): WebConfig => ({
    apiUrl: server.url,
    countUrl: server.url,
    region: credentials.region,
    userAuth,
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('signs a typed admin call with a query and a JSON body so that the IAM check accepts it', async () => {
    const admin = adminClient(config(), credentials);
    const dryRun = await admin.POST('/v1/admin/campaigns', {
      params: { query: { dryRun: 'true' } },
      body: springSaleDefinition,
    });
    const list = await admin.GET('/v1/admin/failed-events', {
      params: { query: { campaignId: 'a b', status: 'PARKED' } },
    });
    expect([dryRun.response.status, list.response.status]).toEqual([200, 200]);
    expect(seen.map((s) => s.verdict)).toEqual([true, true]);
    expect(JSON.parse(seen[0]?.body ?? '{}')).toMatchObject({ vendorId: 'acme' });
  });

  it('is refused with another secret: the check is not a formality', async () => {
    const forged = adminClient(config(), { ...credentials, secretAccessKey: 'not-the-secret' });
    const { response } = await forged.GET('/v1/admin/campaigns', {});
    expect(response.status).toBe(403);
  });

  it('names the visitor in open mode: userId in the JSON body of a POST and in the query of a GET', async () => {
    const user = userClient(config(), server.url, () => 'alice');
    await user.POST('/v1/campaigns/{campaignId}/issue', { params: { path: { campaignId: 'drop' } }, body: {} });
    await user.GET('/v1/users/me/coupons', { params: { query: { limit: '10' } } });
    expect(seen.map(({ url, body }) => ({ url, body: body ? JSON.parse(body) : undefined }))).toEqual([
      { url: '/v1/campaigns/drop/issue', body: { userId: 'alice' } },
      { url: '/v1/users/me/coupons?limit=10&userId=alice', body: undefined },
    ]);
  });
});
