import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

jest.setTimeout(120_000);

const root = path.join(__dirname, '..', '..');
const committed = path.join(root, 'docs', 'api');

// The API reference (docs/api/, typedoc with typedoc-plugin-markdown over the package's entry points, typedoc.json)
// is generated from the docstrings and committed: `npm run api-docs` writes it.
describe('docs: the API reference', () => {
  let out: string;
  let warnings: string[];
  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 'api-docs-'));
    const run = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`typedoc failed:\n${run.stdout}\n${run.stderr}`);
    // Anonymous object types (`__type`: the generated API types' members) carry no docstrings of their own.
    warnings = `${run.stdout}${run.stderr}`
      .split('\n')
      .filter((line) => line.includes('[warning]') && !line.includes('__type') && !/Found \d+ errors/.test(line));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is current: `npm run api-docs` writes what is committed', () => {
    const files = readdirSync(out).sort();
    expect(readdirSync(committed).sort()).toEqual(files);
    for (const file of files) {
      expect({ file, text: readFileSync(path.join(committed, file), 'utf8') }).toEqual({
        file,
        text: readFileSync(path.join(out, file), 'utf8'),
      });
    }
  });

  it('documents every exported name and member, and every link resolves', () => {
    expect(warnings).toEqual([]);
  });
});
