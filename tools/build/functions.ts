import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { HANDLERS, type HandlerName } from '../../src/contract/names';
import { bundleFileOf, FUNCTION_BUNDLES, FUNCTION_NODE_MAJOR } from '../../src/functions/bundling/bundles';
import { ESM_REQUIRE_BANNER } from '../../src/functions/bundling/esm-banner';

const FUNCTIONS_DIR = path.join(__dirname, '..', '..', 'src', 'functions');

/**
 * Replaces the SDK's default Node credential chain in every bundle: Lambda provides credentials in environment
 * variables only (see src/functions/bundling/lambda-credentials.ts).
 */
const LAMBDA_CREDENTIALS = path.join(FUNCTIONS_DIR, 'bundling', 'lambda-credentials.ts');

/** Replaces mnemonist's LRU cache, which only the SDK's (unused) endpoint-discovery cache imports. */
const ENDPOINT_LRU_CACHE = path.join(FUNCTIONS_DIR, 'bundling', 'endpoint-lru-cache.ts');

/**
 * esbuild's options for one function's bundle: Node.js FUNCTION_NODE_MAJOR (the deployed runtime's), minified, with a source map beside it and the AWS SDK
 * bundled in (what runs locally is what deploys), ES module builds of dependencies first and an environment-only
 * credential provider (they keep every bundle under the size goal of test/infra/bundle-size.test.ts; BENCHMARKS.md
 * has the sizes either way).
 * @param outDir the function's asset folder; the bundle is `index.js` or `index.mjs` in it.
 */
export function functionBuildOptions(handler: HandlerName, outDir: string): BuildOptions {
  const { awaitInit, bundleEventStreams } = FUNCTION_BUNDLES[handler];
  return {
    entryPoints: [path.join(FUNCTIONS_DIR, 'handlers', awaitInit ? `${handler}.entry.mjs` : `${handler}.ts`)],
    outfile: path.join(outDir, bundleFileOf(handler)),
    bundle: true,
    platform: 'node',
    target: `node${FUNCTION_NODE_MAJOR}`,
    format: awaitInit ? 'esm' : 'cjs',
    ...(awaitInit ? { banner: { js: ESM_REQUIRE_BANNER } } : {}),
    minify: true,
    // No NODE_OPTIONS=--enable-source-maps on the functions: Node would parse the whole map at module load,
    // lengthening every cold start (BENCHMARKS.md, "Cold start"). The maps ship beside each bundle, to decode a
    // stack trace offline or to switch them on while debugging.
    sourcemap: true,
    // Everything is bundled but the SDK's event-stream serde (about 20 KB): HttpProtocol loads it with import()
    // only for an operation that streams events, which none of DynamoDB, SQS or Secrets Manager's calls here does.
    // Left out, that import() is a require() never reached; were it reached on Lambda, it would be resolved from the
    // runtime's own SDK, of another version. A client that loads it at init (Lambda's) needs `bundleEventStreams`
    // (test/infra/bundle-size.test.ts loads every bundle without node_modules).
    external: bundleEventStreams ? [] : ['@smithy/core/event-streams'],
    mainFields: ['module', 'main'],
    alias: { '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS, 'mnemonist/lru-cache': ENDPOINT_LRU_CACHE },
    // The ES builds load node:http lazily with import(); as require() the bundle is plain CommonJS, which the
    // local runtime's V8 code cache (vm.Script) can run.
    supported: { 'dynamic-import': false },
    logLevel: 'silent',
    legalComments: 'none',
  };
}

/**
 * Builds every function ({@link HANDLERS}) into `<outDir>/<handler>/`, side by side.
 * @throws Error with esbuild's messages when a function does not compile.
 */
export async function buildFunctionBundles(outDir: string): Promise<void> {
  await Promise.all(
    Object.values(HANDLERS).map(async (handler) => {
      const dir = path.join(outDir, handler);
      mkdirSync(dir, { recursive: true });
      await build(functionBuildOptions(handler, dir));
    }),
  );
}
