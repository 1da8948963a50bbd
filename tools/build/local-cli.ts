import { copyFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

const LOCAL_DIR = path.join(__dirname, '..', 'local');

/**
 * Bundles the local cloud's command (`fcfs-coupon-local`, tools/local/cli.ts) into `<outDir>/cli.js` for the
 * package, with the two files it starts as processes beside it (the Lambda worker, the fauxqs server). The
 * emulator packages stay outside the bundle: optional peer dependencies the command asks for.
 * @throws Error with esbuild's messages when it does not compile.
 */
export async function buildLocalCli(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(LOCAL_DIR, 'cli.ts')],
    outfile: path.join(outDir, 'cli.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // aws-cdk-lib and constructs are the consumer's own (peer dependencies).
    external: ['amplify-dynamodb-simulator', 'fauxqs', 'aws-cdk-lib', 'constructs'],
    minify: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  for (const file of ['lambda-worker.js', 'fauxqs-server.mjs']) {
    copyFileSync(path.join(LOCAL_DIR, file), path.join(outDir, file));
  }
}
