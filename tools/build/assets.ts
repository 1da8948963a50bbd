import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { ASSETS_DIR } from '../../src/construct/assets';
import { buildFunctionBundles } from './functions';
import { buildWebPages } from './web-pages';

/**
 * `npm run build:assets`: builds what the construct loads with `Code.fromAsset` and `Source.asset`
 * (src/construct/assets.ts) into `assets/`, from scratch: every function's bundle (`assets/functions/<handler>/`)
 * and the web pages (`assets/web/<page>/`). The package ships them; the consumer's synth never runs esbuild.
 */
export async function buildAssets(outDir: string = ASSETS_DIR): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await Promise.all([buildFunctionBundles(path.join(outDir, 'functions')), buildWebPages(path.join(outDir, 'web'))]);
}

if (require.main === module) {
  buildAssets().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
