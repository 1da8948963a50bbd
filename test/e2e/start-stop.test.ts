import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LocalEndpoints } from '../../tools/local/cloud';
import { projectRoot } from '../../tools/local/emulators';
import { parentPidOf } from '../../tools/local/lifetime';

jest.setTimeout(300_000);

// README: `npm start` runs the local cloud until Ctrl-C or SIGTERM. A signal to the pid of `npm start` (what a
// terminal, a process manager or `kill` sends) stops everything it started: the emulators, the function workers and
// the API.

/** Every process descended from `pid`, read from /proc (Linux). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = parentPidOf(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while the table was read.
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** True while a process with this pid exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Processes whose environment names `stateDir` as the local cloud's state directory: all the cloud started. */
function processesOf(stateDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return (
          alive(pid) && readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`LOCAL_CLOUD_STATE_DIR=${stateDir}\0`)
        );
      } catch {
        return false;
      }
    });
}

/** True when something accepts a TCP connection at the URL's host and port. */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('npm start', () => {
  let dir: string;
  let npm: ChildProcess | undefined;
  /** Every process a test started, so that none outlives the suite when a test fails. */
  const spawned = new Set<number>();

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fcfs-start-'));
  });
  afterAll(() => {
    if (npm?.pid) for (const pid of [npm.pid, ...descendants(npm.pid)]) spawned.add(pid);
    for (const pid of [...spawned].filter(alive)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('stops everything it started when its pid gets %s', async (signal) => {
    // Prepare
    const stateDir = path.join(dir, signal);
    const endpointsFile = path.join(stateDir, 'endpoints.json');
    // --ignore-scripts skips prestart's rebuild of assets/ (npm test has built it), which would pull the bundles from
    // under the other end-to-end tests running beside this one; start itself still runs as `npm start` runs it.
    npm = spawn('npm', ['start', '--ignore-scripts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        PORT: '0',
        ADMISSION_MODE: 'redis',
        LOCAL_CLOUD_STATE_DIR: stateDir,
        LOCAL_CLOUD_CDK_OUT: path.join(dir, `cdk.out.${signal}`),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    npm.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => npm?.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 480 && !existsSync(endpointsFile) && npm.exitCode === null; i++) await sleep(500);
    if (!existsSync(endpointsFile)) throw new Error(`npm start did not become ready:\n${output}`);
    const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as LocalEndpoints;
    const urls = [
      endpoints.apiUrl,
      endpoints.dynamodbEndpoint,
      endpoints.sqsEndpoint,
      endpoints.eventBridgeEndpoint,
      endpoints.redisRestUrl,
    ].filter((u): u is string => u !== undefined);
    expect(await Promise.all(urls.map(listening))).toEqual(urls.map(() => true));
    const started = [...new Set([...descendants(npm.pid as number), ...processesOf(stateDir)])];
    for (const pid of started) spawned.add(pid);
    // Act
    npm.kill(signal);
    await Promise.race([exited, sleep(30_000)]);
    for (let i = 0; i < 40 && started.some(alive); i++) await sleep(250);
    // Assess
    const left = started.filter(alive).map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        return String(pid);
      }
    });
    expect(left).toEqual([]);
    expect(processesOf(stateDir)).toEqual([]);
    expect(await Promise.all(urls.map(listening))).toEqual(urls.map(() => false));
    expect(npm.exitCode === null && npm.signalCode === null).toBe(false);
  });
});
