import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartSpecs, writeCharts } from '../../../tools/bench/charts';
import { renderSvg } from '../../../tools/bench/plot';
import type { BenchReport } from '../../../tools/bench/run';

// A saved run (test/unit/bench/fixtures/bench-run.json: the shape `npm run bench` saves as run.json, with
// Q3 and Q4 only), as `--charts-from` reads it.
const fixture = join(__dirname, 'fixtures', 'bench-run.json');
const report = JSON.parse(readFileSync(fixture, 'utf8')) as BenchReport;

jest.setTimeout(60_000);

describe('bench charts from a saved run', () => {
  it('has a chart for each question that ran, and none for those that did not', () => {
    expect(Object.keys(chartSpecs(report)).sort()).toEqual([
      'admission-cpu',
      'admission-ratios',
      'admission-strategies',
    ]);
    expect(Object.keys(chartSpecs({ ...report, admissionCpu: undefined }))).not.toContain('admission-cpu');
    expect(
      chartSpecs({ ...report, admission: undefined, admissionRatios: undefined, admissionCpu: undefined }),
    ).toEqual({});
  });

  it("draws the strategy comparison with every strategy's label and both transports", async () => {
    const svg = await renderSvg(chartSpecs(report)['admission-strategies'] as never);
    expect(svg).toMatch(/^<svg /);
    for (const label of ['(a) naive', '(b) lock', '(c) two calls', '(d) Lua', '(e) bare INCR', 'RESP', 'REST']) {
      expect(svg).toContain(label);
    }
    expect(svg).toContain('concurrency 50');
  });

  it('draws the CPU comparison and the ratios against their goals', async () => {
    const cpu = await renderSvg(chartSpecs(report)['admission-cpu'] as never);
    expect(cpu).toContain('minimal handler (EVALSHA + SendMessage)');
    expect(cpu).toContain('issue function: sold out (cached)');
    expect(cpu).toContain('median of 6 round(s)');
    const ratios = await renderSvg(chartSpecs(report)['admission-ratios'] as never);
    expect(ratios).toContain('rest: (d) / (c)');
    expect(ratios).toContain('resp: (d) / (b)');
  });

  it('re-renders the charts of a saved run.json without running anything (--charts-from)', () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-charts-'));
    const tsx = join(__dirname, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const run = join(__dirname, '..', '..', '..', 'tools', 'bench', 'run.ts');
    const result = spawnSync(process.execPath, [tsx, run, '--charts-from', fixture, '--out', out], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['admission-cpu.svg', 'admission-ratios.svg', 'admission-strategies.svg']);
    // And prints the saved run's report.
    expect(result.stdout).toContain('## Q3. What one admission costs the issue function');
    expect(result.stdout).toContain('| Q4       | rest, c=50: (d) >= 1.3x (c)');
  });

  it('writes one SVG per chart into the folder given', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-charts-'));
    const written = await writeCharts({ ...report, admission: undefined, admissionRatios: undefined }, out);
    expect(written).toEqual([join(out, 'admission-cpu.svg')]);
    expect(readFileSync(join(out, 'admission-cpu.svg'), 'utf8')).toMatch(/^<svg /);
  });
});
