import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { API_CONTRACT } from '../../../src/contract/api-contract';
import { ROUTES } from '../../../src/contract/routes';
import {
  AdmissionExpiredError,
  AlreadyIssuedError,
  AlreadyRedeemedError,
  CouponExpiredError,
  CouponNotApplicableError,
  type DomainError,
  IdempotencyConflictError,
  ProofInvalidError,
  ProofRequiredError,
  UnavailableError,
} from '../../../src/functions/domain/kernel/errors';
import { httpErrors } from '../../../src/functions/runtime/http';
import { ResponseChecker } from '../../../tools/local/response-check';
import { thrownErrorsByOperation } from '../../support/thrown-errors';

jest.setTimeout(120_000);

const handlers = path.resolve(__dirname, '..', '..', '..', 'src', 'functions', 'handlers');
const thrown = thrownErrorsByOperation(
  readdirSync(handlers)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(handlers, f)),
);

/**
 * Errors the document adds to every route (the edge's 503, and the issue path's kinds of it, answered with the same
 * status and code), so the contract table need not list them.
 */
const EVERY_ROUTE = new Set(['UnavailableError', 'AdmissionVoidedError', 'AdmissionUnsettledError']);

describe('contract: the documented errors of each operation are the ones its handler can throw', () => {
  it.each(ROUTES.map((r) => [r.operation, r] as const))('%s', (operation) => {
    const documented = API_CONTRACT[operation].errors.map((e) => e.name).filter((n) => !EVERY_ROUTE.has(n));
    const derived = [...(thrown.get(operation) ?? [])].filter((n) => !EVERY_ROUTE.has(n));
    expect(thrown.has(operation)).toBe(true);
    expect([...new Set(documented)].sort()).toEqual(derived.sort());
  });
});

/** A signed proof-of-work challenge's shape (src/contract/proof-of-work.ts). */
const CHALLENGE = {
  parameters: {
    algorithm: 'SCRYPT',
    nonce: '00'.repeat(16),
    salt: '11'.repeat(16),
    cost: 1024,
    memoryCost: 8,
    parallelism: 1,
    keyLength: 32,
    keyPrefix: '22'.repeat(16),
    keySignature: '33'.repeat(32),
    data: { campaignId: 'c1', issueDate: '2026-05-01', userId: 'alice', expiresAt: 1_777_608_600 },
  },
  signature: '44'.repeat(32),
};

/** An instance of each error with details (the others need no constructor arguments to be answered). */
const SAMPLES = new Map<unknown, DomainError>([
  [AlreadyIssuedError, new AlreadyIssuedError(3, 'c'.repeat(32), '2026-05-01')],
  [CouponExpiredError, new CouponExpiredError('c1', '2026-05-01T00:00:00.000Z')],
  [AlreadyRedeemedError, new AlreadyRedeemedError('c1', 'order-1')],
  [IdempotencyConflictError, new IdempotencyConflictError('order-1', 'acme.b3JkZXItMQ')],
  [
    CouponNotApplicableError,
    new CouponNotApplicableError('c1', [{ code: 'CURRENCY_MISMATCH', message: 'the order is in USD' }]),
  ],
  [AdmissionExpiredError, new AdmissionExpiredError('expired', '2026-05-01T00:00:00.000Z')],
  [ProofRequiredError, new ProofRequiredError(CHALLENGE, '2026-05-01', new Date('2026-05-01T04:00:00Z'))],
  [ProofInvalidError, new ProofInvalidError('OTHER_BINDING', CHALLENGE, '2026-05-01')],
]);

describe('contract: the problem the edge answers for each documented error is the documented one', () => {
  const checker = new ResponseChecker();

  it.each(ROUTES.map((r) => [r.operation, r] as const))('%s', async (operation, route) => {
    const url = `https://api.example.com${route.path.replace(/\{\w+\}/g, 'x')}`;
    for (const cls of [...API_CONTRACT[operation].errors, UnavailableError]) {
      // Prepare
      const error = SAMPLES.get(cls) ?? new (cls as unknown as new () => DomainError)();

      // Act
      const response = await answer(error);

      // Assess
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(() =>
        checker.check(route.method, url, response.statusCode ?? 0, response.body ?? '', 'application/problem+json'),
      ).not.toThrow();
      expect(() => checker.check(route.method, url, response.statusCode ?? 0, response.body ?? '')).toThrow(
        /not documented|off the documented schema/,
      );
    }
  });

  it('documents API Gateway refusals as its own `{message}` in application/json', () => {
    const checker = new ResponseChecker();
    const url = 'https://api.example.com/v1/admin/campaigns';
    expect(() => checker.check('GET', url, 403, '{"message":"Forbidden"}', 'application/json')).not.toThrow();
    expect(() => checker.check('GET', url, 403, '{"message":"Forbidden"}', 'application/problem+json')).toThrow(
      /off the documented schema/,
    );
  });
});

/** The response the edge (src/functions/runtime/http.ts httpErrors) answers `error` with. */
async function answer(error: unknown): Promise<APIGatewayProxyStructuredResultV2> {
  const request = { error, response: undefined } as unknown as Parameters<
    NonNullable<ReturnType<typeof httpErrors>['onError']>
  >[0];
  await httpErrors().onError?.(request);
  return request.response as APIGatewayProxyStructuredResultV2;
}
