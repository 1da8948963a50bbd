import { Redis as Upstash } from '@upstash/redis';
import { startRedisServer } from '../local/emulators';
import { startUpstashBridge } from '../local/upstash-bridge';
import { type Answer, type RunKeys, STRATEGIES, type Strategy } from './admission-algorithms';
import { type RedisTransport, respTransport, restTransport } from './redis-transports';
import { clearOfNoise, closedLoop, type Latency, latency, type RoundsSummary, summarizeRounds } from './stats';

/** The measured outcome of one strategy at one concurrency over one transport. */
interface StrategyResult {
  readonly transport: 'resp' | 'rest';
  readonly strategy: Strategy['id'];
  readonly name: string;
  readonly concurrency: number;
  /** Requests run: the workload's size, or fewer when the run hit its time budget. */
  readonly requests: number;
  readonly opsPerSecond: number;
  readonly latencyMs: Latency;
  /** Distinct users answered ADMITTED. */
  readonly admitted: number;
  /** ADMITTED answers beyond the quota (a user admitted twice counts twice). */
  readonly oversold: number;
  /** Users marked in Redis as admitted without an ADMITTED answer: they can never get a coupon. */
  readonly stranded: number;
  /**
   * Users turned away wrongly: answered ALREADY_ADMITTED without ever being admitted, plus users answered SOLD_OUT
   * (never admitted) while quota was left unused at the end.
   */
  readonly wronglyRejected: number;
  /** Requests that failed (for the lock: no lock within its 10 s wait). */
  readonly errors: number;
}

/** Workload of the issue: `requests` requests from `users` distinct users (the rest repeat), shuffled. */
export function workload(requests: number, users: number, seed = 42): string[] {
  const ids = Array.from({ length: requests }, (_, i) => `user-${i % users}`);
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }
  return ids;
}

/** Runs one strategy once, one client per concurrent caller, and checks its end state. */
async function runStrategy(
  connect: () => RedisTransport,
  strategy: Strategy,
  options: { concurrency: number; requests: readonly string[]; quota: number; runId: string; budgetMs?: number },
): Promise<StrategyResult> {
  const callers = Array.from({ length: options.concurrency }, connect);
  const t = callers[0] as RedisTransport;
  const prefix = `bench:${options.runId}:${t.name}:${strategy.id}:${options.concurrency}`;
  const keys: RunKeys = { count: `${prefix}:count`, users: `${prefix}:users`, lock: `${prefix}:lock` };
  const admits = callers.map((caller) => strategy.prepare(caller, keys, options.quota));
  const answers: Answer[] = new Array(options.requests.length);
  const { elapsedMs, samples, completed } = await closedLoop(
    options.requests.length,
    options.concurrency,
    async (i, w) => {
      const admit = admits[w] as (userId: string) => Promise<Answer>;
      answers[i] = await admit(options.requests[i] as string).catch(() => 'ERROR' as const);
    },
    options.budgetMs,
  );

  const users = (answer: Answer) => new Set(options.requests.filter((_, i) => answers[i] === answer));
  const admittedAnswers = answers.filter((a) => a === 'ADMITTED').length;
  const admittedUsers = users('ADMITTED');
  const notAdmitted = (set: Set<string>) => [...set].filter((u) => !admittedUsers.has(u)).length;
  const falseAlready = notAdmitted(users('ALREADY_ADMITTED'));
  const falseSoldOut = Math.min(notAdmitted(users('SOLD_OUT')), Math.max(0, options.quota - admittedUsers.size));
  const marked = await strategy.marked(t, keys);
  await Promise.all(callers.map((caller) => caller.close()));
  const ceiling = strategy.id === 'e';
  return {
    transport: t.name,
    strategy: strategy.id,
    name: strategy.name,
    concurrency: options.concurrency,
    requests: completed,
    opsPerSecond: Math.round((completed / elapsedMs) * 1000),
    latencyMs: latency(samples),
    admitted: ceiling ? 0 : admittedUsers.size,
    oversold: ceiling ? 0 : Math.max(0, admittedAnswers - options.quota),
    stranded: marked ? marked.filter((u) => !admittedUsers.has(u)).length : 0,
    wronglyRejected: ceiling ? 0 : falseAlready + falseSoldOut,
    errors: answers.filter((a) => a === 'ERROR').length,
  };
}

/** Sizes of the admission benchmark; the full run's are the defaults. */
export interface AdmissionBenchOptions {
  readonly requests: number;
  readonly users: number;
  readonly quota: number;
  readonly concurrencies: readonly number[];
  readonly transports: readonly ('resp' | 'rest')[];
  /** Wall-time cap of one run, ms (the lock over REST at concurrency 200 manages ~20 requests/s). */
  readonly budgetMs: number;
  /**
   * Interleaved rounds of every strategy per transport (at every concurrency); the median run is reported (RESP
   * runs last well under a second).
   */
  readonly rounds: { readonly resp: number; readonly rest: number };
  /** The concurrency the goals compare the strategies at (Q4: 50); one of `concurrencies`. */
  readonly goalConcurrency: number;
  /**
   * Rounds per transport at `goalConcurrency`: at least `min` of (d) and the strategies of the goals, then more, up
   * to `max`, of (d) and each strategy whose goal ratio's 95% interval still straddles its threshold.
   */
  readonly goalRounds: { readonly resp: RoundLimits; readonly rest: RoundLimits };
}

/** Least and most rounds. */
interface RoundLimits {
  readonly min: number;
  readonly max: number;
}

/** The goals of Q4: (d) ops/s >= `atLeast` x the other strategy's, at the goal concurrency. */
const ADMISSION_GOALS = [
  { versus: 'b', atLeast: 5 },
  { versus: 'c', atLeast: 1.3 },
  { versus: 'e', atLeast: 0.6 },
] as const satisfies readonly { versus: Strategy['id']; atLeast: number }[];

/** (d)'s ops/s over another strategy's, per round of one transport at the goal concurrency. */
export interface AdmissionRatio {
  readonly transport: 'resp' | 'rest';
  readonly concurrency: number;
  readonly versus: Strategy['id'];
  /** The goal: the median ratio at least this. */
  readonly atLeast: number;
  /** The ratios of the rounds that ran both, with the median and its interval. */
  readonly ratio: RoundsSummary;
  /** True when the 95% interval of the median lies on one side of `atLeast`: the verdict is not noise. */
  readonly clear: boolean;
}

/** The median run of one strategy at one concurrency over one transport, with every round's rate. */
export interface StrategySummary extends StrategyResult {
  /** ops/s of each round, in the order run. */
  readonly roundsOpsPerSecond: readonly number[];
}

/** What the benchmark returns. */
export interface AdmissionResult {
  readonly runs: StrategySummary[];
  readonly ratios: AdmissionRatio[];
}

/** The full run's workload: 20,000 requests from 15,000 users, quota 1,000, at concurrency 1, 50 and 200. */
export const ADMISSION_DEFAULTS: AdmissionBenchOptions = {
  requests: 20_000,
  users: 15_000,
  quota: 1_000,
  concurrencies: [1, 50, 200],
  transports: ['resp', 'rest'],
  budgetMs: 15_000,
  rounds: { resp: 3, rest: 1 },
  goalConcurrency: 50,
  goalRounds: { resp: { min: 6, max: 30 }, rest: { min: 6, max: 12 } },
};

/**
 * Starts a throwaway redis-server (and the Upstash REST bridge), runs every strategy at every concurrency over
 * each transport against it, and stops it. Each run uses its own keys; the same shuffled workload for all.
 * Rounds interleave the strategies, so a GC pause or JIT warm-up does not favour one; the median run of each
 * strategy (by ops/s) is reported, and at the goal concurrency each round's ratios of (d) to the others.
 */
export async function benchAdmissionStrategies(
  options: AdmissionBenchOptions = ADMISSION_DEFAULTS,
  log: (line: string) => void = () => undefined,
): Promise<AdmissionResult> {
  const server = await startRedisServer('.local/bench');
  const bridge = await startUpstashBridge({ redisPort: server.port, token: 'bench' });
  const requests = workload(options.requests, options.users);
  const runId = Date.now().toString(36);
  const results: StrategySummary[] = [];
  const ratios: AdmissionRatio[] = [];
  try {
    for (const name of options.transports) {
      const connect = () =>
        name === 'resp'
          ? respTransport(server.port)
          : restTransport(
              // As the Lambdas configure it (src/functions/runtime/composition-root.ts).
              new Upstash({
                url: bridge.url,
                token: bridge.token,
                enableTelemetry: false,
                automaticDeserialization: false,
              }),
            );
      for (const concurrency of options.concurrencies) {
        const withGoals = concurrency === options.goalConcurrency;
        const limits = withGoals ? options.goalRounds[name] : { min: options.rounds[name], max: options.rounds[name] };
        const runs = new Map<Strategy['id'], StrategyResult[]>();
        const perRound = new Map<Strategy['id'], number[]>(ADMISSION_GOALS.map((g) => [g.versus, []]));
        const summarize = () =>
          ADMISSION_GOALS.map((goal) => {
            const ratio = summarizeRounds(perRound.get(goal.versus) ?? []);
            return {
              transport: name,
              concurrency,
              versus: goal.versus,
              atLeast: goal.atLeast,
              ratio,
              clear: clearOfNoise(ratio, goal.atLeast),
            };
          });
        for (let round = 0; round < limits.max; round++) {
          const undecided = summarize().filter((r) => !r.clear);
          if (round >= limits.min && undecided.length === 0) break;
          // The transport's `rounds` run every strategy; the rounds the goals add only (d) and the strategies whose
          // ratio to it is undecided (all of them until `min`).
          const ids = new Set<Strategy['id']>(
            round < options.rounds[name] ? STRATEGIES.map((s) => s.id) : ['d', ...undecided.map((r) => r.versus)],
          );
          const thisRound = new Map<Strategy['id'], StrategyResult>();
          for (const strategy of STRATEGIES.filter((s) => ids.has(s.id))) {
            const result = await runStrategy(connect, strategy, {
              concurrency,
              requests,
              quota: options.quota,
              runId: `${runId}-${round}`,
              budgetMs: options.budgetMs,
            });
            log(
              `${name} c=${concurrency} round ${round + 1} (${strategy.id}) ${result.opsPerSecond} ops/s p99 ${result.latencyMs.p99} ms`,
            );
            thisRound.set(strategy.id, result);
            runs.set(strategy.id, [...(runs.get(strategy.id) ?? []), result]);
          }
          const d = thisRound.get('d');
          for (const [id, list] of perRound) {
            const other = thisRound.get(id);
            if (d && other && other.opsPerSecond > 0) list.push(d.opsPerSecond / other.opsPerSecond);
          }
        }
        if (withGoals) ratios.push(...summarize());
        for (const strategy of STRATEGIES) {
          const list = runs.get(strategy.id) ?? [];
          const sorted = [...list].sort((a, b) => a.opsPerSecond - b.opsPerSecond);
          const median = sorted[Math.floor(sorted.length / 2)] as StrategyResult;
          results.push({ ...median, roundsOpsPerSecond: list.map((r) => r.opsPerSecond) });
        }
      }
    }
  } finally {
    await bridge.stop();
    await server.stop();
  }
  return { runs: results, ratios };
}
