import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** The paths in the first column of README.md's Layout table (`src/construct/`, `tools/bench/`, ...). */
function layoutPaths(): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Layout\n'));
  const end = section.indexOf('\n## ', 1);
  const rows = (end === -1 ? section : section.slice(0, end)).split('\n').filter((l) => l.startsWith('| `'));
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
}

describe('README: the Layout section', () => {
  it('names only paths that exist', () => {
    const missing = layoutPaths().filter((p) => !existsSync(path.join(root, p)));
    expect(missing).toEqual([]);
  });

  it('names every folder of src/, src/functions/ and tools/, and every top-level folder of the product and tools', () => {
    const listed = new Set(layoutPaths().map((p) => p.replace(/\/$/, '')));
    const folders = (dir: string) =>
      readdirSync(path.join(root, dir), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${dir}/${e.name}`);
    const expected = [...folders('src'), ...folders('tools')].filter((f) => f !== 'src/functions');
    expected.push(...folders('src/functions'));
    expect(expected.filter((f) => !listed.has(f))).toEqual([]);
  });
});
