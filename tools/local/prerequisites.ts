import { spawnSync } from 'node:child_process';
import type { AdmissionMode } from '../../src/contract/names';

/** What running a command said: whether it could start at all, its exit status, and stdout and stderr together. */
export interface ProbeResult {
  /** False when the command is not on PATH (or could not be started). */
  readonly found: boolean;
  readonly status: number | null;
  readonly output: string;
}

/** Runs `command args` and reports what it said; injected in tests so that they do not depend on the machine. */
export type CommandProbe = (command: string, args: readonly string[]) => ProbeResult;

/** Runs the command for real, synchronously (each probe is a `--version` call). */
const spawnProbe: CommandProbe = (command, args) => {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { found: !result.error, status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
};

/** Oldest Java the local cloud supports for DynamoDB Local (README.md; tools/local/emulators.ts). */
export const MIN_JAVA_MAJOR = 17;

const JAVA_INSTALL =
  'apt-get install default-jre-headless (Debian 12 or later, Ubuntu 22.04 or later), ' +
  `brew install openjdk (macOS), or any Java ${MIN_JAVA_MAJOR}+ runtime on PATH`;

/** Why `ADMISSION_MODE=redis` cannot run on this machine. */
export const REDIS_SERVER_NEEDED =
  'ADMISSION_MODE=redis needs redis-server on PATH (Debian: apt-get install redis-server)';

/** True when `redis-server` is on PATH and answers `--version`. */
export function hasRedisServer(probe: CommandProbe = spawnProbe): boolean {
  const redis = probe('redis-server', ['--version']);
  return redis.found && redis.status === 0;
}

/**
 * The major version in `java -version` output: `openjdk version "17.0.9"` -> 17, `openjdk version "21"` -> 21,
 * and the old scheme `java version "1.8.0_391"` -> 8. Undefined when the output names no version.
 */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major === 1 && m[2] !== undefined ? Number(m[2]) : major;
}

/**
 * What `npm start` needs and this machine lacks, each as a sentence saying what to install: Java
 * {@link MIN_JAVA_MAJOR} or later for DynamoDB Local (always), and redis-server when Redis mode is asked for by
 * name. Without redis-server and without a requested mode nothing is missing: the local cloud runs DynamoDB mode
 * and says so. A `java -version` whose output names no version is let through (DynamoDB Local then reports
 * for itself).
 * @returns an empty list when everything is there.
 */
export function missingPrerequisites(
  requestedMode: AdmissionMode | undefined,
  probe: CommandProbe = spawnProbe,
): string[] {
  const missing: string[] = [];
  const java = probe('java', ['-version']);
  const major = java.found ? javaMajorVersion(java.output) : undefined;
  if (!java.found) {
    missing.push(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or later and java is not on PATH: ${JAVA_INSTALL}`);
  } else if (major !== undefined && major < MIN_JAVA_MAJOR) {
    missing.push(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or later, and java on PATH is Java ${major}: ${JAVA_INSTALL}`,
    );
  } else if (major === undefined && java.status !== 0) {
    missing.push(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or later, and java -version failed: ${java.output.trim()}`,
    );
  }
  if (requestedMode === 'redis' && !hasRedisServer(probe)) missing.push(REDIS_SERVER_NEEDED);
  return missing;
}
