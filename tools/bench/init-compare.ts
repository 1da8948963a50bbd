import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../local/emulators';
import { synthesize } from '../local/synth';
import { loadStack, resourcesOfType } from '../local/template';
import { environmentOf, initOnce } from './cold-start';
import { markdownTable, median } from './stats';

/**
 * Side-by-side module init of two builds of every handler, e.g. before and after a bundling change:
 * `npx tsx tools/bench/init-compare.ts <before-dir> <after-dir> [runs]`, each directory holding `<handler>.js` (or `<handler>.mjs`, an ES module build) as built by
 * the command in BENCHMARKS.md ("Bundle sizes"). Keep the directories inside the repository (e.g. under `.local/`):
 * a bundle built with `--external:@smithy/core/event-streams` resolves it from node_modules.
 * Each round loads both builds of a handler in fresh Node processes, alternating which goes first, so a machine
 * whose load drifts during the run weighs on both alike; the table gives medians of wall clock and CPU time, ms.
 */
async function main(): Promise<void> {
  const [beforeDir, afterDir, runsArg] = process.argv.slice(2);
  if (!beforeDir || !afterDir)
    throw new Error('usage: tsx tools/bench/init-compare.ts <before-dir> <after-dir> [runs]');
  const runs = Number(runsArg ?? 21);
  // The functions' environments as the template sets them: init reads configuration, so it needs them.
  const cdkOut = path.join(projectRoot, '.local', 'bench', 'cdk.out');
  synthesize(cdkOut, 'redis');
  const rows = [];
  for (const [, fn] of resourcesOfType(loadStack(cdkOut), 'AWS::Lambda::Function')) {
    const variables = ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {}) as Record<string, unknown>;
    const handler = variables.POWERTOOLS_SERVICE_NAME;
    if (typeof handler !== 'string') continue; // CDK's own helper functions
    const env = environmentOf(variables);
    const fileIn = (dir: string) => {
      const esm = path.resolve(dir, `${handler}.mjs`);
      return existsSync(esm) ? esm : path.resolve(dir, `${handler}.js`);
    };
    const files = [fileIn(beforeDir), fileIn(afterDir)] as const;
    for (const file of files) initOnce(file, env); // warm the OS file cache
    const samples = files.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
    for (let round = 0; round < runs; round++) {
      for (const i of round % 2 === 0 ? [0, 1] : [1, 0]) {
        const { wallMs, cpuMs } = initOnce(files[i] as string, env);
        samples[i]?.wall.push(wallMs);
        samples[i]?.cpu.push(cpuMs);
      }
      process.stderr.write(`${handler}: round ${round + 1} of ${runs}\r`);
    }
    const [before, after] = samples.map((s) => ({ wall: median(s.wall), cpu: median(s.cpu) }));
    if (!before || !after) continue;
    rows.push({ handler, files, before, after });
  }
  const ms = (value: number) => value.toFixed(1);
  process.stdout.write(
    `${markdownTable(rows, {
      handler: (r) => r.handler,
      'before, bytes': (r) => statSync(r.files[0]).size.toLocaleString('en-US'),
      'after, bytes': (r) => statSync(r.files[1]).size.toLocaleString('en-US'),
      'init before, ms': (r) => ms(r.before.wall),
      'init after, ms': (r) => ms(r.after.wall),
      'after / before': (r) => (r.after.wall / r.before.wall).toFixed(2),
      'CPU before, ms': (r) => ms(r.before.cpu),
      'CPU after, ms': (r) => ms(r.after.cpu),
      'CPU after / before': (r) => (r.after.cpu / r.before.cpu).toFixed(2),
    })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
