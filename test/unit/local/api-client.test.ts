import * as http from 'node:http';
import { LocalApiClient } from '../../../tools/local/api-client';
import { generateAdminCredentials } from '../../../tools/local/authorizers';
import { type LocalListener, listenLocal, sendJson } from '../../../tools/local/http-server';
import { ContractViolationError } from '../../../tools/local/response-check';

const COUNT = {
  issueDate: '2026-05-01',
  quota: 100,
  admitted: 3,
  persisted: 2,
  remaining: 97,
  state: 'OPEN',
  asOf: '2026-05-01T04:00:02.000Z',
};

// A stand-in API: `good` answers the count as documented, `leaky` with a field the contract lacks, `teapot` with
// a status it does not list; a signed admin read echoes whether it was signed.
describe('LocalApiClient: every response checked against the OpenAPI document', () => {
  let server: LocalListener;
  const seen: http.IncomingHttpHeaders[] = [];
  const client = () =>
    new LocalApiClient(
      { apiUrl: server.url, adminCredentials: generateAdminCredentials(), auth: { mode: 'none' } },
      { checkResponses: true },
    );

  beforeAll(async () => {
    server = await listenLocal(
      http.createServer((req, res) => {
        seen.push(req.headers);
        if (req.url === '/v1/campaigns/good/count') return sendJson(res, 200, COUNT);
        if (req.url === '/v1/campaigns/leaky/count') return sendJson(res, 200, { ...COUNT, internalKey: 'x' });
        if (req.url === '/v1/campaigns/teapot/count') return sendJson(res, 418, { message: 'teapot' });
        if (req.url === '/v1/admin/vendors/acme') {
          const signed = `signed: ${Boolean(req.headers.authorization)}`;
          const problem = {
            type: 'tag:fcfs-coupon,2026:problems/vendor-not-found',
            title: 'Vendor not found',
            status: 404,
            detail: signed,
            code: 'VENDOR_NOT_FOUND',
            message: signed,
            errors: [],
          };
          return sendJson(res, 404, problem, 'application/problem+json');
        }
        sendJson(res, 404, { message: 'Not Found' });
      }),
    );
  });
  afterAll(() => server.close());

  const count = (campaignId: string) =>
    client().api.GET('/v1/campaigns/{campaignId}/count', { params: { path: { campaignId } } });

  it('returns a documented response through the typed client, typed', async () => {
    const { data } = await count('good');
    expect(data?.remaining).toBe(97);
  });

  it('throws for a field the contract lacks and for an undocumented status, through the typed client and fetch', async () => {
    await expect(count('leaky')).rejects.toThrow(ContractViolationError);
    await expect(count('leaky')).rejects.toThrow(/internalKey/);
    await expect(count('teapot')).rejects.toThrow(/418: status not documented/);
    await expect(client().fetch('/v1/campaigns/leaky/count')).rejects.toThrow(ContractViolationError);
  });

  it("signs the admin client's requests with SigV4", async () => {
    const { error } = await client().admin.GET('/v1/admin/vendors/{vendorId}', {
      params: { path: { vendorId: 'acme' } },
    });
    expect(error).toMatchObject({ code: 'VENDOR_NOT_FOUND', message: 'signed: true' });
    expect(seen.at(-1)?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=.*\/execute-api\/aws4_request/);
  });

  it('checks nothing when checkResponses is off (benchmarks)', async () => {
    const unchecked = new LocalApiClient({
      apiUrl: server.url,
      adminCredentials: generateAdminCredentials(),
      auth: { mode: 'none' },
    });
    const { data } = await unchecked.api.GET('/v1/campaigns/{campaignId}/count', {
      params: { path: { campaignId: 'leaky' } },
    });
    expect(data).toMatchObject({ internalKey: 'x' });
  });
});
