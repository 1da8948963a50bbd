import type { Backends } from '../../tools/explorer/backends';
import { startBackends } from '../../tools/explorer/backends';
import { explore } from '../../tools/explorer/explore';

// The fault explorer (tools/explorer/) in `npm test`: a fixed budget of runs from a seed that changes every day, so CI
// explores new ground daily and any failure is replayable (`npm run faults -- --seed <seed> --path <path>`).

jest.setTimeout(600_000);

/** Runs per admission mode in CI (about a minute each on this machine); `npm run faults` makes any number. */
const RUNS = Number(process.env.FAULT_EXPLORER_RUNS ?? 60);
const seed = Number(process.env.FAULT_EXPLORER_SEED ?? Math.floor(Date.now() / 86_400_000));

let backends: Backends;
beforeAll(async () => {
  backends = await startBackends('.local/test-explorer');
});
afterAll(async () => {
  await backends?.stop();
});

describe.each(['dynamodb', 'redis'] as const)('fault explorer: %s admission', (mode) => {
  it(`keeps the guarantees over ${RUNS} generated workloads, fault plans and interleavings (seed ${seed})`, async () => {
    const result = await explore(backends, { seed, runs: RUNS, modes: [mode] });
    if (result.failed) {
      throw new Error(
        `${result.report}\nbroke: ${result.counterexample?.violations.join('; ')}\n` +
          `replay: npm run faults -- --seed ${result.seed} --mode ${mode} --runs ${RUNS}`,
      );
    }
    expect(result.runs).toBe(RUNS);
  });
});
