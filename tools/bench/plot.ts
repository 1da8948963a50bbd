import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
// The package's types resolve through its `exports` map, which this tsconfig's `node` resolution does not read.
import type { TopLevelSpec } from 'vega-lite/build/index';

/**
 * A chart of one benchmark question: a Vega-Lite spec (https://vega.github.io/vega-lite/docs/) whose data are
 * the run's own rows, rendered to SVG by Vega in Node (no browser, no canvas).
 */
export type ChartSpec = TopLevelSpec;

/** Width and height of every chart, px, so BENCHMARKS.md reads evenly. */
export const CHART_SIZE = { width: 560, height: 280 } as const;

/**
 * Renders `spec` to an SVG document (a string), in a Node process of its own (`tools/bench/render-svg.mjs`: Vega ships
 * only ES modules with a top-level await, which jest's CommonJS runtime cannot load).
 * @throws Error with Vega's message when the spec does not compile (an unknown mark, a bad encoding).
 */
export function renderSvg(spec: ChartSpec): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(__dirname, 'render-svg.mjs')],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`rendering the chart failed: ${stderr.trim() || error.message}`)) : resolve(stdout),
    );
    child.stdin?.end(JSON.stringify({ ...CHART_SIZE, ...spec }));
  });
}

/** Renders `spec` and writes it to `path` (folders made as needed). @returns the path written. */
export async function writeSvg(path: string, spec: ChartSpec): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, await renderSvg(spec));
  return path;
}
