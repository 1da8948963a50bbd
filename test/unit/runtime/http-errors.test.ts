import * as z from 'zod/mini';
import { PROBLEM_TITLES } from '../../../src/contract/problems';
import * as errorClasses from '../../../src/functions/domain/kernel/errors';
import { AlreadyIssuedError, InvalidRequestError, SoldOutError } from '../../../src/functions/domain/kernel/errors';
import { httpErrors, parseJsonBody } from '../../../src/functions/runtime/http';
import { UNAVAILABLE_PROBLEM } from '../../support/fixtures';

async function answer(error: unknown) {
  const request = { error, response: undefined } as unknown as Parameters<
    NonNullable<ReturnType<typeof httpErrors>['onError']>
  >[0];
  await httpErrors().onError?.(request);
  const response = request.response as { statusCode: number; headers: Record<string, string>; body: string };
  return {
    status: response.statusCode,
    contentType: response.headers['content-type'],
    body: JSON.parse(response.body) as Record<string, unknown>,
  };
}

/** The error parseJsonBody throws for `body`, answered by the edge. */
async function answerToBody(body: unknown, schema: z.ZodMiniType) {
  const event = { body: JSON.stringify(body) } as Parameters<typeof parseJsonBody>[0];
  try {
    parseJsonBody(event, schema);
  } catch (error) {
    return answer(error);
  }
  throw new Error('the body was accepted');
}

const UNAVAILABLE = UNAVAILABLE_PROBLEM;

describe('edge: httpErrors', () => {
  it('answers a domain error with an RFC 9457 problem: type, title, status, detail, and code and message', async () => {
    expect(await answer(new SoldOutError('c1', '2026-05-01'))).toEqual({
      status: 409,
      contentType: 'application/problem+json',
      body: {
        type: 'tag:fcfs-coupon,2026:problems/sold-out',
        title: 'Sold out',
        status: 409,
        detail: "The daily quota of campaign 'c1' for 2026-05-01 is used up",
        code: 'SOLD_OUT',
        message: "The daily quota of campaign 'c1' for 2026-05-01 is used up",
        errors: [],
      },
    });
  });

  it("keeps an error's details as members of its problem", async () => {
    const { body } = await answer(new AlreadyIssuedError(3, 'c'.repeat(32), '2026-05-01'));
    expect(body).toMatchObject({
      type: 'tag:fcfs-coupon,2026:problems/already-issued',
      code: 'ALREADY_ISSUED',
      rank: 3,
      couponId: 'c'.repeat(32),
      issueDate: '2026-05-01',
    });
  });

  it('lists each field error of a bad request in errors', async () => {
    const error = new InvalidRequestError('invalid query: limit must be an integer from 1 to 100', {
      errors: [{ path: 'limit', message: 'must be an integer from 1 to 100' }],
    });
    expect(await answer(error)).toEqual({
      status: 400,
      contentType: 'application/problem+json',
      body: {
        type: 'tag:fcfs-coupon,2026:problems/invalid-request',
        title: 'Invalid request',
        status: 400,
        detail: 'invalid query: limit must be an integer from 1 to 100',
        code: 'INVALID_REQUEST',
        message: 'invalid query: limit must be an integer from 1 to 100',
        errors: [{ path: 'limit', message: 'must be an integer from 1 to 100' }],
      },
    });
  });

  it('answers a body missing several fields with one error per field, each with its path', async () => {
    const schema = z.strictObject({
      name: z.string(),
      dailyQuota: z.int(),
      window: z.object({ open: z.string(), close: z.string() }),
    });
    const { status, contentType, body } = await answerToBody({ window: { open: '09:00' }, admin: true }, schema);
    expect({ status, contentType }).toEqual({ status: 400, contentType: 'application/problem+json' });
    expect(body.errors).toEqual([
      { path: 'name', message: 'Invalid input: expected string, received undefined' },
      { path: 'dailyQuota', message: 'Invalid input: expected number, received undefined' },
      { path: 'window.close', message: 'Invalid input: expected string, received undefined' },
      { path: 'admin', message: 'Unrecognized key: "admin"' },
    ]);
    expect(body.detail).toBe('invalid request body: 4 invalid fields: name, dailyQuota, window.close, admin');
    expect(body.message).toBe(body.detail);
  });

  it('answers a body with one invalid field with what is wrong with it in the detail', async () => {
    const { body } = await answerToBody({ dailyQuota: 1.5 }, z.object({ dailyQuota: z.int('must be an integer') }));
    expect(body).toMatchObject({
      detail: 'invalid request body: dailyQuota: must be an integer',
      errors: [{ path: 'dailyQuota', message: 'must be an integer' }],
    });
  });

  it('answers a body that is not JSON with a problem without field errors', async () => {
    const event = { body: '{"name":' } as Parameters<typeof parseJsonBody>[0];
    let thrown: unknown;
    try {
      parseJsonBody(event, z.object({}));
    } catch (error) {
      thrown = error;
    }
    expect((await answer(thrown)).body).toMatchObject({
      status: 400,
      detail: 'request body is not valid JSON',
      errors: [],
    });
  });

  it("answers middy's early timeout as a retryable 503 problem, not a 500", async () => {
    const timeout = new Error('[AbortError]: The operation was aborted.', { cause: { package: '@middy/core' } });
    timeout.name = 'TimeoutError';
    expect(await answer(timeout)).toEqual({ status: 503, contentType: 'application/problem+json', body: UNAVAILABLE });
  });

  it('answers anything else, a backend failure, with a 503 problem that reveals nothing internal', async () => {
    const { status, body } = await answer(new Error('secret table name FcfsCoupon-CouponTable'));
    expect(status).toBe(503);
    expect(body).toEqual(UNAVAILABLE);
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('says when an admission could be neither confirmed nor voided: the same 503, its outcome unknown', async () => {
    const { status, body } = await answer(new errorClasses.AdmissionUnsettledError('no answer from the store'));
    expect(status).toBe(503);
    expect(body).toEqual({ ...UNAVAILABLE, outcome: 'UNKNOWN' });
    expect((await answer(new errorClasses.AdmissionVoidedError('voided'))).body).toEqual(UNAVAILABLE);
  });

  it('has a title for the code of every domain error', () => {
    const codes = Object.values(errorClasses)
      .filter((cls) => typeof cls === 'function' && cls.prototype instanceof errorClasses.DomainError)
      .map((cls) => new (cls as unknown as new () => errorClasses.DomainError)().code);
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter((code) => PROBLEM_TITLES[code] === undefined)).toEqual([]);
  });
});
