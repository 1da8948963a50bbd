import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { FcfsCouponStack } from '../../src/construct/fcfs-coupon-stack';
import { HANDLERS } from '../../src/contract/names';
import { bundleFileOf, COLD_START_GOALS, loadBundleScript } from '../../tools/bench/cold-start';

// Synthesizes every function as a deploy does (the prebuilt bundles of `npm run build:assets`, staged by the CDK)
// into a directory outside the repository, holds each bundle to the size goal of tools/bench/cold-start.ts (a size is deterministic, so it is a plain assertion
// here, not a benchmark's goal only), and loads each with no node_modules to fall back on, as in Lambda's /var/task.

jest.setTimeout(300_000);

describe('infra: function bundles', () => {
  let outdir: string;
  /** Bundle bytes (`index.js` or `index.mjs`) by handler name (the function's POWERTOOLS_SERVICE_NAME). */
  const sizes = new Map<string, number>();
  /** Each bundle's file and its environment as the template sets it (references replaced by a placeholder). */
  const bundles = new Map<string, { file: string; env: Record<string, string> }>();

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
      const file = bundleFileOf(path.join(outdir, asset));
      sizes.set(handler, statSync(file).size);
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries(variables ?? {})) env[key] = typeof value === 'string' ? value : 'ref';
      bundles.set(handler, { file, env });
    }
  });

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('bundles every handler of the product', () => {
    expect([...sizes.keys()].sort()).toEqual(Object.values(HANDLERS).sort());
  });

  it('builds the issue function as an ES module, so Lambda awaits its warm-up at a provisioned INIT', () => {
    const esm = [...bundles].filter(([, { file }]) => file.endsWith('.mjs')).map(([handler]) => handler);
    expect(esm).toEqual([HANDLERS.issue]);
  });

  it(`keeps every bundle within ${COLD_START_GOALS.bundleBytes.toLocaleString('en-US')} bytes`, () => {
    const over = [...sizes].filter(([, bytes]) => bytes > COLD_START_GOALS.bundleBytes);
    expect(over).toEqual([]);
  });

  // The bundles leave out the SDK's event-stream serde (AppFunction's externalModules): only a function whose
  // client loads it at init bundles it. Anything else required at load time from outside the bundle would come
  // from the Lambda runtime's own SDK, whatever its version, or fail the cold start.
  it('loads every bundle without node_modules (all its init needs is in the bundle or built into Node)', () => {
    const failures: string[] = [];
    for (const [handler, { file, env }] of bundles) {
      const result = spawnSync(process.execPath, ['-e', loadBundleScript(), file], {
        cwd: outdir,
        env: {
          PATH: process.env.PATH ?? '',
          ...env,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_LAMBDA_FUNCTION_NAME: handler,
        },
        encoding: 'utf8',
      });
      if (result.status !== 0) failures.push(`${handler}: ${result.stderr.split('\n').find((l) => /Error/.test(l))}`);
    }
    expect(failures).toEqual([]);
  });
});
