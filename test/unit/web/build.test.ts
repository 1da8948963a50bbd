import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { WEB_PAGES } from '../../../src/web/pages';
import { buildWebPages } from '../../../tools/build/web-pages';

/** The budget for each page: everything it loads, gzipped, under 150 KB (README.md, "Console and drop page"). */
const MAX_GZIPPED_BYTES = 150 * 1024;

describe('web pages: the esbuild build', () => {
  let outDir: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'web-pages-'));
    await buildWebPages(outDir);
  }, 60_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each(WEB_PAGES)(
    'builds %s into index.html, one ES module and one stylesheet that the page loads, and its workers',
    (page) => {
      const files = readdirSync(path.join(outDir, page)).sort();
      // Each Web Worker source (`<name>.worker.ts`) becomes `<name>.worker.js` beside main.js.
      const workers = readdirSync(path.join(__dirname, '..', '..', '..', 'src', 'web', page))
        .filter((file) => file.endsWith('.worker.ts'))
        .map((file) => file.replace(/\.ts$/, '.js'));
      expect(files).toEqual(['index.html', 'main.css', 'main.js', ...workers].sort());
      const html = readFileSync(path.join(outDir, page, 'index.html'), 'utf8');
      expect(html).toContain('<script type="module" src="./main.js">');
      expect(html).toContain('<link rel="stylesheet" href="./main.css"');
      // Bundled: no bare import left for the browser to resolve.
      expect(readFileSync(path.join(outDir, page, 'main.js'), 'utf8')).not.toMatch(/\bfrom\s*["'][a-z@]/);
    },
  );

  it.each(WEB_PAGES)('keeps %s under 150 KB gzipped, all its files together', (page) => {
    const gzipped = readdirSync(path.join(outDir, page)).reduce(
      (sum, file) => sum + gzipSync(readFileSync(path.join(outDir, page, file)), { level: 9 }).length,
      0,
    );
    expect(gzipped).toBeLessThan(MAX_GZIPPED_BYTES);
    // A floor too: a page that lost its chart or its API client would pass the ceiling unnoticed.
    expect(gzipped).toBeGreaterThan(10 * 1024);
  });
});
