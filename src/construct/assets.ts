import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { HandlerName } from '../contract/names';
import { bundleFileOf } from '../functions/bundling/bundles';

/**
 * The package's prebuilt assets (`npm run build:assets`, tools/build/assets.ts): `functions/<handler>/` (each
 * function's bundle and source map) and `src/web/` (the built console and drop page). Two folders above this file both
 * in the sources (`src/construct/`) and in the compiled package (`dist/construct/`), so a synth from either loads
 * the same files and never runs esbuild.
 */
export const ASSETS_DIR = path.join(__dirname, '..', '..', 'assets');

function required(dir: string, file: string): string {
  if (!existsSync(path.join(dir, file))) {
    throw new Error(
      `fcfs-coupon: ${path.join(dir, file)} is missing. The package ships its bundles prebuilt; in a checkout of ` +
        'the repository run `npm run build:assets` first.',
    );
  }
  return dir;
}

/**
 * The folder holding `handler`'s bundle (`index.js` or `index.mjs`), for `lambda.Code.fromAsset`.
 * @throws Error when the bundle has not been built.
 */
export function functionAssetDir(handler: HandlerName): string {
  return required(path.join(ASSETS_DIR, 'functions', handler), bundleFileOf(handler));
}

/**
 * The folder holding the built pages (`console/`, `drop/`), for `s3deploy.Source.asset`.
 * @throws Error when the pages have not been built.
 */
export function webPagesAssetDir(): string {
  return required(path.join(ASSETS_DIR, 'web'), path.join('console', 'index.html'));
}
