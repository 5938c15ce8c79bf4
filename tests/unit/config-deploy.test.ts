import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/fuse/config';

/** The settings a serverless deployment adds (src/fuse/config.ts): two database URLs, the cron secret, the stream age. */
const base = { NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40) } as unknown as NodeJS.ProcessEnv;
const load = (extra: Record<string, string>) => loadConfig({ ...base, ...extra } as unknown as NodeJS.ProcessEnv);

describe('deployment settings', () => {
  it('DATABASE_DIRECT_URL is for LISTEN when set, DATABASE_URL otherwise; alone it is refused', () => {
    expect(load({ DATABASE_URL: 'postgres://pooler:6543/app' }).database).toMatchObject({
      url: 'postgres://pooler:6543/app',
      directUrl: 'postgres://pooler:6543/app',
    });
    expect(load({ DATABASE_URL: 'postgres://pooler:6543/app', DATABASE_DIRECT_URL: 'postgres://db:5432/app' }).database).toMatchObject({
      url: 'postgres://pooler:6543/app',
      directUrl: 'postgres://db:5432/app',
    });
    expect(() => load({ DATABASE_DIRECT_URL: 'postgres://db:5432/app' })).toThrow(/DATABASE_DIRECT_URL is set but DATABASE_URL is not/);
    expect(() => load({ DATABASE_URL: 'postgres://a/b', DATABASE_DIRECT_URL: 'not a url' })).toThrow(ConfigError);
  });

  it('CRON_SECRET: off when unset or empty, at least 16 characters when set', () => {
    expect(load({}).cronSecret).toBeNull();
    expect(load({ CRON_SECRET: '' }).cronSecret).toBeNull();
    expect(() => load({ CRON_SECRET: 'short' })).toThrow(/CRON_SECRET: must be at least 16 characters/);
    expect(load({ CRON_SECRET: 'a'.repeat(16) }).cronSecret).toBe('a'.repeat(16));
  });

  it('LIVE_MAX_STREAM_SECONDS: 30 minutes by default, a whole number of at least 10 seconds', () => {
    expect(load({}).live.maxStreamSeconds).toBe(1800);
    expect(load({ LIVE_MAX_STREAM_SECONDS: '270' }).live.maxStreamSeconds).toBe(270);
    for (const bad of ['5', '12.5', 'abc', '-1']) expect(() => load({ LIVE_MAX_STREAM_SECONDS: bad }), bad).toThrow(/LIVE_MAX_STREAM_SECONDS/);
  });
});
