import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { API_CONTRACT } from '../../../src/contract/api-contract';
import { openApiDocument } from '../../../src/contract/openapi/document';
import { REQUEST_EXAMPLES, RESPONSE_EXAMPLES } from '../../../src/contract/openapi/examples';
import { ROUTES, routeKey } from '../../../src/contract/routes';
import { projectRoot } from '../../../tools/local/emulators';
import { ContractViolationError, ResponseChecker } from '../../../tools/local/response-check';

jest.setTimeout(60_000);

const document = openApiDocument();
const documentedKeys = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
);

describe('contract: the OpenAPI document', () => {
  it('is the committed openapi.json (npm run openapi writes it)', () => {
    expect(readFileSync(path.join(projectRoot, 'openapi.json'), 'utf8')).toBe(`${JSON.stringify(document, null, 2)}\n`);
  });

  it('has up-to-date committed client types and document: `npm run openapi -- --check` passes', () => {
    // openapi-typescript ships ES modules jest cannot load, so the check runs as the script, in its own process.
    const check = spawnSync(
      process.execPath,
      [path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'tools/build/openapi.ts', '--check'],
      { cwd: projectRoot, encoding: 'utf8' },
    );
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('passes the OpenAPI 3.1 validation of @readme/openapi-parser with no errors', async () => {
    const result = await validate(structuredClone(document) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it('documents every route of the table once, with its operation id and security', () => {
    expect(documentedKeys.sort()).toEqual(ROUTES.map(routeKey).sort());
    for (const route of ROUTES) {
      const item = document.paths?.[route.path] as
        | Record<string, { operationId: string; security: unknown }>
        | undefined;
      const operation = item?.[route.method.toLowerCase()];
      expect(operation?.operationId).toBe(route.operation);
      const expected = {
        user: [{ userJwt: [] }],
        admin: [{ adminSigV4: [] }],
        checkout: [{ checkoutSigV4: [] }],
        public: [],
      }[route.authorization];
      expect(operation?.security).toEqual(expected);
    }
  });

  it("validates each README example against its operation's documented schema", () => {
    const checker = new ResponseChecker(document);
    for (const route of ROUTES) {
      const example = RESPONSE_EXAMPLES[route.operation];
      if (example === undefined) continue;
      const url = route.path.replace(/\{\w+\}/g, 'x');
      const item = document.paths?.[route.path] as Record<string, { responses: object }> | undefined;
      const responses = Object.entries(item?.[route.method.toLowerCase()]?.responses ?? {}) as [
        string,
        { content?: { 'application/json'?: { example?: unknown } } },
      ][];
      const statuses = responses.filter(([, r]) => r.content?.['application/json']?.example !== undefined);
      expect([route.operation, statuses.length]).toEqual([route.operation, 1]);
      const status = Number(statuses[0]?.[0]);
      expect(Object.keys(API_CONTRACT[route.operation].success)).toContain(String(status));
      expect(() => checker.check(route.method, url, status, JSON.stringify(example))).not.toThrow();
    }
    expect(Object.keys(REQUEST_EXAMPLES).length).toBeGreaterThan(0);
  });
});

describe('contract: ResponseChecker', () => {
  const checker = new ResponseChecker(document);
  const accepted = { code: 'ACCEPTED', rank: 1, couponId: 'c1', issueDate: '2026-05-01' };
  const issue = (status: number, body: unknown, contentType?: string) =>
    checker.check(
      'POST',
      'http://127.0.0.1:3000/v1/campaigns/spring-sale/issue',
      status,
      JSON.stringify(body),
      contentType,
    );
  const soldOut = {
    type: 'tag:fcfs-coupon,2026:problems/sold-out',
    title: 'Sold out',
    status: 409,
    detail: 'sold out',
    code: 'SOLD_OUT',
    message: 'sold out',
    errors: [],
  };
  const PROBLEM = 'application/problem+json';

  it('accepts a documented response', () => {
    expect(() => issue(202, accepted)).not.toThrow();
    expect(() => issue(409, soldOut, PROBLEM)).not.toThrow();
    expect(() => issue(401, { message: 'Unauthorized' })).not.toThrow();
    expect(() => issue(401, { ...soldOut, type: soldOut.type.replace('sold-out', 'unauthorized') }, PROBLEM)).toThrow(
      /off the documented schema/,
    );
  });

  it('refuses a field the contract lacks, a missing field, an undocumented status, code, media type or route', () => {
    expect(() => issue(202, { ...accepted, internal: 'x' })).toThrow(ContractViolationError);
    expect(() => issue(202, { code: 'ACCEPTED', rank: 1, issueDate: '2026-05-01' })).toThrow(/couponId/);
    expect(() => issue(200, accepted)).toThrow(/status not documented/);
    expect(() => issue(409, { ...soldOut, code: 'EXPIRED', expiresAt: '2026-05-01T00:00:00Z' }, PROBLEM)).toThrow(
      ContractViolationError,
    );
    expect(() => issue(409, { code: 'SOLD_OUT', message: 'sold out' }, PROBLEM)).toThrow(/type/);
    expect(() => issue(409, soldOut)).toThrow(/content type application\/json not documented/);
    expect(() => checker.check('DELETE', '/v1/admin/campaigns/x', 200, '{}')).toThrow(/no documented route/);
    expect(() => checker.check('DELETE', '/v1/admin/campaigns/x', 404, '{"message":"Not Found"}')).not.toThrow();
  });

  it("leaves the local cloud's own endpoints alone", () => {
    expect(() => checker.check('GET', '/_local/stats', 200, '{"calls":{}}')).not.toThrow();
  });
});
