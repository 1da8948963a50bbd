import { copyFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { buildAssets } from './assets';
import { buildLocalCli } from './local-cli';

const root = path.join(__dirname, '..', '..');
const dist = path.join(root, 'dist');

/** Declaration files of src/ that tsc does not emit (it copies no .d.ts), which the emitted types import. */
const HAND_WRITTEN_DECLARATIONS = ['contract/openapi/api-types.d.ts'];

/**
 * `npm run build:package` after `tsc -p tsconfig.build.json` (which compiles the entries `.` and `./client` into
 * dist/): the generated API types beside the compiled contract, every function's bundle and the pages (assets/),
 * and the `fcfs-coupon-local` command (dist/local/).
 */
async function main(): Promise<void> {
  for (const file of HAND_WRITTEN_DECLARATIONS) {
    mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    copyFileSync(path.join(root, 'src', file), path.join(dist, file));
  }
  await Promise.all([buildAssets(), buildLocalCli(path.join(dist, 'local'))]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
