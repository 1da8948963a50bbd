import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { COLD_START_GOALS } from '../../bench/cold-start';
import { HANDLERS } from '../../lambdas/contract/names';
import { FcfsCouponStack } from '../../lib/fcfs-coupon-stack';

// Bundles every function as a deploy does (AppFunction's esbuild options) and holds each to the size goal of
// bench/cold-start.ts: a size is deterministic, so it is a plain assertion here, not a benchmark's goal only.

jest.setTimeout(300_000);

describe('infra: function bundles', () => {
  let outdir: string;
  /** Bundle bytes (`index.js`) by handler name (the function's POWERTOOLS_SERVICE_NAME). */
  const sizes = new Map<string, number>();

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'fcfs-bundles-'));
    // Asset metadata (each function's asset directory) is on by default in the CDK CLI only.
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new FcfsCouponStack(app, 'Bundles', { upstashSecretName: 'prod/upstash' });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<
        string,
        { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
      >;
    };
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const asset = resource.Metadata?.['aws:asset:path'];
      const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      const handler = variables?.POWERTOOLS_SERVICE_NAME;
      if (typeof asset !== 'string' || typeof handler !== 'string') continue; // CDK's own helper functions
      sizes.set(handler, statSync(path.join(outdir, asset, 'index.js')).size);
    }
  });

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('bundles every handler of the product', () => {
    expect([...sizes.keys()].sort()).toEqual(Object.values(HANDLERS).sort());
  });

  it(`keeps every bundle within ${COLD_START_GOALS.bundleBytes.toLocaleString('en-US')} bytes`, () => {
    const over = [...sizes].filter(([, bytes]) => bytes > COLD_START_GOALS.bundleBytes);
    expect(over).toEqual([]);
  });
});
