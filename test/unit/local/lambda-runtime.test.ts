import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalFunction } from '../../../tools/local/lambda-runtime';

jest.setTimeout(30_000);

/** A function `fn` of the code in `codeDir`, two environments at most, logging into `dir`. */
function localFunction(codeDir: string, dir: string): LocalFunction {
  return new LocalFunction({
    logicalId: 'Fn',
    functionName: 'fn',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
    codeDir,
    handler: 'index.handler',
    node: process.execPath,
    timeoutS: 10,
    memoryMb: 128,
    environment: { PATH: process.env.PATH ?? '' },
    logFile: path.join(dir, 'fn.log'),
    maxConcurrency: 2,
  });
}

describe('local runtime: a function code update', () => {
  let dir: string;
  let fn: LocalFunction;

  /** A bundle answering `<name>:<X>:<pid>` after `WAIT_MS` (from the event). */
  const bundle = (name: string) => {
    const codeDir = path.join(dir, name);
    mkdirSync(codeDir, { recursive: true });
    writeFileSync(
      path.join(codeDir, 'index.js'),
      `exports.handler = async (event) => { await new Promise((r) => setTimeout(r, event.waitMs ?? 0));
        return '${name}:' + (process.env.X ?? '-') + ':' + process.pid; };`,
    );
    return codeDir;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lambda-runtime-'));
    fn = localFunction(bundle('a'), dir);
  });
  afterEach(async () => {
    await fn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const parts = (answer: unknown) => String(answer).split(':');

  it('runs the new bundle with the added environment in a fresh environment', async () => {
    const [code, x, pid] = parts(await fn.invoke({}));
    expect([code, x]).toEqual(['a', '-']);
    expect(parts(await fn.invoke({}))[2]).toBe(pid); // warm: the same environment

    await fn.updateCode({ codeDir: bundle('b'), environment: { X: '1' } });
    const [newCode, newX, newPid] = parts(await fn.invoke({}));
    expect([newCode, newX]).toEqual(['b', '1']);
    expect(newPid).not.toBe(pid);
    expect(fn.stats.coldStarts).toBe(2);
  });

  it('lets a running invocation finish on the old code, then retires its environment', async () => {
    const running = fn.invoke({ waitMs: 300 });
    await new Promise((r) => setTimeout(r, 100));
    await fn.updateCode({});
    const [code, , pid] = parts(await running);
    expect(code).toBe('a');
    expect(parts(await fn.invoke({}))[2]).not.toBe(pid);
  });

  it('starts the provisioned environments again with the new code', async () => {
    await fn.setProvisioned(1);
    expect(fn.stats).toMatchObject({ provisionedStarts: 1, provisionedReady: 1 });
    await fn.updateCode({ codeDir: bundle('b') });
    expect(fn.stats).toMatchObject({ provisionedStarts: 2, provisionedReady: 2, coldStarts: 0 });
    expect(parts(await fn.invoke({}))[0]).toBe('b');
    expect(fn.stats.coldStarts).toBe(0);
  });
});

describe('local runtime: an ES module bundle', () => {
  let dir: string;
  let fn: LocalFunction;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lambda-runtime-esm-'));
    const codeDir = path.join(dir, 'code');
    mkdirSync(codeDir);
    // INIT awaits 300 ms, then leaves a file named after the environment's pid and initialization type.
    writeFileSync(
      path.join(codeDir, 'index.mjs'),
      `import { writeFileSync } from 'node:fs';
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(${JSON.stringify(dir)} + '/init-' + process.pid, process.env.AWS_LAMBDA_INITIALIZATION_TYPE);
      export const handler = async () => process.pid + ':' + process.env.AWS_LAMBDA_INITIALIZATION_TYPE;`,
    );
    fn = localFunction(codeDir, dir);
  });
  afterEach(async () => {
    await fn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a provisioned environment ready only after its top-level await, as provisioned-concurrency', async () => {
    await fn.setProvisioned(1);
    expect(fn.stats).toMatchObject({ provisionedReady: 1, coldStarts: 0 });
    const inits = readdirSync(dir).filter((f) => f.startsWith('init-'));
    expect(inits).toHaveLength(1);
    expect(readFileSync(path.join(dir, inits[0] as string), 'utf8')).toBe('provisioned-concurrency');
    expect(await fn.invoke({})).toBe(`${(inits[0] as string).slice(5)}:provisioned-concurrency`);
  });

  it('loads it on the first invocation of a cold start, as on-demand', async () => {
    const [pid, type] = String(await fn.invoke({})).split(':');
    expect(type).toBe('on-demand');
    expect(readFileSync(path.join(dir, `init-${pid}`), 'utf8')).toBe('on-demand');
    expect(fn.stats.coldStarts).toBe(1);
  });
});
