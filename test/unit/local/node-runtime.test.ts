import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  execNodeVersion,
  type NodeVersionProbe,
  nodeCandidates,
  nodeForRuntime,
  nodeMajorOfRuntime,
  PROJECT_NODE,
} from '../../../tools/local/node-runtime';

// The local cloud runs each function on the Node.js major of its template Runtime; the probe is faked so that these
// tests say the same whatever Node.js the machine has, but for the last two, which check the project's own.

/** A probe answering from a table of binaries and their versions. */
const fakeProbe =
  (versions: Record<string, string>): NodeVersionProbe =>
  (executable) =>
    versions[executable];

describe('local: Node.js of a function runtime', () => {
  it('reads the major from the runtime identifier', () => {
    expect(nodeMajorOfRuntime('nodejs22.x')).toBe(22);
    expect(nodeMajorOfRuntime('nodejs24.x')).toBe(24);
  });

  it('refuses a runtime that is not Node.js', () => {
    expect(() => nodeMajorOfRuntime('python3.13')).toThrow(/python3\.13 is not a Node\.js runtime/);
  });

  it('takes the first candidate of the right major', () => {
    // Prepare
    const probe = fakeProbe({ '/a/node': '20.20.2', '/b/node': '22.23.3', '/c/node': '22.1.0' });
    // Act
    const node = nodeForRuntime('nodejs22.x', ['/a/node', '/b/node', '/c/node'], probe);
    // Assess
    expect(node).toBe('/b/node');
  });

  it('fails naming the runtime, what it found and how to get the right Node.js, rather than run another major', () => {
    // Prepare
    const probe = fakeProbe({ '/a/node': '20.20.2' });
    // Act
    const act = () => nodeForRuntime('nodejs24.x', ['/a/node', '/missing/node'], probe);
    // Assess
    expect(act).toThrow(
      /runtime nodejs24\.x run locally on Node\.js 24, and none was found \(\/a\/node: v20\.20\.2; \/missing\/node: not found\)/,
    );
    expect(act).toThrow(/npm install -D -E node@24/);
  });

  it("finds the runtime that the construct deploys in the project's node devDependency", () => {
    // The devDependency is the runtime's major: what runs locally is what deploys (src/construct/app-function.ts).
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const major = Number(pkg.devDependencies.node?.split('.')[0]);
    expect(execNodeVersion(PROJECT_NODE)?.split('.')[0]).toBe(String(major));
    expect(nodeCandidates()).toContain(PROJECT_NODE);
    expect(nodeForRuntime(`nodejs${major}.x`)).toMatch(/node$/);
  });

  it('runs the tests themselves on that Node.js (npm scripts find node_modules/.bin/node first)', () => {
    expect(process.versions.node.split('.')[0]).toBe(execNodeVersion(PROJECT_NODE)?.split('.')[0]);
  });
});
