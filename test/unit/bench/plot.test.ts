import { renderSvg } from '../../../tools/bench/plot';

describe('bench charts', () => {
  it('renders a Vega-Lite line chart with its data and legend to SVG', async () => {
    const svg = await renderSvg({
      title: 'p99 against DynamoDB latency',
      data: {
        values: [
          { dbLatencyMs: 0, p99Ms: 12, path: 'queued' },
          { dbLatencyMs: 100, p99Ms: 14, path: 'queued' },
          { dbLatencyMs: 0, p99Ms: 15, path: 'direct' },
          { dbLatencyMs: 100, p99Ms: 130, path: 'direct' },
        ],
      },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'dbLatencyMs', type: 'quantitative', title: 'DynamoDB latency, ms' },
        y: { field: 'p99Ms', type: 'quantitative', title: 'issue p99, ms' },
        color: { field: 'path', type: 'nominal' },
      },
    });
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('p99 against DynamoDB latency');
    expect(svg).toContain('queued');
    expect(svg).toContain('direct');
  });

  it('refuses a spec that does not compile', async () => {
    await expect(renderSvg({ data: { values: [] }, mark: 'nope' } as never)).rejects.toThrow(
      /rendering the chart failed/,
    );
  });
});
