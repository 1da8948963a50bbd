import { SoldOutError } from '../../../src/functions/domain/kernel/errors';
import { httpErrors } from '../../../src/functions/runtime/http';

async function answer(error: unknown) {
  const request = { error, response: undefined } as unknown as Parameters<
    NonNullable<ReturnType<typeof httpErrors>['onError']>
  >[0];
  await httpErrors().onError?.(request);
  const response = request.response as { statusCode: number; body: string };
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
}

describe('edge: httpErrors', () => {
  it('answers a domain error with its status, code and message', async () => {
    expect(await answer(new SoldOutError('c1', '2026-05-01'))).toMatchObject({
      status: 409,
      body: { code: 'SOLD_OUT', message: expect.stringContaining('c1') },
    });
  });

  it("answers middy's early timeout as a retryable 503, not a 500", async () => {
    const timeout = new Error('[AbortError]: The operation was aborted.', { cause: { package: '@middy/core' } });
    timeout.name = 'TimeoutError';
    expect(await answer(timeout)).toEqual({
      status: 503,
      body: { code: 'UNAVAILABLE', message: 'The service is temporarily unavailable; please retry' },
    });
  });

  it('answers anything else, a backend failure, with a 503 that reveals nothing internal', async () => {
    const { status, body } = await answer(new Error('secret table name FcfsCoupon-CouponTable'));
    expect(status).toBe(503);
    expect(body).toEqual({ code: 'UNAVAILABLE', message: 'The service is temporarily unavailable; please retry' });
    expect(JSON.stringify(body)).not.toContain('secret');
  });
});
