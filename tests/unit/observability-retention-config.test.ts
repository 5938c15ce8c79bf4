import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/fuse/config';
import type { Database } from '@/fuse/db/client';
import { startObservabilityRetention, stopObservabilityRetention } from '@/fuse/observability/retention';

const base = { NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40) } as NodeJS.ProcessEnv;

describe('observability retention settings', () => {
  afterEach(() => stopObservabilityRetention());

  it('has bounded defaults and validates each variable by name', () => {
    expect(loadConfig(base).observabilityRetention).toEqual({ vitalsDays: 30, vitalsMaxRows: 1_000_000, errorsDays: 90, errorsMaxGroups: 10_000 });
    expect(loadConfig(base).browserErrorsSampleRate).toBe(1);
    expect(loadConfig({ ...base, VITALS_RETENTION_DAYS: '7', ERRORS_MAX_GROUPS: '500', BROWSER_ERRORS_SAMPLE_RATE: '0.25' })).toMatchObject({
      observabilityRetention: { vitalsDays: 7, errorsMaxGroups: 500 },
      browserErrorsSampleRate: 0.25,
    });
    for (const [name, value] of [
      ['VITALS_RETENTION_DAYS', '0'],
      ['VITALS_MAX_ROWS', '1.5'],
      ['ERRORS_RETENTION_DAYS', 'forever'],
      ['ERRORS_MAX_GROUPS', '-1'],
      ['BROWSER_ERRORS_SAMPLE_RATE', '2'],
    ] as const) {
      expect(() => loadConfig({ ...base, [name]: value }), name).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, [name]: value }), name).toThrow(name);
    }
  });

  it('is scheduled hourly, once per process', () => {
    const db = () => ({}) as Database;
    const limits = loadConfig(base).observabilityRetention;
    const job = startObservabilityRetention(db, limits);
    expect(startObservabilityRetention(db, limits)).toBe(job);
    const [a, b] = job.nextRuns(2);
    expect(b!.getTime() - a!.getTime()).toBe(60 * 60_000);
    expect(job.isRunning()).toBe(true);
    stopObservabilityRetention();
    expect(job.isStopped()).toBe(true);
  });
});
