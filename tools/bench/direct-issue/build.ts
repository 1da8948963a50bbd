import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../../../src/functions/bundling/esm-banner';

const root = path.join(__dirname, '..', '..', '..');
const handlers = path.join(root, 'src', 'functions', 'handlers');

/**
 * Resolves the issue handler's `../runtime/adapters` import to the variant's composition root
 * (bench/direct-issue/adapters.ts); every other import, including the variant's own import of the product's
 * composition root, resolves as usual.
 */
const directCompositionRoot: Plugin = {
  name: 'direct-composition-root',
  setup(b) {
    b.onResolve({ filter: /\/runtime\/adapters$/ }, (args) =>
      path.dirname(args.importer) === handlers ? { path: path.join(__dirname, 'adapters.ts') } : undefined,
    );
  },
};

/**
 * Bundles the product's issue handler (lambdas/handlers/issue-coupon.ts and its ES module entry
 * issue-coupon.entry.mjs, unchanged) with the direct coupon store's composition root into `<outDir>/index.mjs`,
 * with the esbuild settings of the construct's issue function (lib/constructs/app-function.ts with `awaitInit`:
 * node22, an ES module with the `require` banner, minified, ES module builds first, the Lambda credential
 * provider), so it loads as the template's issue function does (`index.handler`).
 * @returns outDir.
 * @throws Error with esbuild's messages when it does not compile.
 */
export async function buildDirectIssue(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(handlers, 'issue-coupon.entry.mjs')],
    outfile: path.join(outDir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    mainFields: ['module', 'main'],
    external: ['@smithy/core/event-streams'],
    alias: {
      '@aws-sdk/credential-provider-node': path.join(root, 'src', 'functions', 'bundling', 'lambda-credentials.ts'),
    },
    supported: { 'dynamic-import': false },
    plugins: [directCompositionRoot],
    logLevel: 'silent',
  });
  return outDir;
}
