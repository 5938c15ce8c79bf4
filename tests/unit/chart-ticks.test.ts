import { describe, expect, it } from 'vitest';
import { niceTicks } from '../../src/fuse/ui/chart';

describe('chart axis steps', () => {
  it('are round numbers from 0 past the largest value', () => {
    expect(niceTicks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(73_000)).toEqual([0, 20_000, 40_000, 60_000, 80_000]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('never step by a fraction for counts, so no two labels read the same', () => {
    expect(niceTicks(2)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(niceTicks(2, 4, true)).toEqual([0, 1, 2]);
    expect(niceTicks(1, 4, true)).toEqual([0, 1]);
    expect(niceTicks(10, 4, true)).toEqual([0, 5, 10]);
    expect(niceTicks(600, 4, true)).toEqual([0, 200, 400, 600]);
    for (let max = 1; max <= 500; max++) {
      const ticks = niceTicks(max, 4, true);
      expect(ticks.every(Number.isInteger), String(max)).toBe(true);
      expect(ticks.at(-1)!, String(max)).toBeGreaterThanOrEqual(max);
    }
  });
});
