import type * as http from 'node:http';
import * as path from 'node:path';
import { generateAdminCredentials, LocalIamAuthorizer } from '../../../tools/local/authorizers';
import { ADMIN_EXIT, type AdminIo, runAdmin } from '../../../tools/ops/admin';

// `npm run admin` with a fake fetch that checks each request as the local cloud does (LocalIamAuthorizer, which
// recomputes the signature with the AWS SDK's signer) and answers a given status.

const API_URL = 'http://127.0.0.1:3000';

/** A fake process: files by base name, a fetch that records each request and answers `status` when the signature holds. */
function fakeIo(
  options: {
    status?: number;
    statusText?: string;
    body?: string;
    files?: Record<string, string>;
    env?: NodeJS.ProcessEnv;
  } = {},
) {
  const local = generateAdminCredentials();
  const authorizer = new LocalIamAuthorizer(local);
  const files: Record<string, string> = {
    'endpoints.json': JSON.stringify({ apiUrl: API_URL, adminCredentials: local }),
    ...options.files,
  };
  const requests: { url: string; method: string; headers: Record<string, string>; body: string | undefined }[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminIo = {
    env: options.env ?? {},
    readFile: (file) => {
      const content = files[path.basename(file)];
      if (content === undefined) throw new Error(`ENOENT: ${file}`);
      return content;
    },
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const headers = { host: url.host, ...(init?.headers as Record<string, string>) };
      const body = init?.body === undefined ? undefined : String(init.body);
      requests.push({ url: url.href, method: init?.method ?? 'GET', headers, body });
      const verdict = await authorizer.authorize(
        { method: init?.method, headers } as unknown as http.IncomingMessage,
        url,
        Buffer.from(body ?? ''),
      );
      return verdict.ok
        ? new Response(options.body ?? '{"items":[],"nextCursor":"c"}', {
            status: options.status ?? 200,
            statusText: options.statusText ?? 'OK',
          })
        : new Response(JSON.stringify(verdict.body), { status: 403, statusText: 'Forbidden' });
    },
  };
  return { io, requests, out, err };
}

describe('ops: npm run admin', () => {
  it('signs a query of several unsorted parameters so that the local cloud accepts it, and prints the answer', async () => {
    // Prepare
    const { io, requests, out, err } = fakeIo();

    // Act
    const code = await runAdmin(
      ['--endpoints', 'endpoints.json', 'get', '/v1/admin/failed-events?status=PARKED&limit=1&campaignId=c-1'],
      io,
    );

    // Assess
    expect({ code, err }).toEqual({ code: ADMIN_EXIT.ok, err: ['HTTP 200 OK'] });
    expect(requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: `${API_URL}/v1/admin/failed-events?status=PARKED&limit=1&campaignId=c-1`,
        body: undefined,
      }),
    ]);
    expect(requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIA\w+\/\d{8}\/us-east-1\//);
    expect(out).toEqual([JSON.stringify({ items: [], nextCursor: 'c' }, null, 2)]);
  });

  it('sends and signs the body of @file as JSON', async () => {
    // Prepare
    const vendor = '{"vendorId":"acme","name":"Acme","currency":"KRW"}\n';
    const { io, requests } = fakeIo({ status: 201, files: { 'vendor.json': vendor } });

    // Act
    const code = await runAdmin(['--endpoints', 'endpoints.json', 'POST', '/v1/admin/vendors', '@vendor.json'], io);

    // Assess
    expect(code).toBe(ADMIN_EXIT.ok);
    expect(requests[0]).toEqual(
      expect.objectContaining({
        method: 'POST',
        body: vendor,
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
      }),
    );
  });

  it('sends and signs the headers of -H, and prints a body that is not JSON as it came', async () => {
    // Prepare
    const { io, requests, out } = fakeIo({ body: 'rank,userId\n1,u1' });

    // Act
    const code = await runAdmin(
      [
        '--endpoints',
        'endpoints.json',
        '-H',
        'Accept: text/csv',
        'GET',
        '/v1/admin/campaigns/c/days/2026-05-01/winners?limit=1',
      ],
      io,
    );

    // Assess
    expect(code).toBe(ADMIN_EXIT.ok);
    expect(requests[0]?.headers).toEqual(expect.objectContaining({ accept: 'text/csv' }));
    expect(requests[0]?.headers.authorization).toContain('SignedHeaders=accept;host;x-amz-date,');
    expect(out).toEqual(['rank,userId\n1,u1']);
  });

  it('exits 1 on a 4xx or 5xx answer, printing its status line and body', async () => {
    // Prepare
    const { io, out, err } = fakeIo({ status: 404, statusText: 'Not Found' });

    // Act
    const code = await runAdmin(['--endpoints', 'endpoints.json', 'GET', '/v1/admin/campaigns/nope'], io);

    // Assess
    expect({ code, err, printed: out.length }).toEqual({
      code: ADMIN_EXIT.httpError,
      err: ['HTTP 404 Not Found'],
      printed: 1,
    });
  });

  it('signs for a deployed API with the environment credentials and the region of its URL', async () => {
    // Prepare
    const { io, requests } = fakeIo({
      env: { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' },
    });

    // Act
    const code = await runAdmin(
      ['--url', 'https://abc123.execute-api.eu-west-1.amazonaws.com/', 'GET', '/v1/admin/campaigns?limit=1'],
      io,
    );

    // Assess
    // The fake authorizer knows only the local admin: the deployed API's credentials are refused, as intended.
    expect(code).toBe(ADMIN_EXIT.httpError);
    expect(requests[0]?.url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/v1/admin/campaigns?limit=1');
    expect(requests[0]?.headers).toEqual(
      expect.objectContaining({
        authorization: expect.stringMatching(
          /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE\/\d{8}\/eu-west-1\/execute-api\//,
        ),
        'x-amz-security-token': 'token',
      }),
    );
  });

  it.each([
    ['no path', ['--endpoints', 'endpoints.json', 'GET'], /usage/],
    [
      'no local cloud',
      ['--endpoints', 'missing.json', 'GET', '/v1/admin/campaigns'],
      /no local cloud at .*missing\.json/,
    ],
    [
      'a deployed API without credentials',
      ['--url', 'https://api.example.com', 'GET', '/v1/admin/campaigns'],
      /AWS_ACCESS_KEY_ID/,
    ],
    ['a missing body file', ['--endpoints', 'endpoints.json', 'POST', '/v1/admin/vendors', '@nope.json'], /nope\.json/],
  ])('exits 2 without sending anything on %s', async (_name, argv, message) => {
    // Prepare
    const { io, requests, err } = fakeIo();

    // Act
    const code = await runAdmin(argv, io);

    // Assess
    expect({ code, sent: requests.length }).toEqual({ code: ADMIN_EXIT.noAnswer, sent: 0 });
    expect(err.join('\n')).toMatch(message);
  });
});
