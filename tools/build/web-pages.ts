import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

import { WEB_PAGES } from '../../src/web/pages';

const SOURCE_DIR = join(__dirname, '..', '..', 'src', 'web');

function options(outDir: string): BuildOptions {
  return {
    // Each page's main.ts, and each of its Web Workers (`<name>.worker.ts`, loaded by `new URL('./<name>.worker.js',
    // import.meta.url)`), as an entry of its own.
    entryPoints: WEB_PAGES.flatMap((page) => [
      { in: join(SOURCE_DIR, page, 'main.ts'), out: join(page, 'main') },
      ...readdirSync(join(SOURCE_DIR, page))
        .filter((file) => file.endsWith('.worker.ts'))
        .map((file) => ({ in: join(SOURCE_DIR, page, file), out: join(page, file.slice(0, -'.ts'.length)) })),
    ]),
    outdir: outDir,
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    legalComments: 'none',
    // amazon-cognito-identity-js (the drop page's Cognito sign-in) reads Node's `global` through its buffer polyfill.
    define: { global: 'globalThis' },
  };
}

/** Copies each page's static files (everything but TypeScript) beside its bundle. */
function copyStatic(outDir: string): void {
  for (const page of WEB_PAGES) {
    mkdirSync(join(outDir, page), { recursive: true });
    for (const file of readdirSync(join(SOURCE_DIR, page))) {
      if (!file.endsWith('.ts')) copyFileSync(join(SOURCE_DIR, page, file), join(outDir, page, file));
    }
  }
}

/**
 * Builds every page into `outDir/<page>/` (`index.html`, `main.js`, its workers' `<name>.worker.js`, other static files) with esbuild: one
 * minified ES module per page, for evergreen browsers. The pages read `config.json` beside them at load
 * (`src/web/config.ts`), so one build serves every deployment.
 * @throws Error with esbuild's messages when a page does not compile.
 */
export async function buildWebPages(outDir: string): Promise<void> {
  await build(options(outDir));
  copyStatic(outDir);
}
