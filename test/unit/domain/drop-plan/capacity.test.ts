import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CAPACITY, concurrencyFor } from '../../../../src/functions/domain/drop-plan/capacity';

describe('domain: capacity figures', () => {
  const benchmarks = readFileSync(path.join(__dirname, '..', '..', '..', '..', 'BENCHMARKS.md'), 'utf8');

  it("are the ones BENCHMARKS.md's capacity model cites, with the same sources", () => {
    expect(benchmarks).toContain('src/functions/domain/drop-plan/capacity.ts');
    for (const figure of Object.values(CAPACITY)) {
      if (figure.source.startsWith('https://')) expect(benchmarks).toContain(figure.source);
      const stated = figure.unit === 's' ? `${figure.value * 1000} ms` : figure.value.toLocaleString('en-US');
      expect(benchmarks).toContain(stated);
    }
  });

  it("turns a request rate into concurrent executions by Little's law, rounding up", () => {
    expect(concurrencyFor(1)).toBe(1);
    expect(concurrencyFor(3000)).toBe(60);
    expect(concurrencyFor(3001)).toBe(61);
  });
});
