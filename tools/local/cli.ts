#!/usr/bin/env node
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ADMISSION_MODES, type AdmissionMode } from '../../src/contract/names';
import { startLocalCloud } from './cloud';
import { stopWithLauncher } from './lifetime';
import { missingPrerequisites } from './prerequisites';

const USAGE = `fcfs-coupon-local: runs a synthesized CDK app with FcfsCoupon in it on this machine (DynamoDB Local, fauxqs,
redis-server in Redis mode), until Ctrl-C or SIGTERM.

  npx cdk synth            # or: node app.js with CDK_OUTDIR=cdk.out
  npx fcfs-coupon-local --app cdk.out [--stack Shop] [--construct Coupons] [--port 3000] [--state-dir .local]

  --app        the cloud assembly folder (cdk.out)
  --stack      the stack to run, when the assembly has several
  --construct  the FcfsCoupon to run, when the stack has several (its logical-id prefix, e.g. OutletCoupons)
  --port       the HTTP API's port on 127.0.0.1 (0: any free one), default 3000
  --state-dir  where endpoints.json (URLs, admin credentials) and the logs go, default .local

Needs Java 17+ (DynamoDB Local) and, as dev dependencies of your app, amplify-dynamodb-simulator and fauxqs@1.9;
redis-server on PATH for a stack synthesized in Redis mode (upstashSecretName).`;

/** The emulator packages the command loads from the app's node_modules (optional peer dependencies). */
const EMULATOR_PACKAGES = ['amplify-dynamodb-simulator', 'fauxqs'] as const;

/** True when `name` is installed in a node_modules folder of `from` or above (fauxqs exports no package.json). */
function installed(name: string, from: string): boolean {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules', name, 'package.json'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

function missingPackages(): string[] {
  return EMULATOR_PACKAGES.filter((name) => !installed(name, process.cwd()) && !installed(name, __dirname));
}

/** `fcfs-coupon-local --app cdk.out`: the package's local cloud over a consumer's own assembly. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      app: { type: 'string' },
      stack: { type: 'string' },
      construct: { type: 'string' },
      port: { type: 'string', default: '3000' },
      'state-dir': { type: 'string', default: '.local' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || values.app === undefined) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const cdkOut = path.resolve(values.app);
  if (!existsSync(path.join(cdkOut, 'manifest.json'))) {
    throw new Error(`${cdkOut} is no cloud assembly (no manifest.json): synthesize the app first (npx cdk synth)`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, not ${values.port}`);
  const packages = missingPackages();
  const requested = process.env.ADMISSION_MODE as AdmissionMode | undefined;
  if (requested !== undefined && !ADMISSION_MODES.includes(requested)) {
    throw new Error(`ADMISSION_MODE must be ${ADMISSION_MODES.join(' or ')}, not '${requested}'`);
  }
  const missing = [
    ...missingPrerequisites(requested),
    ...(packages.length > 0
      ? [`npm install --save-dev ${packages.map((p) => (p === 'fauxqs' ? 'fauxqs@1.9' : p)).join(' ')}`]
      : []),
  ];
  if (missing.length > 0) throw new Error(`missing:\n  ${missing.join('\n  ')}`);
  const cloud = await startLocalCloud({
    cdkOut,
    skipSynth: true,
    stackName: values.stack,
    construct: values.construct,
    port,
    stateDir: path.resolve(values['state-dir']),
    admissionMode: requested,
  });
  stopWithLauncher(async (reason) => {
    console.log(`\n${reason}: stopping the local cloud ...`);
    await cloud.stop();
    rmSync(cloud.endpointsFile, { force: true });
    process.exit(0);
  });
  console.log(`local cloud ready (${cloud.endpoints.admissionMode} mode): API ${cloud.endpoints.apiUrl}`);
  console.log(`  endpoints, tokens and admin credentials: ${cloud.endpointsFile}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
