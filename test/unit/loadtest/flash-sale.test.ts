import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fargateArgs, fargateCostUsd, workerEnvironment } from '../../../tools/loadtest/distributed';

const dir = path.join(__dirname, '..', '..', '..', 'tools', 'loadtest');
const artillery = path.dirname(require.resolve('artillery/package.json'));
// The YAML parser Artillery itself reads scripts with.
const yaml = createRequire(path.join(artillery, 'package.json'))('js-yaml') as { safeLoad(text: string): unknown };

interface Phase {
  name: string;
  duration: number;
  arrivalRate: number;
  rampTo?: number;
}
interface Script {
  config: {
    target?: string;
    phases: Phase[];
    processor: string;
    includeFiles: string[];
    environments: Record<string, { phases: Phase[] }>;
  };
  scenarios: { flow: Record<string, unknown>[] }[];
}
const script = yaml.safeLoad(readFileSync(path.join(dir, 'flash-sale.yml'), 'utf8')) as Script;
/** Users a phase list starts: rate x duration, the mean of a ramp's two rates. */
const usersOf = (phases: Phase[]) =>
  phases.reduce((sum, p) => sum + ((p.arrivalRate + (p.rampTo ?? p.arrivalRate)) / 2) * p.duration, 0);
/** The flags an installed Artillery command declares (`name: Flags.…` in its source). */
const flagsOf = (file: string) =>
  [...readFileSync(path.join(artillery, 'lib', file), 'utf8').matchAll(/^\s+'?([a-z-]+)'?: Flags\./gm)].map(
    (m) => m[1],
  );

describe('load test: flash-sale.yml', () => {
  it("passes the installed Artillery's own script validation", () => {
    const validate = require(path.join(artillery, 'lib', 'util', 'validate-script.js')) as (s: unknown) => unknown;
    expect(validate(script)).toBeUndefined();
    expect(validate({ ...script, scenarios: undefined })).toEqual(expect.any(String));
  });

  it('runs the local burst by default and a 60 s decaying burst per worker in the distributed environment', () => {
    expect(script.config.target).toBeUndefined();
    expect(script.config.phases.map((p) => [p.name, p.duration, p.arrivalRate])).toEqual([
      ['warm-up', 5, 20],
      ['burst', 10, 200],
    ]);
    const distributed = script.config.environments.distributed?.phases ?? [];
    expect(distributed.map((p) => p.name)).toEqual(['opening', 'decay', 'tail']);
    expect(distributed.reduce((s, p) => s + p.duration, 0)).toBe(60);
    expect(usersOf(distributed)).toBe(7_850);
  });

  it('names only processor functions that exist, and ships the tokens file to the workers', () => {
    const processor = require(path.join(dir, script.config.processor)) as Record<string, unknown>;
    const named = script.scenarios.flatMap((s) =>
      s.flow.flatMap((step) => [
        ...(typeof step.function === 'string' ? [step.function] : []),
        ...Object.values(step).flatMap((v) =>
          typeof v === 'object' && v !== null && 'beforeRequest' in v ? [String(v.beforeRequest)] : [],
        ),
      ]),
    );
    expect(new Set(named)).toEqual(new Set(['pickUser', 'authorize', 'maybeRepeat']));
    for (const name of named) expect(typeof processor[name]).toBe('function');
    expect(script.config.includeFiles).toEqual(['./tokens.json']);
  });
});

describe('load test: the distributed run', () => {
  const run = {
    workers: 10,
    region: 'us-east-1',
    apiUrl: 'https://abc.execute-api.us-east-1.amazonaws.com',
    dotenvPath: '/x/.distributed.env',
    script: '/x/flash-sale.yml',
  };

  it("passes only flags of the installed Artillery's run-fargate, with an environment the script defines", () => {
    const args = fargateArgs({ ...run, spot: true });
    expect(args.slice(0, 1)).toEqual(['run-fargate']);
    const known = [...flagsOf('cmds/run-fargate.js'), ...flagsOf('cli/common-flags.js')];
    const used = args.filter((a) => a.startsWith('--')).map((a) => a.slice(2));
    expect(used).toEqual(['count', 'region', 'spot', 'environment', 'target', 'dotenv']);
    for (const flag of used) expect(known).toContain(flag);
    const value = (flag: string) => args[args.indexOf(`--${flag}`) + 1];
    expect(value('count')).toBe('10');
    expect(script.config.environments).toHaveProperty(value('environment') ?? '');
    expect(value('target')).toBe(run.apiUrl);
    expect(args[args.length - 1]).toBe(run.script);
    expect(fargateArgs(run)).not.toContain('--spot');
    expect(() => fargateArgs({ ...run, workers: 0 })).toThrow(RangeError);
  });

  it('gives every worker each variable the processor reads, and a per-user token from the shipped file', () => {
    const env = workerEnvironment({ campaignId: 'load-1', auth: 'file', users: 3 });
    const vars = Object.fromEntries(
      env
        .trim()
        .split('\n')
        .map((line) => line.split('=') as [string, string]),
    );
    const read = [...readFileSync(path.join(dir, 'user-ids.js'), 'utf8').matchAll(/process\.env\.(LOADTEST_\w+)/g)]
      .map((m) => m[1] as string)
      .filter((name) => name !== 'LOADTEST_TARGET'); // the local cloud's token issuer only
    for (const name of read) expect(Object.keys(vars)).toContain(name);
    expect(vars).toMatchObject({ LOADTEST_CAMPAIGN_ID: 'load-1', LOADTEST_AUTH: 'file', LOADTEST_USERS: '3' });

    // Prepare: a worker's processor with these variables and a tokens file (absolute here; relative on a worker).
    const tokens = path.join(mkdtempSync(path.join(tmpdir(), 'tokens-')), 'tokens.json');
    writeFileSync(tokens, JSON.stringify(['t0', 't1', 't2']));
    const saved = { ...process.env };
    Object.assign(process.env, vars, { LOADTEST_TOKENS_FILE: tokens });
    try {
      jest.isolateModules(() => {
        type Done = (error?: unknown) => void;
        type Context = { vars: Record<string, unknown> };
        const processor = require(path.join(dir, 'user-ids.js')) as {
          pickUser(context: Context, events: unknown, done: Done): void;
          authorize(request: { headers?: Record<string, string> }, context: Context, events: unknown, done: Done): void;
        };
        // Act: three virtual users.
        const picked = [0, 1, 2].map(() => {
          const context: Context = { vars: {} };
          processor.pickUser(context, undefined, () => undefined);
          const request: { headers?: Record<string, string> } = {};
          processor.authorize(request, context, undefined, () => undefined);
          return [context.vars.userId, request.headers?.authorization];
        });
        // Assess: each user its own token (user i, token i), starting anywhere in the pool.
        for (const [userId, authorization] of picked) {
          const i = Number(String(userId).replace('load-user-', ''));
          expect(authorization).toBe(`Bearer t${i}`);
        }
        expect(new Set(picked.map(([u]) => u)).size).toBe(3);
        expect(picked[0]?.[1]).toMatch(/^Bearer t[0-2]$/);
      });
    } finally {
      process.env = saved;
    }
  });

  it('costs the load generators at Fargate prices: 10 default tasks for 3 minutes, about $0.10', () => {
    // 4 vCPU x $0.04048 + 8 GB x $0.004445 = $0.19748 per task-hour.
    expect(fargateCostUsd(10, 3)).toBeCloseTo(10 * (3 / 60) * 0.19748, 10);
    // Billed for at least a minute.
    expect(fargateCostUsd(1, 0.2)).toBeCloseTo(0.19748 / 60, 10);
  });
});
