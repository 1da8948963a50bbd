import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { HANDLERS } from '../../../src/contract/names';
import { functionBuildOptions } from '../../build/functions';

const root = path.join(__dirname, '..', '..', '..');
const handlers = path.join(root, 'src', 'functions', 'handlers');

/**
 * Resolves the issue handler's `../runtime/composition-root` import to the variant's composition root
 * (tools/bench/direct-issue/composition-root.ts); every other import, including the variant's own import of the product's
 * composition root, resolves as usual.
 */
const directCompositionRoot: Plugin = {
  name: 'direct-composition-root',
  setup(b) {
    b.onResolve({ filter: /\/runtime\/composition-root$/ }, (args) =>
      path.dirname(args.importer) === handlers ? { path: path.join(__dirname, 'composition-root.ts') } : undefined,
    );
  },
};

/**
 * Bundles the product's issue handler (src/functions/handlers/issue-coupon.ts and its ES module entry
 * issue-coupon.entry.mjs, unchanged) with the direct coupon store's composition root into `<outDir>/index.mjs`,
 * with the esbuild settings of the package's issue function (tools/build/functions.ts), so it loads as the
 * template's issue function does (`index.handler`).
 * @returns outDir.
 * @throws Error with esbuild's messages when it does not compile.
 */
export async function buildDirectIssue(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build({ ...functionBuildOptions(HANDLERS.issue, outDir), sourcemap: false, plugins: [directCompositionRoot] });
  return outDir;
}
