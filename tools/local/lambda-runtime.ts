import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import type { Chaos } from './chaos';

/** How a function failed, as Lambda reports it. */
class InvocationError extends Error {
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
  /** The Node.js binary the environments run on: the template's Runtime's major (tools/local/node-runtime.ts). */
  readonly node: string;
  /** Seconds, from the template's Timeout. */
  readonly timeoutS: number;
  readonly memoryMb: number;
  /** Fully resolved environment. */
  readonly environment: Record<string, string>;
  readonly logFile: string;
  /** Most execution environments at once (Lambda's concurrency); further invocations wait for one. */
  readonly maxConcurrency: number;
}

interface Environment {
  readonly process: ChildProcess;
  busy: boolean;
  /** Started by provisioned concurrency: initialized ahead of any invocation. */
  provisioned?: boolean;
  /** Resolves when a provisioned environment's INIT phase is done. */
  initialized?: (error?: Error) => void;
  /** Runs older code (LocalFunction.updateCode): stopped once its invocation ends. */
  retired?: boolean;
  current?: {
    id: string;
    resolve(value: unknown): void;
    reject(error: Error): void;
    timer: NodeJS.Timeout;
    /** Injected crash pending: the environment dies before this invocation's result is returned. */
    crash?: NodeJS.Timeout | true;
  };
}

/**
 * One function's execution environments, as Lambda runs them: each is a worker process running the bundle with
 * the template's environment and serving ONE invocation at a time; new ones start (cold) when all are busy, up to
 * `maxConcurrency`, and further invocations queue. The Timeout is enforced by killing the environment, as Lambda
 * does; a crashed environment fails only its own invocation and is replaced on demand. With `chaos`, an
 * invocation may be made to crash (SIGKILL of its environment) mid-way or after its work, as an instance dies on
 * timeout or out of memory: the caller gets `Runtime.ExitError`, whatever the handler had already done stays done.
 */
export class LocalFunction {
  private readonly environments: Environment[] = [];
  private readonly waiting: ((env: Environment) => void)[] = [];
  private readonly log: WriteStream;
  private stopped = false;
  /**
   * Invocations started and cold starts so far; `provisionedStarts` counts environments started by provisioned
   * concurrency, whose INIT ran before any invocation (not cold starts, as on Lambda).
   */
  readonly stats = {
    invocations: 0,
    coldStarts: 0,
    crashes: 0,
    timeouts: 0,
    provisionedStarts: 0,
    /** Provisioned environments whose INIT has completed (ready for an invocation). */
    provisionedReady: 0,
  };
  /**
   * Provisioned concurrency: environments kept initialized ahead of invocations (tools/local/lambda-api.ts sets it).
   */
  private provisioned = 0;
  /** Moving average of invocation durations, ms: the span over which a `random` crash point is drawn. */
  private typicalMs = 50;
  /** The bundle and the environment new environments start with ({@link updateCode} changes them). */
  private code: { codeDir: string; environment: Record<string, string> };

  constructor(
    readonly spec: LocalFunctionSpec,
    private readonly chaos?: Chaos,
  ) {
    mkdirSync(path.dirname(spec.logFile), { recursive: true });
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
    this.code = { codeDir: spec.codeDir, environment: spec.environment };
  }

  /**
   * As Lambda's UpdateFunctionCode / UpdateFunctionConfiguration: new environments run the bundle in `codeDir`
   * (default: unchanged) with `environment` added to the template's (default: none added). Every idle environment
   * is stopped at once and every busy one after its invocation, so the next invocations start cold; provisioned
   * environments are started again with the new code. A local tool (benchmarks run a variant build this way).
   * @throws Error when a re-provisioned environment fails its INIT.
   */
  async updateCode(update: { codeDir?: string; environment?: Record<string, string> }): Promise<void> {
    this.code = {
      codeDir: update.codeDir ?? this.code.codeDir,
      environment: { ...this.spec.environment, ...update.environment },
    };
    for (const env of [...this.environments]) {
      if (env.busy) env.retired = true;
      else await this.kill(env, 'function code updated');
    }
    if (this.provisioned > 0) await this.setProvisioned(this.provisioned);
  }

  /**
   * Runs one invocation and resolves with the handler's result.
   * @throws InvocationError: `Sandbox.Timedout` on timeout, `Runtime.ExitError` when the environment dies,
   *   else the handler's error type.
   */
  async invoke(event: unknown): Promise<unknown> {
    if (this.stopped) throw new InvocationError('Runtime.ExitError', 'the local cloud is stopping');
    const env = await this.acquire();
    const id = randomUUID();
    this.stats.invocations++;
    const started = performance.now();
    const crash = this.chaos?.crash(this.spec.logicalId);
    try {
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          env.current = undefined;
          this.stats.timeouts++;
          reject(
            new InvocationError('Sandbox.Timedout', `Task timed out after ${this.spec.timeoutS.toFixed(2)} seconds`),
          );
          this.kill(env, 'the invocation timed out');
        }, this.spec.timeoutS * 1000);
        env.current = { id, resolve, reject, timer };
        if (crash === 'end') env.current.crash = true;
        if (crash === 'random') {
          env.current.crash = setTimeout(
            () => {
              if (env.current?.id === id) this.crash(env);
            },
            (this.chaos as Chaos).uniform() * this.typicalMs,
          );
        }
        const deadline = Date.now() + this.spec.timeoutS * 1000;
        env.process.send({ id, event, deadline, requestId: id }, (error) => {
          if (!error || env.current?.id !== id) return;
          clearTimeout(timer);
          env.current = undefined;
          reject(
            new InvocationError('Runtime.ExitError', `could not reach the execution environment: ${error.message}`),
          );
        });
      });
    } finally {
      this.typicalMs = 0.9 * this.typicalMs + 0.1 * (performance.now() - started);
      this.release(env);
    }
  }

  /** Kills `env` during its current invocation, which fails with `Runtime.ExitError` (an injected crash). */
  private crash(env: Environment) {
    const current = env.current;
    if (!current) return;
    clearTimeout(current.timer);
    if (current.crash !== true) clearTimeout(current.crash);
    env.current = undefined;
    this.stats.crashes++;
    current.reject(
      new InvocationError('Runtime.ExitError', 'Runtime exited with error: signal: killed (injected crash)'),
    );
    void this.kill(env, 'injected crash');
  }

  /**
   * Provisioned concurrency, as Lambda applies it to an alias: starts environments until `executions` exist, each
   * running its INIT (loading the bundle) ahead of any invocation, and resolves once they are ready; the
   * concurrency limit becomes at least `executions`. Lowering it stops idle environments above the new limit.
   * @throws Error when an environment fails its INIT.
   */
  async setProvisioned(executions: number): Promise<void> {
    this.provisioned = executions;
    const limit = Math.max(this.spec.maxConcurrency, executions);
    for (const env of this.environments
      .filter((e) => !e.busy)
      .slice(0, Math.max(0, this.environments.length - limit))) {
      await this.kill(env, 'provisioned concurrency lowered');
    }
    const starting: Promise<void>[] = [];
    while (this.environments.length < executions) {
      const env = this.spawn(true);
      env.busy = true; // until its INIT is done; then it serves invocations or waiters
      starting.push(
        new Promise<void>((resolve, reject) => {
          env.initialized = (error) => (error ? reject(error) : resolve());
          env.process.send({ init: true, id: randomUUID() });
        }),
      );
    }
    await Promise.all(starting);
  }

  /** Stops every environment; running and queued invocations fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.environments.map((env) => this.kill(env, 'the local cloud is stopping')));
    this.log.end();
  }

  private acquire(): Promise<Environment> {
    const idle = this.environments.find((e) => !e.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.environments.length < Math.max(this.spec.maxConcurrency, this.provisioned)) {
      const env = this.spawn();
      env.busy = true;
      return Promise.resolve(env);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(env: Environment) {
    if (env.retired && this.environments.includes(env)) void this.kill(env, 'function code updated');
    if (!this.environments.includes(env)) {
      // It died: hand a fresh environment to the next waiter, if any.
      const next = this.waiting.shift();
      if (next && !this.stopped) {
        const fresh = this.spawn();
        fresh.busy = true;
        next(fresh);
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(env);
    else env.busy = false;
  }

  private spawn(provisioned = false): Environment {
    if (provisioned) this.stats.provisionedStarts++;
    else this.stats.coldStarts++;
    const child = fork(path.join(__dirname, 'lambda-worker.js'), [], {
      env: {
        ...this.code.environment,
        LOCAL_LAMBDA_ENTRY: this.code.codeDir,
        LOCAL_LAMBDA_HANDLER: this.spec.handler,
        LOCAL_LAMBDA_ARN: this.spec.arn,
        // As Lambda sets it: a handler may warm up at INIT only in a provisioned environment (nobody waits for it).
        AWS_LAMBDA_INITIALIZATION_TYPE: provisioned ? 'provisioned-concurrency' : 'on-demand',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // A plain Node process, as Lambda's runtime: not the cloud's own tsx loader hooks (inherited by default).
      execArgv: [],
      execPath: this.spec.node,
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    const env: Environment = { process: child, busy: false, provisioned };
    child.on(
      'message',
      (message: {
        id: string;
        result?: unknown;
        initialized?: boolean;
        error?: { errorType: string; errorMessage: string };
      }) => {
        if (env.initialized && !env.current) {
          const done = env.initialized;
          env.initialized = undefined;
          if (!message.error) this.stats.provisionedReady++;
          this.release(env);
          return done(
            message.error ? new InvocationError(message.error.errorType, message.error.errorMessage) : undefined,
          );
        }
        const current = env.current;
        if (!current || current.id !== message.id) return;
        if (current.crash) return this.crash(env); // the work is done; the result never leaves the instance
        clearTimeout(current.timer);
        env.current = undefined;
        if (message.error) current.reject(new InvocationError(message.error.errorType, message.error.errorMessage));
        else current.resolve(message.result);
      },
    );
    child.on('exit', (code, signal) => {
      this.forget(env);
      env.initialized?.(new InvocationError('Runtime.ExitError', `Runtime exited during INIT (code ${code})`));
      const current = env.current;
      if (current) {
        clearTimeout(current.timer);
        env.current = undefined;
        current.reject(new InvocationError('Runtime.ExitError', `Runtime exited (code ${code}, signal ${signal})`));
      }
    });
    this.environments.push(env);
    return env;
  }

  private forget(env: Environment) {
    const index = this.environments.indexOf(env);
    if (index >= 0) this.environments.splice(index, 1);
  }

  private kill(env: Environment, reason: string): Promise<void> {
    this.forget(env);
    this.log.write(`${JSON.stringify({ level: 'WARN', message: `stopping execution environment: ${reason}` })}\n`);
    return new Promise((resolve) => {
      if (env.process.exitCode !== null || env.process.signalCode !== null) return resolve();
      env.process.once('exit', () => resolve());
      env.process.kill('SIGKILL');
    });
  }
}
