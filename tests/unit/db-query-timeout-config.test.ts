import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/fuse/config';

const base = { NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40) } as NodeJS.ProcessEnv;

describe('DB_QUERY_TIMEOUT_MS', () => {
  it('bounds every query at 5 s by default and takes a whole number of milliseconds', () => {
    expect(loadConfig(base).database.queryTimeoutMs).toBe(5_000);
    expect(loadConfig({ ...base, DB_QUERY_TIMEOUT_MS: '1500' }).database.queryTimeoutMs).toBe(1_500);
  });

  it('refuses a value that would disable or defeat the bound, naming the variable', () => {
    for (const value of ['0', '50', '-1', '1.5', 'never']) {
      expect(() => loadConfig({ ...base, DB_QUERY_TIMEOUT_MS: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, DB_QUERY_TIMEOUT_MS: value }), value).toThrow('DB_QUERY_TIMEOUT_MS');
    }
  });
});
