import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The Node.js major of a Lambda runtime identifier, as the template's `Runtime` names it: `nodejs24.x` -> 22.
 * @throws Error for a runtime that is not Node.js (the local cloud runs Node.js functions only).
 */
export function nodeMajorOfRuntime(runtime: string): number {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!m) throw new Error(`runtime ${runtime} is not a Node.js runtime (nodejsNN.x): the local cloud cannot run it`);
  return Number(m[1]);
}

/** This repository's `node` devDependency (package.json): Node.js of the deployed runtime, whatever the machine has. */
export const PROJECT_NODE = path.join(__dirname, '..', '..', 'node_modules', 'node', 'bin', 'node');

/**
 * Where a Node.js binary of another major may be: this process's own, then the npm registry's `node` package
 * (`node_modules/node/bin/node`) in every folder from this file's up (this repository's devDependency, or the
 * app's when this runs as the packaged `fcfs-coupon-local`) and from the working directory up.
 */
export function nodeCandidates(from: readonly string[] = [__dirname, process.cwd()]): string[] {
  const found = [process.execPath];
  for (const start of from) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', 'node', 'bin', 'node');
      if (!found.includes(candidate)) found.push(candidate);
      if (path.dirname(dir) === dir) break;
    }
  }
  return found.filter((candidate, i) => i === 0 || existsSync(candidate));
}

/** Tells the Node.js version of a binary (`process.versions.node`), or undefined when it does not run. */
export type NodeVersionProbe = (executable: string) => string | undefined;

/** Runs the binary for real: `<executable> -p process.versions.node`. */
export const execNodeVersion: NodeVersionProbe = (executable) => {
  if (executable === process.execPath) return process.versions.node;
  if (!existsSync(executable)) return undefined;
  try {
    return execFileSync(executable, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
};

const found = new Map<string, string>();

/**
 * The Node.js binary that runs a function of `runtime` locally, so that what runs locally is the Node.js major
 * that deploys: the first of {@link nodeCandidates} whose major is the runtime's (in this repository, this
 * process's own under npm scripts, which find the `node` devDependency first on PATH). No fallback to another
 * major: a function tested on Node.js 20 and deployed on 22 would be tested on what never runs. Found once per
 * runtime and candidates.
 * @throws Error naming the runtime, the Node.js versions found and how to get the right one.
 */
export function nodeForRuntime(
  runtime: string,
  candidates: readonly string[] = nodeCandidates(),
  probe: NodeVersionProbe = execNodeVersion,
): string {
  const key = [runtime, ...candidates].join('\0');
  const cached = found.get(key);
  if (cached) return cached;
  const major = nodeMajorOfRuntime(runtime);
  const seen: string[] = [];
  for (const executable of candidates) {
    const version = probe(executable);
    seen.push(`${executable}: ${version ? `v${version}` : 'not found'}`);
    if (version && Number(version.split('.')[0]) === major) {
      found.set(key, executable);
      return executable;
    }
  }
  throw new Error(
    `functions of runtime ${runtime} run locally on Node.js ${major}, and none was found (${seen.join('; ')}). ` +
      `Run with Node.js ${major}, or install it as a package: npm install -D -E node@${major}.x.y (the npm registry's ` +
      `Node.js binary; in this repository npm ci installs it, and a changed runtime needs the devDependency changed to match).`,
  );
}
