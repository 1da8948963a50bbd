import { parseArgs } from 'node:util';
import { ADMISSION_MODES, type AdmissionMode } from '../../src/contract/names';
import { startBackends } from './backends';
import { explore } from './explore';
import type { WorkloadSize } from './run';

// `npm run faults -- --seed <n> --runs <m> [--mode redis|dynamodb] [--size small|large] [--path <p>]`: the fault
// explorer from the command line (`--size large`: days of quota 10-40, tools/explorer/run.ts WorkloadSize). Prints the runs made and, on a failure, the seed, the path that replays it and the shrunk case.

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    runs: { type: 'string', default: '100' },
    mode: { type: 'string' },
    path: { type: 'string' },
    guarantees: { type: 'string' },
    size: { type: 'string', default: 'small' },
  },
});

async function main(): Promise<number> {
  const mode = values.mode as AdmissionMode | undefined;
  if (mode !== undefined && !ADMISSION_MODES.includes(mode)) {
    console.error(`--mode must be one of ${ADMISSION_MODES.join(', ')}`);
    return 2;
  }
  const size = values.size as WorkloadSize;
  if (size !== 'small' && size !== 'large') {
    console.error('--size must be small or large');
    return 2;
  }
  const backends = await startBackends('.local/explorer');
  const started = Date.now();
  try {
    const result = await explore(backends, {
      seed: values.seed === undefined ? undefined : Number(values.seed),
      runs: Number(values.runs),
      modes: mode ? [mode] : undefined,
      path: values.path,
      guarantees: values.guarantees?.split(',').map(Number),
      size,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`fault explorer: ${result.runs} runs in ${seconds} s, seed ${result.seed}`);
    if (!result.failed) {
      console.log('the guarantees held in every run');
      return 0;
    }
    console.log(result.report);
    if (result.counterexample) {
      console.log(`the shrunk run broke:\n  ${result.counterexample.violations.join('\n  ')}`);
      console.log(`answers: ${JSON.stringify(result.counterexample.answers)}`);
      console.log(`injected: ${JSON.stringify(result.counterexample.injected)}`);
    }
    return 1;
  } finally {
    await backends.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
