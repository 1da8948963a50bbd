import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { readmePrelude, readmeScript, shellBlocks } from '../support/readme-shell';

// README.md's shell examples, run as a reader runs them after `npm start`: every block marked
// `<!-- readme-test: run -->`, in order, in one bash, from a directory inside the clone whose `.local` is this
// test's cloud (so `./.local/endpoints.json` and `npm run admin` find it, as they find `npm start`'s). Each
// request's status is checked against the `# <status>` comment after its command (2xx without one), and every
// other command must exit 0; so an example cannot go stale.

jest.setTimeout(600_000);

const root = path.join(__dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** One line of the runner's log (test/support/readme-shell.ts readmePrelude). */
interface Checked {
  readonly line: number;
  readonly status: string;
  readonly expected: string;
  readonly ok: boolean;
  readonly command: string;
}

describe('README.md, run against a local cloud (dynamodb admission mode)', () => {
  let cloud: RunningCloud;
  let stateDir: string;

  beforeAll(async () => {
    cloud = await startCloudProcess('dynamodb', { tag: 'readme' });
    stateDir = path.dirname(cloud.logDir);
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('declares every shell block run or skipped', () => {
    expect(
      shellBlocks(readme)
        .filter((b) => b.marker === undefined)
        .map((b) => `line ${b.fenceLine}`),
    ).toEqual([]);
  });

  it('runs every run block in order: each request answers the status its comment gives, every command succeeds', () => {
    // Prepare: a reader's working directory inside the clone, whose .local is this cloud's state directory.
    const cwd = path.join(stateDir, 'reader');
    mkdirSync(cwd, { recursive: true });
    symlinkSync('..', path.join(cwd, '.local'));
    symlinkSync(path.join(root, 'openapi.json'), path.join(cwd, 'openapi.json'));
    const preludeFile = path.join(cwd, 'prelude.sh');
    const { script, expected, commands } = readmeScript(readme, preludeFile);
    writeFileSync(preludeFile, readmePrelude(expected));
    writeFileSync(path.join(cwd, 'readme.sh'), script);
    const log = path.join(cwd, 'checks.tsv');
    writeFileSync(log, '');

    // Act
    const run = spawnSync('bash', ['readme.sh'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, LOCAL_CLOUD_STATE_DIR: stateDir, README_LOG: log },
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });

    // Assess
    const entries = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const exits = entries.filter((e) => e.split('\t')[1] === 'EXIT');
    const checked: Checked[] = entries
      .filter((e) => e.split('\t')[1] !== 'EXIT')
      .map((e) => {
        const [line, status, want, ok, command] = e.split('\t');
        return {
          line: Number(line),
          status: status ?? '',
          expected: want ?? '',
          ok: ok === 'yes',
          command: command ?? '',
        };
      });
    const failures = checked.filter((c) => !c.ok);
    const tail = `${run.stdout ?? ''}\n${run.stderr ?? ''}`.slice(-4000);
    const passed = run.status === 0 && failures.length === 0 && exits.length === 0;
    // The output's end, only when something failed: what the failing command printed.
    expect({ exit: run.status, signal: run.signal, failures, exits, tail: passed ? '' : tail }).toEqual({
      exit: 0,
      signal: null,
      failures: [],
      exits: [],
      tail: '',
    });
    // Every command that sends a request had it checked (the wrappers saw it), and so every status a comment
    // promises (a status comment on a command that sends none is stale).
    const readmeLines = readme.split('\n');
    const sends = (c: { from: number; to: number }) =>
      /(^|[\s(|;])(curl|npm run (-s )?admin) /.test(readmeLines.slice(c.from - 1, c.to).join('\n'));
    const unchecked = commands
      .filter((c) => c.expectedStatus !== undefined || sends(c))
      .filter((c) => !checked.some((k) => k.line >= c.from && k.line <= c.to))
      .map((c) => `README line ${c.from}: ${c.expectedStatus ? `# ${c.expectedStatus}, ` : ''}no request checked`);
    expect({ unchecked, tail: unchecked.length ? tail : '' }).toEqual({ unchecked: [], tail: '' });
    expect(commands.filter(sends).length).toBeGreaterThan(20);
  });

  /** `npm run demo` against this cloud. */
  const demo = () =>
    spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'tools/ops/demo.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LOCAL_CLOUD_STATE_DIR: stateDir },
      timeout: 120_000,
    });

  it('npm run demo runs again: it reuses the vendor and the open campaign and prints the drop pages', () => {
    const again = demo();

    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: '' });
    expect(again.stdout).toMatch(/^vendor +demo \(reused\)$/m);
    expect(again.stdout).toMatch(/^open now +demo-open-\d{8} \(reused\)/m);
    expect(again.stdout).toMatch(/^opens soon +demo-opens-\d{8}-\d{4} \((created|reused)\)/m);
    expect(again.stdout).toMatch(new RegExp(`^console +${cloud.endpoints.apiUrl}/console/$`, 'm'));
    expect(again.stdout).toMatch(/^countdown +http:\S+\/drop\/\?campaign=demo-opens-\d{8}-\d{4}$/m);
  });

  it('npm run demo after an operator closed the open campaign: creates it again under a new id', async () => {
    // Prepare
    const first = demo();
    const openId = /^open now +(\S+)/m.exec(first.stdout)?.[1] ?? '';
    const closed = await cloud.client.admin.POST('/v1/admin/campaigns/{campaignId}/close', {
      params: { path: { campaignId: openId } },
    });

    // Act
    const after = demo();

    // Assess
    expect({ openId, closed: closed.response.status }).toEqual({
      openId: expect.stringMatching(/^demo-open-/),
      closed: 200,
    });
    expect(after.status).toBe(0);
    expect(after.stdout).toMatch(new RegExp(`^open now +${openId}-\\d{6} \\(created\\)`, 'm'));
  });
});
