import { rmSync } from 'node:fs';
import { ADMISSION_MODES, type AdmissionMode } from '../../src/contract/names';
import { startLocalCloud } from './cloud';
import { stopWithLauncher } from './lifetime';
import { missingPrerequisites } from './prerequisites';

// `npm start`: synthesize the CDK app and run it locally until Ctrl-C, SIGTERM or SIGHUP, or until `npm start` itself has gone.
async function main() {
  const requested = process.env.ADMISSION_MODE;
  if (requested !== undefined && !(ADMISSION_MODES as readonly string[]).includes(requested)) {
    throw new Error(`ADMISSION_MODE must be ${ADMISSION_MODES.join(' or ')}, not '${requested}'`);
  }
  // Before synthesizing: a missing emulator would otherwise surface as a spawn error after a minute of bundling.
  const missing = missingPrerequisites(requested as AdmissionMode | undefined);
  if (missing.length > 0) throw new Error(missing.join('\n'));
  const json = (name: string): unknown => {
    const raw = process.env[name];
    if (!raw) return undefined;
    try {
      return JSON.parse(raw);
    } catch (error) {
      throw new Error(`${name} is not JSON: ${(error as Error).message}`);
    }
  };
  const visibility = process.env.LOCAL_CLOUD_VISIBILITY_TIMEOUT;
  const cloud = await startLocalCloud({
    port: process.env.PORT === undefined ? 3000 : Number(process.env.PORT),
    admissionMode: requested as AdmissionMode | undefined,
    cdkOut: process.env.LOCAL_CLOUD_CDK_OUT,
    stateDir: process.env.LOCAL_CLOUD_STATE_DIR,
    functionConcurrency: process.env.LOCAL_LAMBDA_CONCURRENCY
      ? Number(process.env.LOCAL_LAMBDA_CONCURRENCY)
      : undefined,
    chaos: json('LOCAL_CLOUD_CHAOS'),
    queueVisibilityTimeoutS: visibility === undefined ? undefined : Number(visibility),
    context: json('LOCAL_CLOUD_CONTEXT') as Record<string, string> | undefined,
  });
  stopWithLauncher(async (reason) => {
    console.log(`\n${reason}: stopping the local cloud ...`);
    await cloud.stop();
    rmSync(cloud.endpointsFile, { force: true });
    process.exit(0);
  });
  const { endpoints } = cloud;
  console.log(`local cloud ready (${endpoints.admissionMode} mode)`);
  console.log(`  API        ${endpoints.apiUrl}`);
  console.log(`  console    ${endpoints.apiUrl}/console/`);
  console.log(`  drop page  ${endpoints.apiUrl}/drop/?campaign=<campaignId>`);
  console.log(`  DynamoDB   ${endpoints.dynamodbEndpoint}`);
  console.log(`  SQS        ${endpoints.sqsEndpoint}`);
  if (endpoints.redisRestUrl) console.log(`  Redis REST ${endpoints.redisRestUrl}`);
  console.log(`  endpoints  ${cloud.endpointsFile}`);
  if (endpoints.auth.mode === 'jwt') {
    console.log(`  users      bearer tokens: curl -s -X POST ${endpoints.auth.tokenUrl} -d '{"sub":"alice"}'`);
  } else {
    console.log('  users      OPEN (auth=none): any caller acts as the userId it sends');
  }
  console.log('  admins     SigV4 (execute-api) with adminCredentials from the endpoints file');
  console.log('  checkouts  SigV4 (execute-api) with checkoutCredentials from the endpoints file');
  console.log('Ctrl-C to stop.');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
