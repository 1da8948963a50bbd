import { clockTicks, TIME_AXIS_INCREMENTS } from '../../../src/web/console/time-axis';

describe('console: the live chart time axis', () => {
  const noon = Date.UTC(2026, 11, 6, 12, 0, 0) / 1000;

  it('labels ticks seconds apart as hours, minutes and seconds on a 24-hour clock', () => {
    expect(clockTicks([noon, noon + 15, noon + 30, noon + 45 + 0.12], 15, 'UTC')).toEqual([
      '12:00:00',
      '12:00:15',
      '12:00:30',
      '12:00:45',
    ]);
  });

  it('labels ticks whole minutes apart as hours and minutes, in the given time zone', () => {
    expect(clockTicks([noon, noon + 300], 300, 'UTC')).toEqual(['12:00', '12:05']);
    expect(clockTicks([noon + 13 * 3600], 3600, 'Asia/Seoul')).toEqual(['10:00']);
  });

  it('never ticks between two seconds', () => {
    expect(TIME_AXIS_INCREMENTS.every((s) => Number.isInteger(s) && s >= 1)).toBe(true);
  });
});
