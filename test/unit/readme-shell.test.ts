import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readmeScript, shellBlocks, shellCommands } from '../support/readme-shell';

// README.md's shell blocks declare whether test/e2e/readme.test.ts runs them, and the runner reads the commands
// and their expected statuses as bash would.

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

const SAMPLE = [
  '# title', // 1
  '<!-- readme-test: run -->', // 2
  '```bash', // 3
  'API=$(node -p "1")   # not a status', // 4
  'npm run -s admin -- POST /v1/x \'{"a":"#1",', // 5
  '  "b":2}\'   # 201 created', // 6
  'curl -s $API/y \\', // 7
  '  -H "x: #y"   # 409 CONFLICT', // 8
  '# 200 a comment line is no command', // 9
  'echo done', // 10
  '```', // 11
  '', // 12
  '```sh', // 13
  'npx cdk deploy', // 14
  '```', // 15
  '  <!-- readme-test: skip: deploys to AWS -->', // 16
  '  ```sh', // 17
  '  npx cdk bootstrap', // 18
  '  ```', // 19
].join('\n');

describe('README: shell blocks', () => {
  it('marks every shell block of README.md run or skipped (with a reason), and runs some', () => {
    const blocks = shellBlocks(readme);

    expect(blocks.filter((b) => b.marker === undefined).map((b) => `line ${b.fenceLine}`)).toEqual([]);
    expect(blocks.filter((b) => b.marker?.kind === 'skip' && b.marker.reason.length < 10)).toEqual([]);
    expect(blocks.filter((b) => b.marker?.kind === 'run').length).toBeGreaterThanOrEqual(5);
  });

  it('reads the markers, an indented block, and a block without a marker', () => {
    const blocks = shellBlocks(SAMPLE);

    expect(blocks.map((b) => ({ fenceLine: b.fenceLine, marker: b.marker, lines: b.lines.length }))).toEqual([
      { fenceLine: 3, marker: { kind: 'run' }, lines: 7 },
      { fenceLine: 13, marker: undefined, lines: 1 },
      { fenceLine: 17, marker: { kind: 'skip', reason: 'deploys to AWS' }, lines: 1 },
    ]);
    expect(blocks[2]?.lines).toEqual(['npx cdk bootstrap']);
  });

  it('splits commands at line ends outside quotes and continuations; a trailing comment gives the status', () => {
    const [block] = shellBlocks(SAMPLE);
    if (!block) throw new Error('no block');

    expect(shellCommands(block)).toEqual([
      { from: 4, to: 4 },
      { from: 5, to: 6, expectedStatus: 201 },
      { from: 7, to: 8, expectedStatus: 409 },
      { from: 10, to: 10 },
    ]);
  });

  it("writes the run blocks at README's own line numbers, every other line blank", () => {
    const { script, expected } = readmeScript(SAMPLE, '/tmp/prelude.sh');
    const lines = script.split('\n');

    expect(lines[0]).toBe("source '/tmp/prelude.sh'");
    expect(lines[5]).toBe('  "b":2}\'   # 201 created');
    expect(lines.slice(13, 19).every((l) => l === '')).toBe(true);
    expect([...expected]).toEqual([
      [5, 201],
      [6, 201],
      [7, 409],
      [8, 409],
    ]);
  });
});
