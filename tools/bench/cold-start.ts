import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../local/emulators';
import { synthesize } from '../local/synth';
import { LOCAL_REGION, loadStack, resourcesOfType } from '../local/template';
import { median } from './stats';

/** Cold-start figures of one function. */
export interface ColdStartResult {
  /** Logical id in the template, e.g. `CouponsFunctionsIssueCouponFunctionAAD5140F`. */
  readonly function: string;
  /** Minified bundle (`index.js`, or `index.mjs` for an ES module build), bytes; source map excluded (it is not loaded at run time). */
  readonly bundleBytes: number;
  /** Median of `runs` module init times (require of the bundle in a fresh Node process), wall clock, ms. */
  readonly initMs: number;
  /** Every run's init time, wall clock, ms. */
  readonly initRunsMs: number[];
  /**
   * Median of the same runs' CPU time (user + system of the process during the require), ms: on a loaded machine
   * the wall clock also counts the time other processes hold the cores; this does not.
   */
  readonly initCpuMs: number;
}

/**
 * Q5's goals (BENCHMARKS.md): every function's bundle (`index.js`) <= 450 KB, read as 450,000 bytes (the stricter of KB and
 * KiB; test/infra/bundle-size.test.ts holds every synthesized bundle to it), and issue init <= 100 ms, judged on
 * the CPU time of the load: on a shared machine the wall clock measures the other processes too; a process with
 * the cores to itself loads in about its CPU time or less (V8's GC and compiler threads add CPU time beside the
 * main thread, not wall time). Both are reported.
 */
export const COLD_START_GOALS = { bundleBytes: 450_000, issueInitMs: 100 } as const;

const PLACEHOLDER = 'bench-placeholder';

/**
 * The bundle file in a function's asset directory: `index.mjs` for an ES module build (AppFunction `awaitInit`),
 * else `index.js`.
 */
export function bundleFileOf(assetDir: string): string {
  const esm = path.join(assetDir, 'index.mjs');
  return existsSync(esm) ? esm : path.join(assetDir, 'index.js');
}

/**
 * A `node -e` script loading the bundle `process.argv[1]` as Lambda's runtime does (require, or import() for an ES
 * module, awaiting its top-level await), then running `then` (a statement; `c0`/`t0` hold the start).
 */
export function loadBundleScript(then = ''): string {
  return [
    'const c0 = process.cpuUsage();',
    'const t0 = performance.now();',
    'const file = process.argv[1];',
    "(file.endsWith('.mjs') ? import(require('node:url').pathToFileURL(file).href) : Promise.resolve(require(file)))",
    `.then(() => { ${then} });`,
  ].join(' ');
}

/**
 * The function's environment as the template sets it, with references (table names, queue URLs) replaced by a
 * placeholder: init only reads configuration and creates clients, it makes no call.
 */
function environmentOf(variables: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) env[key] = typeof value === 'string' ? value : PLACEHOLDER;
  return env;
}

/**
 * Time to load one bundle in a fresh Node process (the function's NODE_OPTIONS, if any), wall clock and CPU, ms:
 * what Lambda's INIT phase spends on module code, without the runtime's own start. The environment is an
 * on-demand one (no AWS_LAMBDA_INITIALIZATION_TYPE): an ES module's top-level await of a warm-up is a no-op.
 */
function initOnce(file: string, env: Record<string, string>): { wallMs: number; cpuMs: number } {
  const script = loadBundleScript(
    [
      'const wall = performance.now() - t0;',
      'const cpu = process.cpuUsage(c0);',
      'console.log(JSON.stringify({ wallMs: wall, cpuMs: (cpu.user + cpu.system) / 1000 }));',
    ].join(' '),
  );
  const result = spawnSync(process.execPath, ['-e', script, file], {
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: PLACEHOLDER,
      AWS_SECRET_ACCESS_KEY: PLACEHOLDER,
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
    },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`loading ${file} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
}

/**
 * Synthesizes the app (Redis mode, every function bundled as a deploy would) into `.local/bench/cdk.out` and
 * measures each function's bundle size and module init time (median of `runs` fresh processes).
 * @throws Error when the synth fails or a bundle does not load.
 */
export async function benchColdStart(options: { runs: number }): Promise<ColdStartResult[]> {
  const cdkOut = path.join(projectRoot, '.local', 'bench', 'cdk.out');
  synthesize(cdkOut, 'redis');
  const stack = loadStack(cdkOut);
  const results: ColdStartResult[] = [];
  for (const [logicalId, fn] of resourcesOfType(stack, 'AWS::Lambda::Function')) {
    const asset = fn.Metadata?.['aws:asset:path'] as string | undefined;
    if (!asset) continue; // CDK's own helper functions
    const file = bundleFileOf(path.join(cdkOut, asset));
    const variables = ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {}) as Record<string, unknown>;
    const env = environmentOf(variables);
    initOnce(file, env); // warm the OS file cache; Lambda reads the bundle from local disk too
    const runs = Array.from({ length: options.runs }, () => initOnce(file, env));
    results.push({
      function: logicalId,
      bundleBytes: statSync(file).size,
      initMs: Math.round(median(runs.map((r) => r.wallMs)) * 10) / 10,
      initRunsMs: runs.map((r) => Math.round(r.wallMs * 10) / 10),
      initCpuMs: Math.round(median(runs.map((r) => r.cpuMs)) * 10) / 10,
    });
  }
  return results.sort((a, b) => a.function.localeCompare(b.function));
}
