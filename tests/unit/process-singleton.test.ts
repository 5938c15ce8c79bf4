import { describe, expect, it, vi } from 'vitest';
import { processSingleton } from '@/fuse/singleton';

describe('processSingleton', () => {
  it('creates a value once per process and name, and keeps names apart', () => {
    const create = vi.fn(() => ({ made: Math.random() }));
    const name = `test-${Math.random()}`;
    const first = processSingleton(name, create);
    expect(processSingleton(name, create)).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
    expect(processSingleton(`${name}-other`, () => ({ made: 0 }))).not.toBe(first);
  });

  it('survives a second copy of a module, as each Next bundle loads its own: one logger, one metrics registry', async () => {
    const logger = (await import('@/fuse/observability/logger')).logger;
    const metrics = (await import('@/fuse/observability/metrics')).metrics;
    vi.resetModules();
    const again = await import('@/fuse/observability/logger');
    const metricsAgain = await import('@/fuse/observability/metrics');
    expect(again.logger).toBe(logger);
    expect(metricsAgain.metrics).toBe(metrics);
    // A fresh copy of the module still finds the value, not a new one, under the same name.
    const { processSingleton: fresh } = await import('@/fuse/singleton');
    expect(fresh('logger', () => 'a second logger')).toBe(logger);
  });
});
