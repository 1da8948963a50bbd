import { spawn } from 'node:child_process';
import { ancestorPids, stopInOrder, stopWithLauncher } from '../../../tools/local/lifetime';

describe('local: the local cloud lives as long as what launched it', () => {
  it('reads the ancestors from /proc stat lines, whose command names may hold spaces and parentheses', () => {
    // Prepare
    const stats: Record<number, string> = {
      40: '40 (node) S 30 40 1 0',
      30: '30 (sh -c (x) y) S 20 30 1 0',
      20: '20 (npm start) S 1 20 1 0',
    };
    // Act
    const found = ancestorPids(40, (pid) => {
      const stat = stats[pid];
      if (!stat) throw new Error('ENOENT');
      return stat;
    });
    // Assess
    expect(found).toEqual([30, 20]);
  });

  it("finds this process's own parent", () => {
    expect(ancestorPids()[0]).toBe(process.ppid);
  });

  it('stops once on a signal, and no more after', () => {
    // Prepare
    const reasons: string[] = [];
    const listeners = process.listenerCount('SIGTERM');
    const dispose = stopWithLauncher((reason) => reasons.push(reason), 60_000);
    // Act
    process.emit('SIGTERM');
    process.emit('SIGINT');
    dispose();
    // Assess
    expect(reasons).toEqual(['SIGTERM']);
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
  });

  it('stops when a process that was its ancestor at the start exits', async () => {
    // Prepare: a child node process (the "local cloud") whose parent is a shell we then kill, as npm's exit leaves it.
    const script = `
      const { stopWithLauncher } = require(${JSON.stringify(require.resolve('../../../tools/local/lifetime'))});
      stopWithLauncher((reason) => { console.log('stopped: ' + reason); process.exit(0); }, 100);
      console.log('ready');
      setInterval(() => {}, 1000);
    `;
    const shell = spawn(
      'sh',
      ['-c', `"${process.execPath}" --import tsx -e '${script.replace(/'/g, `'\\''`)}'; true`],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    shell.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    for (let i = 0; i < 100 && !output.includes('ready'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('ready');
    // Act
    shell.kill('SIGKILL');
    for (let i = 0; i < 50 && !output.includes('stopped'); i++) await new Promise((r) => setTimeout(r, 100));
    // Assess
    expect(output).toMatch(new RegExp(`stopped: process ${shell.pid}, which started this one, has exited`));
  });
});

describe('local cloud: stopInOrder', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('asks every part to stop, in order, within the budget however many parts hang', async () => {
    // Prepare: 20 parts (as many as a local cloud has), the first 18 never finishing, the last two the emulators.
    const asked: number[] = [];
    const parts = Array.from({ length: 20 }, (_, i) => async () => {
      asked.push(i);
      if (i < 18) await new Promise<void>(() => undefined);
    });
    // Act
    let done = false;
    const stopping = stopInOrder(parts, { stepMs: 3_000, budgetMs: 12_000 }).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(12_000);
    await stopping;
    // Assess: four parts waited for, 3 s each, then the rest asked at once, the emulators included.
    expect(done).toBe(true);
    expect(asked).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('goes on at once past a part that stops or throws', async () => {
    const asked: string[] = [];
    await stopInOrder([
      async () => {
        asked.push('throws');
        throw new Error('already stopped');
      },
      async () => {
        asked.push('stops');
      },
    ]);
    expect(asked).toEqual(['throws', 'stops']);
  });
});
