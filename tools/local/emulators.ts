import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** The project root (this file lives in `tools/local/`). */
export const projectRoot = path.resolve(__dirname, '..', '..');

/** A started emulator: where it listens and how to stop it. */
export interface Emulator {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound then released; fine for local tools). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on `port`, polling every 100 ms. @throws after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start listening on port ${port} within ${timeoutMs} ms`);
}

function startProcess(
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
) {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  // An emulator never outlives the local cloud process that exits (a stop cut short, process.exit, an uncaught
  // error); only a SIGKILL of that process leaves it running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return child;
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function started(child: ChildProcess, port: number, what: string, timeoutMs: number): Promise<Emulator> {
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${code} before listening`))),
  );
  try {
    await Promise.race([waitForPort(port, timeoutMs, what), exited]);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  exited.catch(() => undefined);
  return { endpoint: `http://127.0.0.1:${port}`, port, stop: () => stopProcess(child) };
}

/**
 * The official DynamoDB Local (Java), from the jar shipped in the npm package `amplify-dynamodb-simulator`,
 * in memory, without telemetry. Needs `java` (17+) on PATH; `npm start` checks for it first
 * (tools/local/prerequisites.ts). It runs in `logDir`, because it writes its installation id,
 * `dynamodb-local-metadata.json`, into its working directory.
 */
export async function startDynamoDbLocal(logDir: string, port?: number): Promise<Emulator> {
  const listen = port ?? (await freePort());
  const dir = path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  const cwd = path.resolve(logDir);
  const child = startProcess(
    'java',
    [
      `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
      '-Xmx1g',
      '-jar',
      path.join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(listen),
    ],
    path.join(cwd, 'dynamodb-local.log'),
    process.env,
    cwd,
  );
  return started(child, listen, 'DynamoDB Local', 60_000);
}

/** fauxqs (SQS emulator) 1.9.x in its own Node process, without request logging. */
export async function startFauxqs(logDir: string, port?: number): Promise<Emulator> {
  const listen = port ?? (await freePort());
  // Beside this file in the sources and in the package's bundle (dist/local/, tools/build/local-cli.ts).
  const cli = path.join(__dirname, 'fauxqs-server.mjs');
  const child = startProcess(process.execPath, [cli], path.join(logDir, 'fauxqs.log'), {
    ...process.env,
    FAUXQS_PORT: String(listen),
  });
  return started(child, listen, 'fauxqs', 30_000);
}

/** A throwaway redis-server: no persistence, loopback only. Needs `redis-server` on PATH. */
export async function startRedisServer(logDir: string, port?: number): Promise<Emulator> {
  const listen = port ?? (await freePort());
  const child = startProcess(
    'redis-server',
    ['--port', String(listen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
    path.join(logDir, 'redis-server.log'),
  );
  return started(child, listen, 'redis-server', 15_000);
}
