import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import * as path from 'node:path';

/** How a function failed, as Lambda reports it. */
export class InvocationError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvocationError';
  }
}

/** A function as the local runtime runs it. */
export interface LocalFunctionSpec {
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn: string;
  /** Directory of the bundled asset in cdk.out. */
  readonly codeDir: string;
  /** `file.export`, from the template's Handler. */
  readonly handler: string;
  /** Seconds, from the template's Timeout. */
  readonly timeoutS: number;
  readonly memoryMb: number;
  /** Fully resolved environment. */
  readonly environment: Record<string, string>;
  readonly logFile: string;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  worker: ChildProcess;
}

/**
 * One function's execution environment: a worker process running its bundle with the template's environment.
 * Invocations are sent over IPC; the Timeout is enforced by killing the worker, as Lambda tears down an
 * environment whose invocation timed out (other invocations in it fail with it). A dead worker is replaced on the
 * next invocation (a cold start).
 */
export class LocalFunction {
  private worker: ChildProcess | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly log: WriteStream;
  /** Invocations started since the runtime began. */
  invocations = 0;

  constructor(readonly spec: LocalFunctionSpec) {
    mkdirSync(path.dirname(spec.logFile), { recursive: true });
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  /**
   * Runs one invocation and resolves with the handler's result.
   * @throws InvocationError with errorType `Sandbox.Timedout` on timeout, the handler's error type otherwise.
   */
  invoke(event: unknown): Promise<unknown> {
    const worker = this.ensureWorker();
    const id = randomUUID();
    const deadline = Date.now() + this.spec.timeoutS * 1000;
    this.invocations++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new InvocationError('Sandbox.Timedout', `Task timed out after ${this.spec.timeoutS.toFixed(2)} seconds`));
        this.recycle(worker, 'an invocation timed out');
      }, this.spec.timeoutS * 1000);
      this.pending.set(id, { resolve, reject, timer, worker });
      worker.send({ id, event, deadline, requestId: id }, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new InvocationError('Runtime.ExitError', `could not reach the execution environment: ${error.message}`));
      });
    });
  }

  /** Stops the worker; pending invocations fail. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker) await this.recycle(worker, 'the local cloud is stopping');
    this.log.end();
  }

  private ensureWorker(): ChildProcess {
    if (this.worker && this.worker.exitCode === null && this.worker.signalCode === null) return this.worker;
    const worker = fork(path.join(__dirname, 'lambda-worker.js'), [], {
      env: {
        ...this.spec.environment,
        LOCAL_LAMBDA_ENTRY: this.spec.codeDir,
        LOCAL_LAMBDA_HANDLER: this.spec.handler,
        LOCAL_LAMBDA_ARN: this.spec.arn,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    worker.stdout?.pipe(this.log, { end: false });
    worker.stderr?.pipe(this.log, { end: false });
    worker.on('message', (message: { id: string; result?: unknown; error?: { errorType: string; errorMessage: string } }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      clearTimeout(pending.timer);
      this.pending.delete(message.id);
      if (message.error) pending.reject(new InvocationError(message.error.errorType, message.error.errorMessage));
      else pending.resolve(message.result);
    });
    worker.on('exit', (code, signal) => {
      if (this.worker === worker) this.worker = undefined;
      this.failPending(worker, `Runtime exited (code ${code}, signal ${signal})`);
    });
    this.worker = worker;
    return worker;
  }

  private failPending(worker: ChildProcess, reason: string) {
    for (const [id, pending] of this.pending) {
      if (pending.worker !== worker) continue;
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(new InvocationError('Runtime.ExitError', reason));
    }
  }

  private recycle(worker: ChildProcess, reason: string): Promise<void> {
    if (this.worker === worker) this.worker = undefined;
    this.log.write(`${JSON.stringify({ level: 'WARN', message: `recycling execution environment: ${reason}` })}\n`);
    return new Promise((resolve) => {
      if (worker.exitCode !== null || worker.signalCode !== null) return resolve();
      worker.once('exit', () => resolve());
      worker.kill('SIGKILL');
    });
  }
}
