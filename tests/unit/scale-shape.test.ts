import { describe, expect, it } from 'vitest';
import { scaleShape } from '../../src/cli/scale-seed';

describe('scale-target data set shape', () => {
  it('has the seed numbers at full scale', () => {
    const s = scaleShape(1);
    expect(s.users).toBe(100_000);
    expect(s.payingBusinesses).toBe(10_000);
    expect(s.freeBusinesses).toBeGreaterThan(0);
    expect(s.monthlyJoins).toBe(1_000);
    expect(s.totalClients).toBeGreaterThanOrEqual(1_000_000);
    const sorted = [...s.clientsPerBusiness].sort((a, b) => a - b);
    // Skewed like real life: the median business is small, a few have 20,000+ clients.
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(50);
    expect(sorted.filter((n) => n >= 20_000).length).toBeGreaterThanOrEqual(3);
    expect(s.clientsPerBusiness[0]).toBe(sorted[sorted.length - 1]);
  });

  it('is deterministic and scales down', () => {
    expect(scaleShape(0.01)).toEqual(scaleShape(0.01));
    const q = scaleShape(0.01);
    expect(q.users).toBe(1_000);
    expect(q.payingBusinesses).toBe(100);
    expect(q.monthlyJoins).toBe(10);
    expect(q.totalClients).toBeGreaterThanOrEqual(10_000);
  });

  it('rejects a scale outside (0, 1]', () => {
    expect(() => scaleShape(0)).toThrow(/scale/);
    expect(() => scaleShape(2)).toThrow(/scale/);
    expect(() => scaleShape(Number.NaN)).toThrow(/scale/);
  });
});
