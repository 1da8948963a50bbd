import { ENV } from '../../../src/contract/names';

describe('runtime: powertools', () => {
  it('tags every metric with the service and the construct instance that emitted it', () => {
    // Prepare
    process.env[ENV.METRICS_INSTANCE] = 'Shop/Coupons';
    process.env.POWERTOOLS_SERVICE_NAME = 'replay-and-reconcile';
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const log = jest.spyOn(console, 'log').mockImplementation((...args) => {
      lines.push(args.map(String).join(' '));
    });
    try {
      jest.isolateModules(() => {
        const { metrics } = require('../../../src/functions/runtime/powertools');
        // Act
        metrics.addMetric('InvariantViolations', 'Count', 0);
        metrics.publishStoredMetrics();
      });
    } finally {
      write.mockRestore();
      log.mockRestore();
      delete process.env[ENV.METRICS_INSTANCE];
    }
    // Assess
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws);
    expect(emf).toMatchObject({ service: 'replay-and-reconcile', instance: 'Shop/Coupons', InvariantViolations: 0 });
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'FcfsCoupon',
      Dimensions: [expect.arrayContaining(['service', 'instance'])],
    });
  });
});
