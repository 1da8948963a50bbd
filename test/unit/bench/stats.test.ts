import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchReport, checkGoals } from '../../../tools/bench/run';
import { clearOfNoise, summarizeRounds } from '../../../tools/bench/stats';

describe('bench stats: a median over rounds and its interval', () => {
  it('takes the whole range as the 95% interval of 6 rounds, and order statistics 2 and 8 of 9', () => {
    const six = summarizeRounds([6, 1, 5, 2, 4, 3]);
    expect(six).toMatchObject({ median: 3.5, min: 1, max: 6, low: 1, high: 6, rounds: [6, 1, 5, 2, 4, 3] });
    expect(six.confidence).toBeCloseTo(1 - 2 / 64, 3);
    const nine = summarizeRounds([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(nine).toMatchObject({ median: 5, low: 2, high: 8 });
    expect(nine.confidence).toBeCloseTo(1 - (2 * (1 + 9)) / 512, 3);
  });

  it('narrows the interval as rounds are added, where the range does not', () => {
    const rounds = Array.from({ length: 30 }, (_, i) => 1 + (i % 10) / 10);
    const few = summarizeRounds(rounds.slice(0, 10));
    const many = summarizeRounds(rounds);
    expect(many.max - many.min).toBe(few.max - few.min);
    expect(many.high - many.low).toBeLessThan(few.high - few.low);
  });

  it('calls a verdict clear only when the interval lies on one side of the threshold, and never below 6 rounds', () => {
    expect(clearOfNoise(summarizeRounds([1.4, 1.5, 1.45, 1.6, 1.42, 1.48]), 1.3)).toBe(true);
    expect(clearOfNoise(summarizeRounds([1.1, 1.2, 1.15, 1.25, 1.12, 1.18]), 1.3)).toBe(true);
    expect(clearOfNoise(summarizeRounds([1.1, 1.5, 1.2, 1.4, 1.25, 1.35]), 1.3)).toBe(false);
    expect(clearOfNoise(summarizeRounds([2, 2.1, 2.2, 2.3, 2.4]), 1.3)).toBe(false);
  });
});

describe('bench goals', () => {
  const report = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'bench-run.json'), 'utf8')) as BenchReport;

  it("states each question's goal with its median, interval and verdict, and no absolute rate", () => {
    const goals = checkGoals(report);
    expect(goals.filter((g) => g.question === 'Q3')).toEqual([
      expect.objectContaining({ goal: expect.stringContaining('<= 1.3x the minimal handler'), met: true, clear: true }),
      expect.objectContaining({ goal: expect.stringContaining('<= 0.1x an admission'), met: true, clear: true }),
    ]);
    // (d) / (c) over RESP at 1.14x: not met, and clearly so.
    expect(goals.find((g) => g.goal === 'resp, c=50: (d) >= 1.3x (c)')).toMatchObject({ met: false, clear: true });
    expect(goals.filter((g) => g.question === 'Q4')).toHaveLength(8);
    expect(goals.map((g) => g.goal).join('\n')).not.toMatch(/req\/s|drain/);
  });

  it('finds a CPU ratio above its goal not met', () => {
    const cpu = report.admissionCpu as NonNullable<BenchReport['admissionCpu']>;
    const slow = { ...cpu, admissionRatio: summarizeRounds([1.5, 1.6, 1.4, 1.55, 1.45, 1.5]) };
    expect(checkGoals({ ...report, admissionCpu: slow }).find((g) => g.question === 'Q3')).toMatchObject({
      met: false,
      clear: true,
    });
  });

  it("states the proof of work's goal only for a run that measured it, met or not against 1.1x", () => {
    const cpu = report.admissionCpu as NonNullable<BenchReport['admissionCpu']>;
    const goalOf = (ratios: number[]) =>
      checkGoals({ ...report, admissionCpu: { ...cpu, proofOfWorkRatio: summarizeRounds(ratios) } }).find((g) =>
        g.goal.includes('proof of work'),
      );
    expect(goalOf([1.01, 1.03, 0.98, 1.02, 1.0, 1.04])).toMatchObject({
      question: 'Q3',
      goal: expect.stringContaining('<= 1.1x an admission without'),
      met: true,
      clear: true,
    });
    expect(goalOf([1.2, 1.25, 1.3, 1.22, 1.18, 1.27])).toMatchObject({ met: false, clear: true });
    expect(goalOf([1.05, 1.15, 1.08, 1.12, 1.02, 1.2])).toMatchObject({ clear: false });
    expect(checkGoals(report).some((g) => g.goal.includes('proof of work'))).toBe(false);
  });
});
