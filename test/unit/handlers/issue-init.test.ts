import { ENV } from '../../../src/contract/names';

// The issue function's INIT step (src/functions/handlers/issue-coupon.ts init) over a composition root whose every
// adapter fails like an unreachable backend, counting each backend call.
const mockBackendError = jest.fn(() => Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { name: 'X' }));
jest.mock('../../../src/functions/runtime/composition-root', () =>
  jest
    .requireActual<typeof import('../../support/failing-backend')>('../../support/failing-backend')
    .failingAdapters(jest.requireActual('../../../src/functions/runtime/composition-root'), mockBackendError),
);

describe('handler: issue-coupon INIT', () => {
  let init: () => Promise<void>;
  let warn: jest.SpyInstance;

  beforeAll(() => {
    Object.assign(process.env, {
      [ENV.CAMPAIGN_TABLE]: 'campaigns',
      [ENV.ADMISSION_TABLE]: 'admissions',
      [ENV.ISSUE_QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/issue',
      [ENV.ADMISSION_MODE]: 'dynamodb',
      [ENV.AUTH_MODE]: 'jwt',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    init = require('../../../src/functions/handlers/issue-coupon').init;
    const { logger } =
      require('../../../src/functions/runtime/powertools') as typeof import('../../../src/functions/runtime/powertools');
    warn = jest.spyOn(logger, 'warn');
  });
  beforeEach(() => {
    mockBackendError.mockClear();
    warn.mockClear();
  });
  afterAll(() => {
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  });

  it('does nothing in an on-demand environment, whose INIT a request is waiting for', async () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    await init();
    expect(mockBackendError).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it('warms up a provisioned environment and survives every backend failing', async () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'provisioned-concurrency';
    await expect(init()).resolves.toBeUndefined();
    // The campaign scan, the admission store and the queue were each tried once, and each failure logged.
    expect(mockBackendError).toHaveBeenCalledTimes(3);
    for (const step of ['campaigns', 'admissions', 'queue']) {
      expect(warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ step }));
    }
  });
});
